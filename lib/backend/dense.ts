import { tf } from "../deps.ts";

/**
 * y = x·W + b for 2-D x [M, K], W [K, N], b [N], with a hand-written gradient that stays on
 * tfjs's fast path: dW = transpose(x)·dy and dx = dy·transpose(W) with explicit 2-D transposes.
 *
 * Why: tfjs autodiff computes these with matMul's transposeA/transposeB flags, which run 10–25×
 * slower on the wasm backend (spec/00_stack.md: 654–838 ms → 57–100 ms for M 2560, K 128, N 512).
 *
 * @example
 * ```ts
 * const y = dense(tf.ones([4, 3]), tf.ones([3, 2]), tf.zeros([2])); // [4, 2] of 3s
 * ```
 */
export function dense(x: tf.Tensor2D, w: tf.Tensor2D, b?: tf.Tensor1D): tf.Tensor2D {
  return b ? denseBias(x, w, b) : denseNoBias(x, w);
}

const denseBias = tf.customGrad(
  // deno-lint-ignore no-explicit-any
  ((x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, save: any) => {
    save([x, w]);
    return {
      value: tf.add(tf.matMul(x, w), b),
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
        return [
          tf.matMul(dy, tf.transpose(ws)),
          tf.matMul(tf.transpose(xs), dy),
          tf.sum(dy, 0),
        ];
      },
    };
  }) as never,
) as unknown as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

const denseNoBias = tf.customGrad(
  // deno-lint-ignore no-explicit-any
  ((x: tf.Tensor2D, w: tf.Tensor2D, save: any) => {
    save([x, w]);
    return {
      value: tf.matMul(x, w),
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
        return [tf.matMul(dy, tf.transpose(ws)), tf.matMul(tf.transpose(xs), dy)];
      },
    };
  }) as never,
) as unknown as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;
