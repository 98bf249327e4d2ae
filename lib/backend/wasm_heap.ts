/**
 * Direct access to tensor data on the tfjs-wasm backend: every tensor lives in the backend's
 * WebAssembly memory at a byte offset (`dataIdMap.get(dataId).memoryOffset`). Custom kernels
 * read and write it in place, through typed-array views or OpenBLAS pointers.
 *
 * The memory's ArrayBuffer is replaced when the heap grows (every allocation may grow it), so
 * take views *after* allocating a kernel's outputs, and never keep them across kernels.
 *
 * @module
 */
import { tf } from "../deps.ts";
import { runToolkitKernel } from "./kernel_registry.ts";

/** The parts of tfjs-backend-wasm's BackendWasm that custom kernels use. */
export interface WasmBackend {
  wasm: {
    HEAPU8: Uint8Array;
    HEAPF32: Float32Array;
    asm: { memory: WebAssembly.Memory };
    tfjs: {
      registerTensor(id: number, size: number, offset: number): void;
      disposeData(id: number): void;
    };
  };
  dataIdMap: {
    get(dataId: unknown):
      | { id: number; memoryOffset: number; refCount: number; shape: number[]; dtype: string }
      | undefined;
  };
  dataIdNextNumber: number;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: unknown, force?: boolean): boolean;
  incRef(dataId: unknown): void;
}

/** A kernel function as tfjs calls it (`tf.registerKernel`'s `kernelFunc`). */
export type WasmKernelFunc = (args: {
  inputs: Record<string, tf.TensorInfo>;
  backend: WasmBackend;
  attrs?: Record<string, unknown>;
}) => tf.TensorInfo | tf.TensorInfo[];

/**
 * Byte offset of a tensor's data in the wasm heap. Throws for a non-empty tensor at offset 0:
 * when the 4 GB heap is full, `malloc` returns 0 and tfjs-wasm registers the tensor there
 * anyway, so writing it would overwrite the bottom of the heap (static data, stack, allocator).
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 *
 * const backend = tf.backend() as unknown as WasmBackend;
 * declare const x: tf.Tensor;
 * const p = byteOffset(backend, x); // x's data at HEAPU8[p …]
 * ```
 */
export function byteOffset(be: WasmBackend, t: tf.TensorInfo): number {
  const d = be.dataIdMap.get(t.dataId);
  if (!d) throw new Error("tensor data is not on the wasm backend");
  if (d.memoryOffset === 0 && sizeOf(d.shape) > 0) {
    throw new Error(
      `tensor [${d.shape}] has no wasm memory (allocation failed: the heap of ` +
        `${be.wasm.HEAPU8.length} bytes is full; leaked tensors? tf.memory().numTensors = ` +
        `${tf.memory().numTensors})`,
    );
  }
  return d.memoryOffset;
}

/**
 * Float index (byte offset / 4) of a float32 tensor's data in `be.wasm.HEAPF32`.
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 *
 * const backend = tf.backend() as unknown as WasmBackend;
 * declare const x: tf.Tensor;
 * const first = backend.wasm.HEAPF32[f32Index(backend, x)];
 * ```
 */
export function f32Index(be: WasmBackend, t: tf.TensorInfo): number {
  return byteOffset(be, t) >>> 2;
}

/**
 * Declares a tensor's data changed after an in-place write: the wasm side gets a fresh tensor
 * id, because tfjs-wasm's XNNPACK kernels cache work derived from a tensor (packed matmul
 * weights) under its id and would otherwise go on using the old values.
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 *
 * const backend = tf.backend() as unknown as WasmBackend;
 * declare const variable: tf.Variable;
 * markWritten(backend, variable); // after writing its memory in place
 * ```
 */
export function markWritten(be: WasmBackend, t: tf.TensorInfo) {
  const d = be.dataIdMap.get(t.dataId);
  if (!d) return;
  be.wasm.tfjs.disposeData(d.id); // also drops whatever was cached for the old id
  d.id = be.dataIdNextNumber++;
  be.wasm.tfjs.registerTensor(d.id, sizeOf(d.shape), d.memoryOffset);
}

/**
 * Number of elements of a shape.
 *
 * @example
 * ```ts
 * sizeOf([2, 3]); // 6
 * ```
 */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/**
 * Registers (or replaces) a kernel for the wasm backend, returning the config it replaced (if
 * any) so a caller can restore it.
 *
 * @example
 * ```ts
 * declare const myIdentity: WasmKernelFunc;
 * const prev = setWasmKernel("Identity", myIdentity);
 * ```
 */
export function setWasmKernel(
  kernelName: string,
  kernelFunc: WasmKernelFunc,
): tf.KernelConfig | undefined {
  const prev = tf.getKernel(kernelName, "wasm");
  if (prev) tf.unregisterKernel(kernelName, "wasm");
  tf.registerKernel({
    kernelName,
    backendName: "wasm",
    kernelFunc: kernelFunc as unknown as tf.KernelFunc,
  });
  return prev;
}

/**
 * Restores a kernel config saved by {@link setWasmKernel} (or removes the kernel when none).
 *
 * @example
 * ```ts
 * import type { tf } from "toolkit";
 *
 * declare const prev: tf.KernelConfig | undefined;
 * restoreWasmKernel("Identity", prev);
 * ```
 */
export function restoreWasmKernel(kernelName: string, prev: tf.KernelConfig | undefined) {
  if (tf.getKernel(kernelName, "wasm")) tf.unregisterKernel(kernelName, "wasm");
  if (prev) tf.registerKernel(prev);
}

/**
 * Runs a toolkit kernel on the wasm backend (registering it on first use) and returns its
 * outputs as tensors, in the kernel's order.
 *
 * @example
 * ```ts
 * import type { tf } from "toolkit";
 *
 * declare const myKernel: WasmKernelFunc, x: tf.Tensor;
 * const [y] = runWasmKernel("MyKernel", myKernel, { x }, { eps: 1e-5 });
 * ```
 */
export function runWasmKernel(
  kernelName: string,
  kernelFunc: WasmKernelFunc,
  inputs: Record<string, tf.Tensor>,
  attrs: Record<string, number | boolean> = {},
): tf.Tensor[] {
  return runToolkitKernel("wasm", kernelName, kernelFunc, inputs, attrs);
}
