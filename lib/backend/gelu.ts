import { tf } from "../deps.ts";

const C = Math.sqrt(2 / Math.PI);
const K = 0.044715;

/**
 * GELU, tanh approximation (GPT-2's): 0.5·u·(1 + tanh(c·(u + 0.044715u³))), written as
 * u·σ(2c·(u + 0.044715u³)) — the same function, since 1 + tanh(z) = 2σ(2z) — because sigmoid is
 * ~4× faster than tanh on the wasm backend. Hand-written gradient:
 * s + u·s·(1 − s)·2c·(1 + 3·0.044715u²), with s the sigmoid above.
 *
 * @example
 * ```ts
 * const y = gelu(tf.tensor1d([-1, 0, 1])); // ≈ [-0.159, 0, 0.841]
 * ```
 */
export const gelu = tf.customGrad(
  // deno-lint-ignore no-explicit-any
  ((u: tf.Tensor, save: any) => {
    const u2 = tf.square(u);
    const s = tf.sigmoid(tf.mul(tf.mul(u, tf.add(tf.mul(u2, K), 1)), 2 * C));
    save([u, u2, s]);
    return {
      value: tf.mul(u, s),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [us, u2s, ss] = saved;
        const ds = tf.mul(tf.mul(ss, tf.sub(1, ss)), tf.mul(tf.add(tf.mul(u2s, 3 * K), 1), 2 * C));
        return [tf.mul(dy, tf.add(ss, tf.mul(us, ds)))];
      },
    };
  }) as never,
) as unknown as <T extends tf.Tensor>(u: T) => T;
