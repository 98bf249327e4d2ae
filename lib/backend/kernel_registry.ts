/**
 * Where the toolkit's ops and kernels are registered: custom-gradient ops built once per
 * setting ({@link cachedOp}), and wasm / WGSL kernels run through the tfjs engine
 * ({@link runToolkitKernel}). The bottom of `lib/backend`: it imports nothing of the toolkit,
 * so the kernels (`wasm_heap.ts`, `webgpu/program.ts`) and the path choice (`fast_path.ts`)
 * both stand on it.
 *
 * @module
 */
import { tf } from "../deps.ts";

const ops = new Map<string, unknown>();

/**
 * The op built by `make` for `key`, built once: custom-gradient ops take tensors only, so their
 * settings (eps, head count, fused or not) select one cached op each.
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 *
 * const op = cachedOp("double", () => (x: tf.Tensor) => tf.mul(x, 2));
 * ```
 */
export function cachedOp<F>(key: string, make: () => F): F {
  let op = ops.get(key) as F | undefined;
  if (op === undefined) ops.set(key, op = make());
  return op;
}

const registered = new Set<string>();

/**
 * Runs a toolkit kernel on `backendName` through the engine (so tidy, tf.profile and gradients
 * see it), registering it on first use; returns its outputs as tensors, in the kernel's order.
 * The wasm and webgpu kernels go through here (`runWasmKernel`, `runGpuKernel`).
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 *
 * declare const myKernel: tf.KernelFunc; // reads inputs.x and attrs.eps, returns one tensor
 * const x = tf.ones([4]);
 * const [y] = runToolkitKernel("wasm", "MyKernel", myKernel, { x }, { eps: 1e-5 });
 * ```
 */
export function runToolkitKernel(
  backendName: "wasm" | "webgpu",
  kernelName: string,
  kernelFunc: unknown,
  inputs: Record<string, tf.Tensor>,
  attrs: Record<string, number | boolean> = {},
): tf.Tensor[] {
  const id = `${backendName}:${kernelName}`;
  if (!registered.has(id)) {
    if (!tf.getKernel(kernelName, backendName)) {
      tf.registerKernel({ kernelName, backendName, kernelFunc: kernelFunc as tf.KernelFunc });
    }
    registered.add(id);
  }
  const out = tf.engine().runKernel(kernelName, inputs as never, attrs as never);
  return Array.isArray(out) ? out as tf.Tensor[] : [out as tf.Tensor];
}
