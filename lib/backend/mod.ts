/**
 * Choosing the compute backend (webgpu | wasm | cpu), and the fast-path ops the models are
 * built from (custom gradients that avoid tfjs's slow transposed-matmul paths).
 *
 * @module
 */
export * from "./backend.ts";
export * from "./dense.ts";
export * from "./layer_norm.ts";
export * from "./gelu.ts";
export * from "./attention.ts";
export * from "./embedding.ts";
