/**
 * The fast-path ops (dense, LayerNorm, GELU, causal self-attention) as custom-gradient tfjs
 * ops whose forward and backward passes run the toolkit's WGSL kernels. lib/backend/dense.ts,
 * layer_norm.ts, gelu.ts and attention.ts route here when {@link gpuKernels} is true.
 *
 * @module
 */
import { tf } from "../../deps.ts";
import { cachedOp } from "../kernel_registry.ts";
import { attentionBackwardGpu, attentionForwardGpu } from "./attention.ts";
import { geluBackwardGpu, geluForwardGpu } from "./elementwise.ts";
import { layerNormBackwardGpu, layerNormForwardGpu } from "./layer_norm.ts";
import { gpuDenseGrads, gpuMatMul, gpuMatMulGelu } from "./matmul.ts";
import { type GpuKernelFunc, runGpuKernel } from "./program.ts";

const denseForward: GpuKernelFunc = ({ inputs: { x, w, b, r }, backend }) =>
  gpuMatMul(backend, x, w, { bias: b, residual: r });

const denseBackward: GpuKernelFunc = ({ inputs: { dy, x, w }, backend, attrs }) =>
  // dx and dW (with db from a row of ones appended to xᵀ) in one launch, plus dW's split-K
  // reduction: 2 launches per dense layer where 5 were (separate products and bias sums).
  gpuDenseGrads(backend, dy, x, w, Boolean(attrs?.bias));

/**
 * y = x·W (+ b) (+ r) on WebGPU; backward dx = dy·Wᵀ and dW = xᵀ·dy read the stored operands
 * transposed in place, db comes out of dW's launches, dr = dy (no launch). The residual r is
 * added in the product's epilogue, saving the separate add launch of a residual connection.
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 *
 * declare const x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, h0: tf.Tensor2D;
 * const y = gpuDense(x, w, b);
 * const h1 = gpuDense(x, w, b, h0); // h0 + x·W + b
 * ```
 */
export function gpuDense(
  x: tf.Tensor2D,
  w: tf.Tensor2D,
  b?: tf.Tensor1D,
  residual?: tf.Tensor2D,
): tf.Tensor2D {
  const bias = b !== undefined, res = residual !== undefined;
  const op = cachedOp(`gpuDense:${bias}:${res}`, () =>
    tf.customGrad(
      // deno-lint-ignore no-explicit-any
      ((...args: any[]) => {
        const save = args.pop();
        const [xi, wi] = args as tf.Tensor[];
        const bi = bias ? args[2] as tf.Tensor : undefined;
        const ri = res ? args[bias ? 3 : 2] as tf.Tensor : undefined;
        save([xi, wi]);
        const [value] = runGpuKernel(
          "ToolkitGpuDense",
          denseForward,
          { x: xi, w: wi, ...(bi ? { b: bi } : {}), ...(ri ? { r: ri } : {}) },
        );
        return {
          value,
          gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
            const g = runGpuKernel(
              "ToolkitGpuDenseGrad",
              denseBackward,
              { dy, x: saved[0], w: saved[1] },
              { bias },
            );
            // dr = dy: a reshape shares dy's buffer (no launch).
            return res ? [...g, tf.reshape(dy, dy.shape)] : g;
          },
        };
      }) as never,
    ) as unknown as (...a: tf.Tensor[]) => tf.Tensor2D);
  const args: tf.Tensor[] = [x, w];
  if (bias) args.push(b!);
  if (res) args.push(residual!);
  return op(...args);
}

const mlpForward: GpuKernelFunc = ({ inputs: { x, w1, b1, w2, b2, r }, backend }) => {
  const [y, u] = gpuMatMulGelu(backend, x, w1, { bias: b1 });
  return [gpuMatMul(backend, y, w2, { bias: b2, residual: r }), y, u];
};

const mlpBackward: GpuKernelFunc = ({ inputs: { dout, x, w1, w2, y, u }, backend }) => {
  // dU = (dout·W2ᵀ)·GELU′(U) in the same launch as dW2, db2; then dx, dW1, db1 from dU.
  const [du, dw2, db2] = gpuDenseGrads(backend, dout, y, w2, true, { geluOf: u });
  const [dx, dw1, db1] = gpuDenseGrads(backend, du, x, w1, true);
  backend.disposeData(du.dataId);
  return [dx, dw1, db1, dw2, db2];
};

/**
 * The transformer MLP with its residual, r + GELU(x·W1 + b1)·W2 + b2, on WebGPU in 2 launches
 * forward (GELU in the first product's epilogue; bias and residual in the second's) and 4
 * backward (GELU′ in the epilogue of dW2's paired launch; two split-K reductions) — 7 and 3
 * more launches as separate dense, GELU and add ops.
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 *
 * declare const m: tf.Tensor2D, w1: tf.Tensor2D, b1: tf.Tensor1D, w2: tf.Tensor2D, b2: tf.Tensor1D;
 * declare const h0: tf.Tensor2D;
 * const h1 = gpuMlp(m, w1, b1, w2, b2, h0);
 * ```
 */
export function gpuMlp(
  x: tf.Tensor2D,
  w1: tf.Tensor2D,
  b1: tf.Tensor1D,
  w2: tf.Tensor2D,
  b2: tf.Tensor1D,
  residual: tf.Tensor2D,
): tf.Tensor2D {
  const op = cachedOp("gpuMlp", () =>
    tf.customGrad(
      // deno-lint-ignore no-explicit-any
      ((...args: any[]) => {
        const save = args.pop();
        const [xi, w1i, b1i, w2i, b2i, ri] = args as tf.Tensor[];
        const [value, y, u] = runGpuKernel("ToolkitGpuMlp", mlpForward, {
          x: xi,
          w1: w1i,
          b1: b1i,
          w2: w2i,
          b2: b2i,
          r: ri,
        });
        save([xi, w1i, w2i, y, u]);
        return {
          value,
          gradFunc: (dy: tf.Tensor, s: tf.Tensor[]) => [
            ...runGpuKernel("ToolkitGpuMlpGrad", mlpBackward, {
              dout: dy,
              x: s[0],
              w1: s[1],
              w2: s[2],
              y: s[3],
              u: s[4],
            }),
            tf.reshape(dy, dy.shape), // the residual's gradient: dy itself, no launch
          ],
        };
      }) as never,
    ) as unknown as (...a: tf.Tensor[]) => tf.Tensor2D);
  return op(x, w1, b1, w2, b2, residual);
}

const lnForward: GpuKernelFunc = ({ inputs: { x, gamma, beta }, backend, attrs }) =>
  layerNormForwardGpu(backend, x, gamma, beta, Number(attrs?.eps));

const lnBackward: GpuKernelFunc = ({ inputs: { dy, xhat, rstd, gamma }, backend }) =>
  layerNormBackwardGpu(backend, dy, xhat, rstd, gamma);

/**
 * LayerNorm over the last axis of x [M, d] on WebGPU (one launch forward; one row-wise launch
 * plus the parameter-gradient column sums backward).
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 *
 * declare const x: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D;
 * const y = gpuLayerNorm(x, gamma, beta, 1e-5);
 * ```
 */
export function gpuLayerNorm(
  x: tf.Tensor2D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  eps: number,
): tf.Tensor2D {
  const op = cachedOp(`gpuLayerNorm:${eps}`, () =>
    tf.customGrad(
      // deno-lint-ignore no-explicit-any
      ((xi: tf.Tensor, g: tf.Tensor, b: tf.Tensor, save: any) => {
        const [y, xhat, rstd] = runGpuKernel("ToolkitGpuLayerNorm", lnForward, {
          x: xi,
          gamma: g,
          beta: b,
        }, { eps });
        save([xhat, rstd, g]);
        return {
          value: y,
          gradFunc: (dy: tf.Tensor, s: tf.Tensor[]) =>
            runGpuKernel("ToolkitGpuLayerNormGrad", lnBackward, {
              dy,
              xhat: s[0],
              rstd: s[1],
              gamma: s[2],
            }),
        };
      }) as never,
    ) as unknown as (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor2D);
  return op(x, gamma, beta);
}

const geluForward: GpuKernelFunc = ({ inputs: { u }, backend }) => geluForwardGpu(backend, u);
const geluBackward: GpuKernelFunc = ({ inputs: { dy, u, s }, backend }) =>
  geluBackwardGpu(backend, dy, u, s);

/**
 * GELU (tanh form) on WebGPU, one launch each way.
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 *
 * declare const u: tf.Tensor2D;
 * const y = gpuGelu(u);
 * ```
 */
export const gpuGelu: <T extends tf.Tensor>(u: T) => T = tf.customGrad(
  // deno-lint-ignore no-explicit-any
  ((u: tf.Tensor, save: any) => {
    const [y, s] = runGpuKernel("ToolkitGpuGelu", geluForward, { u });
    save([u, s]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        runGpuKernel("ToolkitGpuGeluGrad", geluBackward, { dy, u: saved[0], s: saved[1] }),
    };
  }) as never,
) as never;

const attnForward: GpuKernelFunc = ({ inputs: { qkv }, backend, attrs }) =>
  attentionForwardGpu(backend, qkv, { batch: Number(attrs?.batch), heads: Number(attrs?.heads) });

const attnBackward: GpuKernelFunc = ({ inputs: { dout, qkv, out, lse }, backend, attrs }) =>
  attentionBackwardGpu(backend, dout, qkv, out, lse, {
    batch: Number(attrs?.batch),
    heads: Number(attrs?.heads),
  });

/**
 * Causal self-attention from qkv [B·T, 3d] to the merged heads [B·T, d] on WebGPU (check
 * `gpuAttentionFits(T, hd)` first).
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 *
 * declare const qkv: tf.Tensor2D;
 * const out = gpuSelfAttention(qkv, 2, 4); // batch 2, 4 heads
 * ```
 */
export function gpuSelfAttention(qkv: tf.Tensor2D, batch: number, heads: number): tf.Tensor2D {
  const attrs = { batch, heads };
  const op = cachedOp(`gpuSelfAttention:${batch}x${heads}`, () =>
    tf.customGrad(
      // deno-lint-ignore no-explicit-any
      ((x: tf.Tensor, save: any) => {
        const [out, lse] = runGpuKernel("ToolkitGpuSelfAttention", attnForward, { qkv: x }, attrs);
        save([x, out, lse]);
        return {
          value: out,
          gradFunc: (dout: tf.Tensor, s: tf.Tensor[]) =>
            runGpuKernel("ToolkitGpuSelfAttentionGrad", attnBackward, {
              dout,
              qkv: s[0],
              out: s[1],
              lse: s[2],
            }, attrs),
        };
      }) as never,
    ) as unknown as (x: tf.Tensor) => tf.Tensor2D);
  return op(qkv);
}
