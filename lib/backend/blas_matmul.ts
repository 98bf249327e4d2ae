/**
 * tfjs-wasm's `BatchMatMul` and `_FusedMatMul` kernels re-registered to call OpenBLAS's sgemm
 * on the tensors' memory in place (no copies): transposeA/transposeB become sgemm's own
 * transpose arguments (tfjs-wasm's transposed variants run 10–25× slower, spec/00_stack.md), and
 * batch dimensions broadcast as in tfjs (a batch of 1 is shared; a broadcast weight is folded
 * into one large GEMM).
 *
 * @module
 */
import { tf } from "../deps.ts";
import type { Blas } from "./blas.ts";
import {
  byteOffset,
  restoreWasmKernel,
  setWasmKernel,
  sizeOf,
  type WasmBackend,
  type WasmKernelFunc,
} from "./wasm_heap.ts";

let blas: Blas | null = null;
const originals = new Map<string, tf.KernelConfig | undefined>();

/**
 * Routes the wasm backend's matmuls through OpenBLAS (`blas` given) or back to tfjs's own XNNPACK
 * kernels (`null`). Returns whether OpenBLAS is now in use.
 *
 * @example
 * ```ts
 * import { loadBlas } from "toolkit/backend";
 *
 * useBlasMatMul(loadBlas()); // OpenBLAS when available
 * useBlasMatMul(null);       // tfjs's kernels again
 * ```
 */
export function useBlasMatMul(lib: Blas | null): boolean {
  if (lib && !blas) {
    originals.set("BatchMatMul", setWasmKernel("BatchMatMul", batchMatMul));
    originals.set("_FusedMatMul", setWasmKernel("_FusedMatMul", fusedMatMul));
  } else if (!lib && blas) {
    for (const [name, prev] of originals) restoreWasmKernel(name, prev);
    originals.clear();
  }
  blas = lib;
  return blas !== null;
}

/**
 * The OpenBLAS library the wasm backend's matmuls use, or null (tfjs's own kernels).
 *
 * @example
 * ```ts
 * const blas = blasInUse(); // null: tfjs's own matmul kernels
 * ```
 */
export function blasInUse(): Blas | null {
  return blas;
}

/** For output batch i, the batch index into an operand of outer shape `dims` (broadcast). */
function batchIndices(outer: number[], dims: number[]): Int32Array {
  const n = sizeOf(outer);
  const idx = new Int32Array(n);
  const size = sizeOf(dims);
  if (size === 1) return idx;
  if (size === n) {
    for (let i = 0; i < n; i++) idx[i] = i;
    return idx;
  }
  const pad = outer.length - dims.length;
  for (let i = 0; i < n; i++) {
    let rem = i, j = 0, stride = 1;
    for (let ax = outer.length - 1; ax >= 0; ax--) {
      const coord = rem % outer[ax];
      rem = (rem - coord) / outer[ax];
      const d = ax >= pad ? dims[ax - pad] : 1;
      if (d !== 1) j += coord * stride;
      stride *= d;
    }
    idx[i] = j;
  }
  return idx;
}

/** out = op(a)·op(b) with broadcasting batch dimensions, into a new output tensor. */
function matmulInto(
  be: WasmBackend,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  tA: boolean,
  tB: boolean,
): tf.TensorInfo {
  const ra = a.shape.length, rb = b.shape.length;
  const m = tA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = tA ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = tB ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = tB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (k !== kb) {
    throw new Error(
      `Error in matMul: inner shapes (${k}) and (${kb}) of Tensors with shapes ${a.shape} and ${b.shape} and transposeA=${tA} and transposeB=${tB} must match.`,
    );
  }
  const outerA = a.shape.slice(0, -2), outerB = b.shape.slice(0, -2);
  const outer = tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
  const out = be.makeOutput([...outer, m, n], "float32");
  const nb = sizeOf(outer);
  if (nb * m * n === 0) return out;
  const pc = byteOffset(be, out);
  if (k === 0) {
    be.wasm.HEAPF32.fill(0, pc >>> 2, (pc >>> 2) + nb * m * n);
    return out;
  }
  const pa = byteOffset(be, a), pb = byteOffset(be, b);
  const heap = be.wasm.HEAPU8.buffer as ArrayBuffer;
  const lda = tA ? m : k, ldb = tB ? k : n;
  const batchA = sizeOf(outerA), batchB = sizeOf(outerB);
  const lib = blas!;
  if (batchB === 1 && (batchA === 1 || !tA)) {
    // One GEMM: a shared B, and A's batches stacked as rows.
    lib.sgemm(heap, tA, tB, batchA * m, n, k, 1, pa, lda, pb, ldb, 0, pc, n);
    return out;
  }
  const ia = batchIndices(outer, outerA), ib = batchIndices(outer, outerB);
  const sa = m * k * 4, sb = k * n * 4, sc = m * n * 4;
  for (let i = 0; i < nb; i++) {
    lib.sgemm(
      heap,
      tA,
      tB,
      m,
      n,
      k,
      1,
      pa + ia[i] * sa,
      lda,
      pb + ib[i] * sb,
      ldb,
      0,
      pc + i * sc,
      n,
    );
  }
  return out;
}

const batchMatMul: WasmKernelFunc = ({ inputs, backend, attrs }) => {
  const { a, b } = inputs;
  if (a.dtype !== "float32" || b.dtype !== "float32") {
    throw new Error("BatchMatMul for non non-float32 tensors not yet supported.");
  }
  return matmulInto(backend, a, b, Boolean(attrs?.transposeA), Boolean(attrs?.transposeB));
};

/** GEMM, then bias (rank-1 over the last axis, or a scalar) and the activation in one pass. */
const fusedMatMul: WasmKernelFunc = (args) => {
  const { inputs, backend: be, attrs = {} } = args;
  const { a, b, bias, preluActivationWeights: prelu } = inputs;
  if (a.dtype !== "float32" || b.dtype !== "float32") {
    throw new Error("_FusedMatMul for non non-float32 tensors not yet supported.");
  }
  const act = String(attrs.activation ?? "linear");
  const perColumn = (t: tf.TensorInfo | undefined, n: number) =>
    !t || sizeOf(t.shape) === 1 || (t.shape.length === 1 && t.shape[0] === n);
  const n = attrs.transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
  if (
    !perColumn(bias, n) || !perColumn(prelu, n) || !ACTIVATIONS.has(act) ||
    (act === "prelu" && !prelu)
  ) {
    const orig = originals.get("_FusedMatMul");
    if (!orig) throw new Error(`_FusedMatMul: activation ${act} or bias shape not supported`);
    return orig.kernelFunc(args as never) as tf.TensorInfo;
  }
  const out = matmulInto(be, a, b, Boolean(attrs.transposeA), Boolean(attrs.transposeB));
  const size = sizeOf(out.shape);
  if (size === 0 || (!bias && act === "linear")) return out;
  const H = be.wasm.HEAPF32;
  const o = byteOffset(be, out) >>> 2;
  const bi = bias ? byteOffset(be, bias) >>> 2 : -1, bn = bias ? sizeOf(bias.shape) : 0;
  const pi = prelu ? byteOffset(be, prelu) >>> 2 : -1, pn = prelu ? sizeOf(prelu.shape) : 0;
  const alpha = Number(attrs.leakyreluAlpha ?? 0.2);
  for (let i = 0; i < size; i++) {
    const col = i % n;
    let v = H[o + i];
    if (bi >= 0) v += H[bi + (bn === 1 ? 0 : col)];
    switch (act) {
      case "relu":
        v = v > 0 ? v : 0;
        break;
      case "relu6":
        v = v < 0 ? 0 : v > 6 ? 6 : v;
        break;
      case "elu":
        v = v >= 0 ? v : Math.exp(v) - 1;
        break;
      case "leakyrelu":
        v = v >= 0 ? v : alpha * v;
        break;
      case "sigmoid":
        v = 1 / (1 + Math.exp(-v));
        break;
      case "prelu":
        v = v >= 0 ? v : H[pi + (pn === 1 ? 0 : col)] * v;
        break;
    }
    H[o + i] = v;
  }
  return out;
};

const ACTIVATIONS = new Set(["linear", "relu", "relu6", "elu", "leakyrelu", "sigmoid", "prelu"]);
