import type { tf } from "../deps.ts";
import { dense } from "./dense.ts";
import { gelu } from "./gelu.ts";
import { gpuMlp } from "./webgpu/ops.ts";
import { gpuKernels } from "./webgpu/program.ts";

/**
 * A transformer block's MLP with its residual connection: residual + GELU(x·W1 + b1)·W2 + b2.
 *
 * On webgpu one fused op: GELU in the first matmul's epilogue, bias and residual in the
 * second's, GELU′ in the epilogue of the backward product (2 launches forward, 4 backward,
 * where separate ops take 4 and 7; lib/bench/README.md). Elsewhere the composition of
 * {@link dense} and {@link gelu}, which are fused kernels of their own on wasm.
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 *
 * const x = tf.ones([4, 8]) as tf.Tensor2D, h = tf.zeros([4, 8]) as tf.Tensor2D;
 * const w1 = tf.ones([8, 32]) as tf.Tensor2D, b1 = tf.zeros([32]) as tf.Tensor1D;
 * const w2 = tf.ones([32, 8]) as tf.Tensor2D, b2 = tf.zeros([8]) as tf.Tensor1D;
 * const y = mlpResidual(x, w1, b1, w2, b2, h); // [4, 8]
 * ```
 */
export function mlpResidual(
  x: tf.Tensor2D,
  w1: tf.Tensor2D,
  b1: tf.Tensor1D,
  w2: tf.Tensor2D,
  b2: tf.Tensor1D,
  residual: tf.Tensor2D,
): tf.Tensor2D {
  if (gpuKernels()) return gpuMlp(x, w1, b1, w2, b2, residual);
  return dense(gelu(dense(x, w1, b1)), w2, b2, residual);
}
