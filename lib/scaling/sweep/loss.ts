/**
 * The training loss of the small-scale sweep: next-token cross-entropy of a
 * {@link LanguageModel} over token windows, with a hand-written softmax cross-entropy gradient.
 *
 * Why not `LanguageModel.loss`: its `crossEntropyRows` differentiates `tf.logSumExp`, whose
 * gradient goes through `max` and a broadcast `Equal` over the [B·T, 50,257] logits; on the wasm
 * backend that one kernel took ~75% of a training step (measured: 12 s of 16 s, B = 32, T = 16,
 * d = 16, on the shared 2-core machine). The gradient of the row-wise cross-entropy is simply
 * (softmax − one-hot)·dy, computed here in two passes over the logits. Values equal
 * `crossEntropyRows` (same formula) and gradients agree to ~1e-8 (see the tests).
 *
 * @module
 */
import { tf } from "../../deps.ts";
import type { LanguageModel } from "../../model/language_model.ts";

const rowCrossEntropy = tf.customGrad(
  // deno-lint-ignore no-explicit-any
  ((logits: tf.Tensor2D, targets: tf.Tensor1D, save: any) => {
    const [M, V] = logits.shape;
    const m = tf.max(logits, 1, true);
    const e = tf.exp(tf.sub(logits, m));
    const s = tf.sum(e, 1, true);
    const lse = tf.reshape(tf.add(tf.log(s), m), [M]);
    const flat = tf.add(tf.mul(tf.range(0, M, 1, "int32"), tf.scalar(V, "int32")), targets);
    const picked = tf.gather(tf.reshape(logits, [M * V]), flat);
    save([e, s, targets]);
    return {
      value: tf.sub(lse, picked),
      gradFunc: (dy: tf.Tensor1D, saved: tf.Tensor[]) => {
        const [ex, sum, t] = saved;
        const rows = tf.range(0, M, 1, "int32");
        const softmaxDy = tf.mul(ex, tf.div(tf.reshape(dy, [M, 1]), sum));
        const atTargets = tf.scatterND(tf.stack([rows, t], 1), dy, [M, V]);
        return [tf.sub(softmaxDy, atTargets), tf.zerosLike(t)];
      },
    };
  }) as never,
) as unknown as (logits: tf.Tensor2D, targets: tf.Tensor1D) => tf.Tensor1D;

/**
 * Per-row cross-entropy −log softmax(logits)[target] with a direct (softmax − one-hot)
 * gradient: logits [M, V], targets [M] → [M]. Same values as `crossEntropyRows`.
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 *
 * const nll = softmaxCrossEntropyRows(tf.zeros([2, 4]) as tf.Tensor2D, new Int32Array([1, 3])); // [log 4, log 4]
 * ```
 */
export function softmaxCrossEntropyRows(logits: tf.Tensor2D, targets: Int32Array): tf.Tensor1D {
  return tf.tidy(() => rowCrossEntropy(logits, tf.tensor1d(targets, "int32")));
}

/**
 * Mean next-token cross-entropy (nats) of `model` over windows [batch, T + 1] (inputs: the first
 * T ids, targets: the last T), as `model.loss` computes it, with the fast gradient.
 *
 * @example
 * ```ts
 * import { LanguageModel } from "toolkit";
 *
 * const lm = new LanguageModel({ vocabSize: 50257, maxLen: 16, nLayers: 1, dModel: 16, nHeads: 2 });
 * const loss = lmWindowLoss(lm, new Int32Array(4 * 17), 4);
 * ```
 */
export function lmWindowLoss(model: LanguageModel, windows: Int32Array, batch: number): tf.Scalar {
  const T = windows.length / batch - 1;
  if (!Number.isInteger(T) || T < 1) {
    throw new Error(`windows of length ${windows.length} do not split into ${batch} rows of T + 1`);
  }
  const inputs = new Int32Array(batch * T), targets = new Int32Array(batch * T);
  for (let b = 0; b < batch; b++) {
    const row = windows.subarray(b * (T + 1), (b + 1) * (T + 1));
    inputs.set(row.subarray(0, T), b * T);
    targets.set(row.subarray(1), b * T);
  }
  return tf.tidy(() => {
    const { logits } = model.forward(tf.tensor2d(inputs, [batch, T], "int32"));
    return tf.mean(rowCrossEntropy(logits, tf.tensor1d(targets, "int32")));
  });
}
