import { tf } from "../deps.ts";
import { fusedBlas, transposedMatMulIsFast } from "./fast_path.ts";
import { cachedOp } from "./kernel_registry.ts";
import { simdKernels } from "./simd_kernels.ts";
import {
  byteOffset,
  f32Index,
  runWasmKernel,
  type WasmBackend,
  type WasmKernelFunc,
} from "./wasm_heap.ts";
import { gpuDense } from "./webgpu/ops.ts";
import { gpuKernels } from "./webgpu/program.ts";

/**
 * y = x·W + b (+ residual) for 2-D x [M, K], W [K, N], b [N], residual [M, N], with a
 * hand-written gradient that stays on the backend's fast path. The residual connection is
 * added inside the kernel (webgpu: the matmul's epilogue; wasm: the sgemm accumulates onto
 * it), saving a separate add and its tensor.
 *
 * On wasm with OpenBLAS: one kernel each way (forward: bias rows then one sgemm; backward:
 * dx = dy·Wᵀ and dW = xᵀ·dy as sgemm with transpose arguments, db = column sums by sgemv).
 * On webgpu: the toolkit's WGSL kernels (lib/backend/webgpu). Elsewhere: tfjs ops, with dW = transpose(x)·dy and dx = dy·transpose(W) as explicit 2-D
 * transposes, because tfjs autodiff's transposed matMul flags run 10–25× slower on tfjs-wasm's
 * own kernels (spec/00_stack.md: 654–838 ms → 57–100 ms for M 2560, K 128, N 512).
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 *
 * const y = dense(tf.ones([4, 3]), tf.ones([3, 2]), tf.zeros([2])); // [4, 2] of 3s
 * ```
 */
export function dense(
  x: tf.Tensor2D,
  w: tf.Tensor2D,
  b?: tf.Tensor1D,
  residual?: tf.Tensor2D,
): tf.Tensor2D {
  if (gpuKernels()) return gpuDense(x, w, b, residual);
  const fused = fusedBlas() !== null;
  if (residual && !fused) return tf.add(residual, dense(x, w, b));
  const op = denseOp(b !== undefined, fused, residual !== undefined);
  const args: tf.Tensor[] = [x, w];
  if (b) args.push(b);
  if (residual) args.push(residual);
  return op(...args);
}

type DenseOp = (...args: tf.Tensor[]) => tf.Tensor2D;

/**
 * The custom-gradient op with or without bias (and residual: fused only), fused (wasm +
 * OpenBLAS) or of tfjs ops.
 */
function denseOp(bias: boolean, fused: boolean, res = false): DenseOp {
  return cachedOp(`dense:${bias}:${fused}:${res}`, () =>
    tf.customGrad(
      // deno-lint-ignore no-explicit-any
      ((...args: any[]) => {
        const save = args.pop();
        const [x, w] = args as [tf.Tensor2D, tf.Tensor2D];
        const b = bias ? args[2] as tf.Tensor1D : undefined;
        const r = res ? args[bias ? 3 : 2] as tf.Tensor2D : undefined;
        save([x, w]);
        const value = fused
          ? runWasmKernel("ToolkitDense", denseForward, {
            x,
            w,
            ...(b ? { b } : {}),
            ...(r ? { r } : {}),
          })[0]
          : bias
          ? tf.add(tf.matMul(x, w), b!)
          : tf.matMul(x, w);
        return {
          value,
          gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
            const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
            if (fused) {
              const g = runWasmKernel("ToolkitDenseGrad", denseBackward, { dy, x: xs, w: ws }, {
                bias,
              });
              // dr = dy: a reshape shares dy's memory.
              return res ? [...g, tf.reshape(dy, dy.shape)] : g;
            }
            return bias ? [...matmulGrads(dy, xs, ws), tf.sum(dy, 0)] : matmulGrads(dy, xs, ws);
          },
        };
      }) as never,
    ) as unknown as DenseOp);
}

/** dx and dW of y = x·W, on whichever matmul path is fast here. */
function matmulGrads(dy: tf.Tensor2D, x: tf.Tensor2D, w: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
  if (transposedMatMulIsFast()) {
    return [tf.matMul(dy, w, false, true), tf.matMul(x, dy, true, false)];
  }
  return [tf.matMul(dy, tf.transpose(w)), tf.matMul(tf.transpose(x), dy)];
}

// ---- wasm + OpenBLAS kernels ----------------------------------------------------------------
/**
 * y = x·W (+ b) (+ r): the bias (or the residual, plus the bias) is written into y, then one
 * sgemm with beta = 1 accumulates the product onto it.
 */
const denseForward: WasmKernelFunc = ({ inputs: { x, w, b, r }, backend: be }) => {
  const [M, K] = x.shape, N = w.shape[1];
  const y = be.makeOutput([M, N], "float32");
  if (M * N === 0) return y;
  const H = be.wasm.HEAPF32, yo = f32Index(be, y);
  const simd = r && b && N % 4 === 0 ? simdKernels(be.wasm.asm.memory) : null;
  if (simd) {
    // One SIMD pass (the JavaScript loop below took ~12 ms of a 4x128x4x64 step: 8 calls).
    simd.rowsPlusBias(byteOffset(be, r!), byteOffset(be, b!), yo * 4, M, N);
  } else if (r) {
    const ro = f32Index(be, r);
    H.copyWithin(yo, ro, ro + M * N);
    if (b) {
      const bo = f32Index(be, b);
      for (let m = 0; m < M; m++) {
        const o = yo + m * N;
        for (let n = 0; n < N; n++) H[o + n] += H[bo + n];
      }
    }
  } else if (b) {
    const bo = f32Index(be, b);
    H.copyWithin(yo, bo, bo + N);
    for (let rows = 1; rows < M; rows *= 2) {
      H.copyWithin(yo + rows * N, yo, yo + Math.min(rows, M - rows) * N);
    }
  } else if (K === 0) H.fill(0, yo, yo + M * N);
  if (K > 0) {
    fusedBlas()!.sgemm(
      bufferOf(be),
      false,
      false,
      M,
      N,
      K,
      1,
      byteOffset(be, x),
      K,
      byteOffset(be, w),
      N,
      b || r ? 1 : 0,
      yo * 4,
      N,
    );
  }
  return y;
};

/** [dx, dW, db?] of y = x·W (+ b): two sgemm with transpose arguments and one sgemv. */
const denseBackward: WasmKernelFunc = ({ inputs: { dy, x, w }, backend: be, attrs }) => {
  const [M, K] = x.shape, N = w.shape[1];
  const dx = be.makeOutput([M, K], "float32");
  const dw = be.makeOutput([K, N], "float32");
  const db = attrs?.bias ? be.makeOutput([N], "float32") : null;
  const ones = db ? be.makeOutput([M], "float32") : null;
  const H = be.wasm.HEAPF32;
  const blas = fusedBlas()!, heap = bufferOf(be);
  const pdy = byteOffset(be, dy), px = byteOffset(be, x), pw = byteOffset(be, w);
  if (N === 0) {
    H.fill(0, f32Index(be, dx), f32Index(be, dx) + M * K);
  } else if (M * K > 0) {
    blas.sgemm(heap, false, true, M, K, N, 1, pdy, N, pw, N, 0, byteOffset(be, dx), K);
  }
  if (M === 0) {
    H.fill(0, f32Index(be, dw), f32Index(be, dw) + K * N);
  } else if (K * N > 0) {
    blas.sgemm(heap, true, false, K, N, M, 1, px, K, pdy, N, 0, byteOffset(be, dw), N);
  }
  if (!db || !ones) return [dx, dw];
  if (M === 0) H.fill(0, f32Index(be, db), f32Index(be, db) + N);
  else if (N > 0) {
    H.fill(1, f32Index(be, ones), f32Index(be, ones) + M);
    blas.sgemv(heap, true, M, N, 1, pdy, N, byteOffset(be, ones), 1, 0, byteOffset(be, db), 1);
  }
  be.disposeData(ones.dataId);
  return [dx, dw, db];
};

function bufferOf(be: WasmBackend): ArrayBuffer {
  return be.wasm.HEAPU8.buffer as ArrayBuffer;
}
