/** Results database (SQLite) and safetensors checkpoints. @module */
export * from "./results.ts";
export * from "./checkpoint.ts";
export * from "./provenance.ts";
export * from "./archive.ts";
export * from "./describe.ts";
export * from "./paths.ts";
export * from "./lock.ts";
