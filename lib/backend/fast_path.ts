/**
 * Which implementation the fast-path ops (dense, layerNorm, gelu, attention, Adam) take.
 *
 * On the wasm backend they run the toolkit's own fused kernels, which read and write tensor
 * memory in place: plain JavaScript loops for the element-wise parts and OpenBLAS (through FFI)
 * for the matrix products. Elsewhere (webgpu, cpu), and when `TOOLKIT_FUSED=0`, they are
 * compositions of tfjs ops with hand-written gradients.
 *
 * @module
 */
import { tf } from "../deps.ts";
import type { Blas } from "./blas.ts";
import { blasInUse } from "./blas_matmul.ts";
import { envSwitch } from "../util/env.ts";

const fusedSwitch = envSwitch("TOOLKIT_FUSED", true);

/**
 * Turns the fused wasm kernels on or off (tests compare both; `TOOLKIT_FUSED=0` starts off).
 * Returns the previous setting.
 *
 * @example
 * ```ts
 * setFusedKernels(false); // plain tfjs ops from here on
 * ```
 */
export function setFusedKernels(on: boolean): boolean {
  return fusedSwitch.set(on);
}

/**
 * Whether the fused kernels are turned on (whatever the backend).
 *
 * @example
 * ```ts
 * if (!fusedKernelsEnabled()) console.log("TOOLKIT_FUSED=0");
 * ```
 */
export function fusedKernelsEnabled(): boolean {
  return fusedSwitch.on;
}

/**
 * Whether the fused element-wise kernels run now (wasm backend, not turned off).
 *
 * @example
 * ```ts
 * const path = fusedKernels() ? "fused wasm kernels" : "tfjs ops";
 * ```
 */
export function fusedKernels(): boolean {
  return fusedSwitch.on && tf.getBackend() === "wasm";
}

/**
 * OpenBLAS when the fused kernels that need it (dense, attention) run now, else null.
 *
 * @example
 * ```ts
 * fusedBlas()?.setThreads(1);
 * ```
 */
export function fusedBlas(): Blas | null {
  return fusedKernels() ? blasInUse() : null;
}

/**
 * Whether matMul's transpose flags are as fast as the plain product here (OpenBLAS on wasm);
 * elsewhere the gradients use explicit 2-D transposes (spec/00_stack.md).
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 *
 * declare const x: tf.Tensor2D, dy: tf.Tensor2D; // a layer's input and output gradient
 * const dW = transposedMatMulIsFast() ? tf.matMul(x, dy, true) : tf.matMul(tf.transpose(x), dy);
 * ```
 */
export function transposedMatMulIsFast(): boolean {
  return tf.getBackend() === "wasm" && blasInUse() !== null;
}
