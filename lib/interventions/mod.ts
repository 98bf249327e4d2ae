/** Interventions through hooks: concept-mean activation patching, head ablation. @module */
export * from "./patching.ts";
export * from "./ablation.ts";
export * from "./lora.ts";
