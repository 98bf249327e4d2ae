/** Choosing the compute backend (webgpu | wasm | cpu) and reporting it. @module */
export * from "./backend.ts";
