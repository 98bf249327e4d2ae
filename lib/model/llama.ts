/**
 * A Llama-family decoder — RMSNorm, rotary positions (HF's rotate-half convention, incl.
 * Llama-3.1 `rope_scaling`), gated MLP (SwiGLU; GeGLU for Gemma), grouped-query attention —
 * with the toolkit's hooks, loaded by `loadHfCheckpoint` (lib/model/hf_loader.ts) or trained
 * from a random init.
 *
 * @module
 */
import { tf } from "../deps.ts";
import { causalAttention, causalAttentionOut } from "../backend/attention.ts";
import { embeddingLookup } from "../backend/embedding.ts";
import { gelu } from "../backend/gelu.ts";
import { ConfigError } from "../util/validate.ts";
import { type HookResults, HookRunner } from "./hooks.ts";
import { causalLmLoss, unembed } from "./language_model.ts";
import {
  linear,
  makeParams,
  type ParamInit,
  type Params,
  type StackOptions,
} from "./transformer.ts";
import { Rng } from "../util/rng.ts";
import type { CausalLm } from "./causal_lm.ts";

/** HF's `rope_scaling` object (`rope_type`, `factor`, …), fields as `config.json` names them. */
// deno-lint-ignore no-explicit-any
export type RopeScaling = Record<string, any>;

/** Shape and options of a Llama-family decoder. */
export interface LlamaConfig {
  vocabSize: number;
  dModel: number;
  nLayers: number;
  nHeads: number;
  /** Key/value heads (grouped-query attention); = nHeads for plain multi-head attention. */
  nKvHeads: number;
  /** Per-head width (Gemma sets it explicitly; else dModel / nHeads). */
  headDim: number;
  /** MLP hidden width (`intermediate_size`). */
  ffnDim: number;
  /** Longest sequence (`max_position_embeddings`). */
  maxLen: number;
  rmsEps: number;
  ropeTheta: number;
  /** HF `rope_scaling` (`linear` or `llama3`), or null. */
  ropeScaling: RopeScaling | null;
  tieEmbeddings: boolean;
  /** Gated MLP activation: `silu` (SwiGLU, Llama) or `gelu` (GeGLU tanh, Gemma). */
  act: "silu" | "gelu";
  /** RMSNorm multiplies by (normOffset + w): 0 for Llama, 1 for Gemma. */
  normOffset: number;
  /** Embeddings are multiplied by this (√dModel for Gemma, else 1). */
  embedScale: number;
  /** Biases on q, k, v (Qwen2). */
  qkvBias: boolean;
}

/**
 * A Llama-family decoder (RMSNorm, RoPE, gated MLP, GQA) with the same hooks as the toolkit's
 * own stack: capture and patch the residual stream after any layer (0 = embeddings), ablate
 * heads, return attention patterns; LoRA adapters attach by parameter name. Parameter names:
 * `wte`, `h.{i}.ln1.g`, `h.{i}.attn.{wq,wk,wv,wo}` (+ `bq, bk, bv`), `h.{i}.ln2.g`,
 * `h.{i}.mlp.{wgate,wup,wdown}`, `lnf.g`, `lmHead.w` (all [in, out]). Weights start at zero —
 * load them with {@link loadHfCheckpoint} — or, given a `seed`, at a GPT-2-style random init
 * (to train one from scratch).
 *
 * @example
 * ```ts
 * import { loadHfCheckpoint, tf } from "toolkit";
 *
 * const { model } = await loadHfCheckpoint("models/llama-3.2-1b");
 * const { logits } = model.forward(tf.tensor2d([[128000, 9906]], [1, 2], "int32"));
 * ```
 */
export class LlamaModel implements CausalLm {
  readonly kind = "llama";
  readonly params: Params = {};
  readonly config: LlamaConfig;
  #rope = new Map<number, [tf.Tensor2D, tf.Tensor2D]>();

  constructor(config: LlamaConfig, opts: { seed?: number; initStd?: number } = {}) {
    this.config = config;
    const c = config, d = c.dModel, q = c.nHeads * c.headDim, kv = c.nKvHeads * c.headDim;
    const shapes: Record<string, number[]> = { wte: [c.vocabSize, d], "lnf.g": [d] };
    if (!c.tieEmbeddings) shapes["lmHead.w"] = [d, c.vocabSize];
    for (let i = 0; i < c.nLayers; i++) {
      const p = `h.${i}.`;
      Object.assign(shapes, {
        [p + "ln1.g"]: [d],
        [p + "attn.wq"]: [d, q],
        [p + "attn.wk"]: [d, kv],
        [p + "attn.wv"]: [d, kv],
        [p + "attn.wo"]: [q, d],
        [p + "ln2.g"]: [d],
        [p + "mlp.wgate"]: [d, c.ffnDim],
        [p + "mlp.wup"]: [d, c.ffnDim],
        [p + "mlp.wdown"]: [c.ffnDim, d],
      });
      if (c.qkvBias) {
        Object.assign(shapes, {
          [p + "attn.bq"]: [q],
          [p + "attn.bk"]: [kv],
          [p + "attn.bv"]: [kv],
        });
      }
    }
    // zeros to be loaded into, or (with a seed) GPT-2-style init: N(0, 0.02), residual output
    // projections scaled by 1/√(2·nLayers), norm gains at 1 − normOffset, biases at zero
    const std = opts.initStd ?? 0.02;
    const specs: ParamInit[] = Object.entries(shapes).map(([name, shape]) => {
      if (opts.seed === undefined) return { name, shape, init: "zeros" };
      if (name.endsWith(".g")) return { name, shape, init: c.normOffset ? "zeros" : "ones" };
      if (/\.b[qkv]$/.test(name)) return { name, shape, init: "zeros" };
      const residual = /\.(attn\.wo|mlp\.wdown)$/.test(name);
      return { name, shape, init: "normal", std: residual ? std / Math.sqrt(2 * c.nLayers) : std };
    });
    Object.assign(this.params, makeParams(specs, new Rng(`llama-init:${opts.seed ?? 0}`)));
  }

  /** Logits [B·T, V] for token ids [B, T], plus hook results (layers as in `lib/model/hooks.ts`). */
  forward(
    ids: tf.Tensor2D,
    opts: StackOptions = {},
  ): { logits: tf.Tensor2D; results: HookResults } {
    const c = this.config, p = this.params;
    const [B, T] = ids.shape;
    if (T > c.maxLen) {
      throw new Error(`sequence length ${T} exceeds the model's maxLen ${c.maxLen}`);
    }
    const H = c.nHeads, KV = c.nKvHeads, hd = c.headDim, M = B * T;
    const run = new HookRunner(opts.hooks, [B, T], c);
    const lin = (x: tf.Tensor2D, w: string, b: string | null) =>
      linear(x, p, w, b && p[b] ? b : null, opts);
    const [cos, sin] = this.#ropeTables(T);
    // [M, n·hd] → [B, n, T, hd], rotated when `rotate`
    const heads = (x: tf.Tensor2D, n: number, rotate: boolean): tf.Tensor4D => {
      let x4 = tf.transpose(tf.reshape(x, [B, T, n, hd]), [0, 2, 1, 3]) as tf.Tensor4D;
      if (rotate) {
        const [x1, x2] = tf.split(x4, 2, 3);
        x4 = tf.add(tf.mul(x4, cos), tf.mul(tf.concat([tf.neg(x2), x1], 3), sin));
      }
      return x4;
    };
    // grouped-query attention: query head j reads key/value head floor(j / (H / KV))
    const repeatKv = (x: tf.Tensor4D): tf.Tensor3D => {
      const rep = KV === H
        ? x
        : tf.reshape(tf.tile(tf.reshape(x, [B, KV, 1, T, hd]), [1, 1, H / KV, 1, 1]), [
          B,
          H,
          T,
          hd,
        ]);
      return tf.reshape(rep, [B * H, T, hd]) as tf.Tensor3D;
    };

    let h = embeddingLookup(p["wte"] as tf.Tensor2D, tf.reshape(ids, [M]) as tf.Tensor1D);
    if (c.embedScale !== 1) h = tf.mul(h, c.embedScale);
    for (let i = 0; i < c.nLayers; i++) {
      const n = `h.${i}.`;
      h = run.stream(i, "resid_pre", h);
      const a = this.#rmsNorm(h, n + "ln1.g");
      const q = tf.reshape(heads(lin(a, n + "attn.wq", n + "attn.bq"), H, true), [
        B * H,
        T,
        hd,
      ]) as tf.Tensor3D;
      const k = repeatKv(heads(lin(a, n + "attn.wk", n + "attn.bk"), KV, true));
      const v = repeatKv(heads(lin(a, n + "attn.wv", n + "attn.bv"), KV, false));
      let o: tf.Tensor3D;
      if (run.attention) {
        const r = causalAttention(q, k, v);
        run.attentionProbs(i, tf.reshape(r.probs, [B, H, T, T]) as tf.Tensor4D);
        o = r.out;
      } else o = causalAttentionOut(q, k, v);
      // each head's output [B, T, H, hd], then merged to [M, H·hd]
      let z = tf.transpose(tf.reshape(o, [B, H, T, hd]), [0, 2, 1, 3]) as tf.Tensor4D;
      if (run.hasHeads(i)) z = run.heads(i, z);
      const attnOut = lin(tf.reshape(z, [M, H * hd]) as tf.Tensor2D, n + "attn.wo", null);
      h = run.stream(i, "resid_mid", tf.add(h, run.stream(i, "attn_out", attnOut)));
      const m = this.#rmsNorm(h, n + "ln2.g");
      const g = lin(m, n + "mlp.wgate", null);
      const act = c.act === "silu" ? tf.mul(g, tf.sigmoid(g)) : gelu(g);
      const mlp = lin(
        tf.mul(act, lin(m, n + "mlp.wup", null)) as tf.Tensor2D,
        n + "mlp.wdown",
        null,
      );
      h = run.stream(i, "resid_post", tf.add(h, run.stream(i, "mlp_out", mlp)));
    }
    const out = this.#rmsNorm(h, "lnf.g");
    return { logits: unembed(out, p, c.tieEmbeddings), results: run.results };
  }

  /** Mean masked next-token cross-entropy over windows [batch, T + 1] ({@link causalLmLoss}). */
  loss(
    windows: Int32Array,
    batch: number,
    opts: StackOptions & { mask?: Float32Array } = {},
  ): tf.Scalar {
    return causalLmLoss(this, windows, { batch, ...opts });
  }

  /** Frees the model's variables. */
  dispose() {
    for (const v of Object.values(this.params)) v.dispose();
    for (const [a, b] of this.#rope.values()) a.dispose(), b.dispose();
    this.#rope.clear();
  }

  #rmsNorm(x: tf.Tensor2D, g: string): tf.Tensor2D {
    const w = this.config.normOffset
      ? tf.add(this.params[g], this.config.normOffset)
      : this.params[g];
    return tf.mul(
      tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), this.config.rmsEps))),
      w,
    );
  }

  /** cos and sin tables [T, hd] (each frequency twice: HF's concat(freqs, freqs)). */
  #ropeTables(T: number): [tf.Tensor2D, tf.Tensor2D] {
    let t = this.#rope.get(T);
    if (!t) {
      const hd = this.config.headDim, inv = ropeInverseFrequencies(this.config);
      const cos = new Float32Array(T * hd), sin = new Float32Array(T * hd);
      for (let pos = 0; pos < T; pos++) {
        for (let j = 0; j < hd; j++) {
          const a = pos * inv[j % (hd / 2)];
          cos[pos * hd + j] = Math.cos(a);
          sin[pos * hd + j] = Math.sin(a);
        }
      }
      t = [tf.keep(tf.tensor2d(cos, [T, hd])), tf.keep(tf.tensor2d(sin, [T, hd]))];
      this.#rope.set(T, t);
    }
    return t;
  }
}

/**
 * RoPE inverse frequencies θ^(−2j/hd), j < hd/2, with HF's `linear` or `llama3` rope scaling.
 *
 * @example
 * ```ts
 * ropeInverseFrequencies({ headDim: 4, ropeTheta: 10000, ropeScaling: null }); // [1, 0.01]
 * ```
 */
export function ropeInverseFrequencies(
  c: Pick<LlamaConfig, "headDim" | "ropeTheta" | "ropeScaling">,
): Float64Array {
  const half = c.headDim / 2;
  const inv = Float64Array.from({ length: half }, (_, j) => c.ropeTheta ** (-(2 * j) / c.headDim));
  const s = c.ropeScaling;
  const type = s ? (s.rope_type ?? s.type) : null;
  if (!s || type === "default") return inv;
  if (type === "linear") return inv.map((f) => f / s.factor);
  if (type === "llama3") {
    const {
      factor,
      low_freq_factor: lo,
      high_freq_factor: hi,
      original_max_position_embeddings: orig,
    } = s;
    const lowWave = orig / lo, highWave = orig / hi;
    return inv.map((f) => {
      const wave = 2 * Math.PI / f;
      if (wave < highWave) return f;
      if (wave > lowWave) return f / factor;
      const smooth = (orig / wave - lo) / (hi - lo);
      return (1 - smooth) * f / factor + smooth * f;
    });
  }
  throw new ConfigError("rope_scaling.rope_type", '"linear", "llama3" or none', type);
}
