/** Paper 1, language-model part: config and presets, task data, the small task LM, measurements, interventions, LoRA finetuning, figures. @module */
export * from "./config.ts";
export * from "./data.ts";
export * from "./evaluate.ts";
export * from "./train_lm.ts";
export * from "./task_decodability.ts";
export * from "./measure.ts";
export * from "./intervention.ts";
export * from "./finetune.ts";
export * from "./experiment.ts";
export * from "./paper_values.ts";
export * from "./figures.ts";
export { iclLmComparisons } from "./reproduce.ts";
