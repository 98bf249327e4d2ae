/**
 * Choosing the compute backend (webgpu | wasm | cpu), and the fast-path ops the models are
 * built from (custom gradients that avoid tfjs's slow transposed-matmul paths). On wasm the ops
 * run the toolkit's fused kernels: OpenBLAS through FFI for matrix products (`blas.ts`,
 * `blas_matmul.ts`) and WebAssembly SIMD / JavaScript loops on the tfjs heap for the rest
 * (`simd_kernels.ts`, `wasm_heap.ts`); `fast_path.ts` says which path runs.
 *
 * @module
 */
// The public ops and switches only: kernel plumbing (kernel_registry, wasm_heap, simd_kernels,
// webgpu/) is imported from its own files by the code that needs it.
export {
  type BackendInfo,
  backendInfo,
  type BackendName,
  BACKENDS,
  initBackend,
  probeWebGPU,
} from "./backend.ts";
export * from "./dense.ts";
export * from "./layer_norm.ts";
export * from "./gelu.ts";
export * from "./mlp.ts";
export * from "./attention.ts";
export * from "./embedding.ts";
export { type Blas, loadBlas } from "./blas.ts";
export { blasInUse, useBlasMatMul } from "./blas_matmul.ts";
export { fusedKernelsEnabled, setFusedKernels } from "./fast_path.ts";
