import { tf } from "../deps.ts";

/**
 * Causal scaled dot-product attention over q, k, v [BH, T, hd] (batch × heads folded), with a
 * hand-written gradient that uses explicit 3-D transposes instead of matMul's transpose flags
 * (slow on wasm, spec/00_stack.md). Returns the output [BH, T, hd] and the attention
 * probabilities [BH, T, T] (what hooks report as attention patterns).
 *
 * Backward: dP = dO·vᵀ; dv = Pᵀ·dO; dS = P ⊙ (dP − Σ_j dP⊙P); dq = dS·k/√hd; dk = dSᵀ·q/√hd.
 *
 * @example
 * ```ts
 * const q = tf.randomNormal([2, 5, 4]) as tf.Tensor3D;
 * const { out } = causalAttention(q, q, q);
 * ```
 */
export function causalAttention(
  q: tf.Tensor3D,
  k: tf.Tensor3D,
  v: tf.Tensor3D,
): { out: tf.Tensor3D; probs: tf.Tensor3D } {
  const T = q.shape[1];
  const mask = causalMask(T);
  const probs = tf.tidy(() => attentionProbs(q, k, mask));
  return { out: attentionCore(q, k, v, mask), probs };
}

/** Only the attention output (no probabilities kept): the training path. */
export function causalAttentionOut(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D): tf.Tensor3D {
  return attentionCore(q, k, v, causalMask(q.shape[1]));
}

const masks = new Map<string, tf.Tensor2D>();
/**
 * Additive causal mask [T, T]: 0 on and below the diagonal, −1e9 above. Cached per backend and
 * T (a tensor lives on the backend that made it; another backend cannot read it synchronously).
 */
function causalMask(T: number): tf.Tensor2D {
  const key = `${tf.getBackend()}:${T}`;
  let m = masks.get(key);
  if (!m) {
    const data = new Float32Array(T * T);
    for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) data[i * T + j] = -1e9;
    m = tf.keep(tf.tensor2d(data, [T, T]));
    masks.set(key, m);
  }
  return m;
}

function attentionProbs(q: tf.Tensor3D, k: tf.Tensor3D, mask: tf.Tensor2D): tf.Tensor3D {
  const scale = 1 / Math.sqrt(q.shape[2]);
  const scores = tf.add(tf.mul(tf.matMul(q, tf.transpose(k, [0, 2, 1])), scale), mask);
  return tf.softmax(scores) as tf.Tensor3D;
}

const attentionCore = tf.customGrad(
  // deno-lint-ignore no-explicit-any
  ((q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, mask: tf.Tensor2D, save: any) => {
    const p = attentionProbs(q, k, mask);
    save([q, k, v, p]);
    return {
      value: tf.matMul(p, v),
      gradFunc: (dO: tf.Tensor3D, saved: tf.Tensor[]) => {
        const [qs, ks, vs, ps] = saved as tf.Tensor3D[];
        const scale = 1 / Math.sqrt(qs.shape[2]);
        const dP = tf.matMul(dO, tf.transpose(vs, [0, 2, 1]));
        const dv = tf.matMul(tf.transpose(ps, [0, 2, 1]), dO);
        const dS = tf.mul(ps, tf.sub(dP, tf.sum(tf.mul(dP, ps), -1, true)));
        const dq = tf.mul(tf.matMul(dS, ks), scale);
        const dk = tf.mul(tf.matMul(tf.transpose(dS, [0, 2, 1]), qs), scale);
        return [dq, dk, dv, tf.zerosLike(mask)];
      },
    };
  }) as never,
) as unknown as (q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, mask: tf.Tensor2D) => tf.Tensor3D;
