import { tf } from "../deps.ts";

/**
 * LayerNorm over the last axis of x [M, d]: (x − mean) / √(var + eps) · gamma + beta, with a
 * hand-written gradient (autodiff through moments builds many small kernels).
 *
 * Backward, with x̂ the normalised input and r = 1/√(var + eps):
 * dx = r · (g − mean(g) − x̂ · mean(g · x̂)) where g = dy · gamma; dgamma = Σ dy·x̂; dbeta = Σ dy.
 *
 * @example
 * ```ts
 * const y = layerNorm(tf.randomNormal([8, 16]), tf.ones([16]), tf.zeros([16]));
 * ```
 */
export function layerNorm(
  x: tf.Tensor2D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  opts: { eps?: number } = {},
): tf.Tensor2D {
  return makeLayerNorm(opts.eps ?? 1e-5)(x, gamma, beta);
}

const cache = new Map<number, (x: tf.Tensor2D, g: tf.Tensor1D, b: tf.Tensor1D) => tf.Tensor2D>();

function makeLayerNorm(eps: number) {
  let f = cache.get(eps);
  if (f) return f;
  f = tf.customGrad(
    // deno-lint-ignore no-explicit-any
    ((x: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D, save: any) => {
      const mean = tf.mean(x, -1, true);
      const xc = tf.sub(x, mean);
      const variance = tf.mean(tf.square(xc), -1, true);
      const rstd = tf.rsqrt(tf.add(variance, eps));
      const xhat = tf.mul(xc, rstd);
      save([xhat, rstd, gamma]);
      return {
        value: tf.add(tf.mul(xhat, gamma), beta),
        gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
          const [xh, r, gm] = saved;
          const g = tf.mul(dy, gm);
          const meanG = tf.mean(g, -1, true);
          const meanGX = tf.mean(tf.mul(g, xh), -1, true);
          const dx = tf.mul(r, tf.sub(tf.sub(g, meanG), tf.mul(xh, meanGX)));
          return [dx, tf.sum(tf.mul(dy, xh), 0), tf.sum(dy, 0)];
        },
      };
    }) as never,
  ) as unknown as (x: tf.Tensor2D, g: tf.Tensor1D, b: tf.Tensor1D) => tf.Tensor2D;
  cache.set(eps, f);
  return f;
}
