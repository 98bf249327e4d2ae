/**
 * A small causal language model on the same decoder stack: token embedding (+ learned
 * positions), blocks, final LayerNorm, unembedding tied to the embedding by default (GPT-2).
 * Used by paper 1's language-model experiments and paper 2's small-scale scaling sweep.
 *
 * @module
 */
import { tf } from "../deps.ts";
import { dense } from "../backend/dense.ts";
import { embeddingLookup } from "../backend/embedding.ts";
import { Rng } from "../util/rng.ts";
import { type LanguageModelConfig, languageModelConfig } from "./config.ts";
import type { CausalLm } from "./causal_lm.ts";
import type { HookResults } from "./hooks.ts";
import {
  addPositions,
  blockParamSpecs,
  makeParams,
  type Params,
  runStack,
  type StackOptions,
} from "./transformer.ts";

/**
 * A GPT-2-style causal language model with hooks.
 *
 * @example
 * ```ts
 * const lm = new LanguageModel({ vocabSize: 256, maxLen: 16, nLayers: 2, dModel: 64, nHeads: 2 });
 * const windows = new Int32Array(4 * 17); // [batch, T + 1] token ids
 * const loss = lm.loss(windows, 4);
 * ```
 */
export class LanguageModel {
  readonly config: LanguageModelConfig;
  readonly params: Params;
  readonly kind = "language";

  constructor(config: Partial<LanguageModelConfig> = {}, opts: { seed?: number } = {}) {
    this.config = languageModelConfig(config);
    const c = this.config;
    const rng = new Rng(`lm-init:${opts.seed ?? 0}`);
    this.params = makeParams([
      { name: "wte", shape: [c.vocabSize, c.dModel], init: "normal", std: c.initStd },
      ...blockParamSpecs(c),
      ...(c.tieEmbeddings ? [] : [{
        name: "lmHead.w",
        shape: [c.dModel, c.vocabSize],
        init: "normal" as const,
        std: c.initStd,
      }]),
    ], rng);
  }

  /** Logits [B·T, V] for token ids [B, T], plus hook results. */
  forward(
    ids: tf.Tensor2D,
    opts: StackOptions = {},
  ): { logits: tf.Tensor2D; results: HookResults } {
    const [B, T] = ids.shape;
    const p = this.params;
    const flat = tf.reshape(ids, [B * T]) as tf.Tensor1D;
    const emb = tf.reshape(embeddingLookup(p["wte"] as tf.Tensor2D, flat), [
      B,
      T,
      this.config.dModel,
    ]) as tf.Tensor3D;
    const { out, results } = runStack(
      addPositions(emb, p, this.config.maxLen),
      p,
      this.config,
      opts,
    );
    return { logits: unembed(out, p, this.config.tieEmbeddings), results };
  }

  /**
   * Mean next-token cross-entropy (nats) over windows [batch, T + 1]: inputs are the first T
   * tokens, targets the last T. `mask` [batch, T] (1 = counted) restricts the loss, e.g. to
   * answer tokens for finetuning.
   */
  loss(
    windows: Int32Array,
    batch: number,
    opts: StackOptions & { mask?: Float32Array } = {},
  ): tf.Scalar {
    return causalLmLoss(this, windows, { batch, ...opts });
  }

  /**
   * Greedy decoding: appends up to `maxNew` argmax tokens to each prompt, stopping a row at
   * `stop` (not included). Prompts are processed one at a time (no padding needed).
   */
  async greedy(prompts: number[][], opts: { maxNew: number; stop?: number }): Promise<number[][]> {
    const outs: number[][] = [];
    for (const prompt of prompts) {
      const seq = [...prompt];
      const gen: number[] = [];
      for (let s = 0; s < opts.maxNew; s++) {
        const ctx = seq.slice(-this.config.maxLen);
        const next = tf.tidy(() => {
          const { logits } = this.forward(tf.tensor2d(ctx, [1, ctx.length], "int32"));
          return tf.argMax(tf.slice(logits, [ctx.length - 1, 0], [1, -1]), 1);
        });
        const id = (await next.data())[0];
        next.dispose();
        if (id === opts.stop) break;
        gen.push(id);
        seq.push(id);
      }
      outs.push(gen);
    }
    return outs;
  }

  /** Frees the model's variables. */
  dispose() {
    for (const v of Object.values(this.params)) v.dispose();
  }
}

/**
 * Per-row cross-entropy −log softmax(logits)[target]: logits [M, V], targets [M] → [M].
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 *
 * const losses = crossEntropyRows(tf.zeros([3, 10]), Int32Array.from([1, 2, 3]), 10); // ≈ log 10 each
 * ```
 */
export function crossEntropyRows(
  logits: tf.Tensor2D,
  targets: Int32Array,
  vocabSize: number,
): tf.Tensor1D {
  const lse = tf.logSumExp(logits, 1);
  const picked = tf.sum(tf.mul(logits, tf.oneHot(tf.tensor1d(targets, "int32"), vocabSize)), 1);
  return tf.sub(lse, picked) as tf.Tensor1D;
}

/**
 * Logits from the final hidden states [N, d]: through the transposed token embedding when tied
 * (GPT-2, Llama 3.2's small models), else through `lmHead.w` [d, vocab]. Shared by
 * {@link LanguageModel} and `LlamaModel`.
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 *
 * const lm = new LanguageModel({ vocabSize: 256, maxLen: 16, nLayers: 1, dModel: 32, nHeads: 2 });
 * const hidden = tf.zeros([4, 32]) as tf.Tensor2D; // final normalised states [N, dModel]
 * const logits = unembed(hidden, lm.params, lm.config.tieEmbeddings); // [4, 256]
 * ```
 */
export function unembed(hidden: tf.Tensor2D, params: Params, tied: boolean): tf.Tensor2D {
  const head = tied
    ? tf.transpose(params["wte"]) as tf.Tensor2D
    : params["lmHead.w"] as tf.Tensor2D;
  return dense(hidden, head);
}

/**
 * Mean next-token cross-entropy (nats) of any causal LM over windows [batch, T + 1]: inputs are
 * the first T tokens, targets the last T; `mask` [batch, T] (1 = counted) restricts the mean.
 * {@link LanguageModel} and `LlamaModel` (lib/model/llama.ts) both compute their loss here.
 *
 * @example
 * ```ts
 * const lm = new LanguageModel({ vocabSize: 256, maxLen: 16, nLayers: 1, dModel: 32, nHeads: 2 });
 * const loss = causalLmLoss(lm, new Int32Array(2 * 17), { batch: 2 });
 * ```
 */
export function causalLmLoss(
  model: Pick<CausalLm, "forward" | "config">,
  windows: Int32Array,
  opts: StackOptions & { batch: number; mask?: Float32Array },
): tf.Scalar {
  const { batch } = opts;
  const T = windows.length / batch - 1;
  if (!Number.isInteger(T) || T < 1) {
    throw new Error(`windows of length ${windows.length} do not split into ${batch} rows of T + 1`);
  }
  const inputs = new Int32Array(batch * T), targets = new Int32Array(batch * T);
  for (let b = 0; b < batch; b++) {
    inputs.set(windows.subarray(b * (T + 1), b * (T + 1) + T), b * T);
    targets.set(windows.subarray(b * (T + 1) + 1, (b + 1) * (T + 1)), b * T);
  }
  return tf.tidy(() => {
    const { logits } = model.forward(tf.tensor2d(inputs, [batch, T], "int32"), opts);
    const nll = crossEntropyRows(logits, targets, model.config.vocabSize);
    if (!opts.mask) return tf.mean(nll);
    const m = tf.tensor1d(opts.mask);
    return tf.div(tf.sum(tf.mul(nll, m)), tf.maximum(tf.sum(m), 1));
  });
}
