/**
 * tfjs-wasm's `Identity` kernel (behind `tf.clone`, and behind the tensors every custom gradient
 * saves for its backward pass) copies the data; this replacement shares it by reference count,
 * as tfjs's cpu and webgl backends do. Safe because no kernel writes into its inputs; the one
 * in-place update of the toolkit (Adam's) checks the reference count first.
 *
 * @module
 */
import type { tf } from "../deps.ts";
import { restoreWasmKernel, setWasmKernel, type WasmKernelFunc } from "./wasm_heap.ts";

let original: tf.KernelConfig | undefined;
let installed = false;

const sharedIdentity: WasmKernelFunc = (args) => {
  const { inputs: { x }, backend } = args;
  if (x.dtype === "string") return original!.kernelFunc(args as never) as tf.TensorInfo;
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
};

/**
 * Makes the wasm backend's clones share memory (`on`) or copy it again (tfjs's kernel).
 *
 * @example
 * ```ts
 * useSharedIdentity(true);
 * ```
 */
export function useSharedIdentity(on: boolean) {
  if (on && !installed) original = setWasmKernel("Identity", sharedIdentity);
  else if (!on && installed) restoreWasmKernel("Identity", original);
  installed = on;
}
