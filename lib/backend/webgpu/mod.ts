/**
 * The toolkit's WGSL kernels for the webgpu backend: register-tiled split-K matmul, fused
 * LayerNorm, GELU, causal attention and Adam, recorded into tfjs-backend-webgpu's command
 * stream (`program.ts`). The fast-path ops in lib/backend route here on webgpu.
 *
 * @module
 */
export * from "./program.ts";
export * from "./matmul.ts";
export * from "./reduce.ts";
export * from "./elementwise.ts";
export * from "./layer_norm.ts";
export * from "./attention.ts";
export * from "./ops.ts";
export * from "./flat_adam.ts";
export * from "./counters.ts";
