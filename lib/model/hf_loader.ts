/**
 * Loads Hugging Face checkpoints (a directory with `config.json`, `model.safetensors` or a
 * sharded `model.safetensors.index.json`, and optionally `tokenizer.json`) into models with the
 * toolkit's forward/hooks interface ({@link CausalLm}), so the probes and interventions run on
 * real pretrained models as on the small models trained here.
 *
 * Families:
 * - **GPT-2** (`model_type` "gpt2"): maps one-to-one onto {@link LanguageModel} — pre-LN,
 *   GELU-tanh (`gelu_new`), learned positions, tied head; Conv1D weights are stored [in, out],
 *   our layout, so `c_attn` [d, 3d] becomes `h.{i}.attn.wqkv` unchanged.
 * - **Llama family** ("llama", "mistral", "qwen2"; and "gemma", v1): {@link LlamaModel} —
 *   RMSNorm, rotary positions (HF's rotate-half convention, incl. Llama-3.1 `rope_scaling`),
 *   SwiGLU MLP (GeGLU and (1 + w) norms and √d embedding scale for Gemma), grouped-query
 *   attention, optional q/k/v biases (Qwen2), untied `lm_head` unless `tie_word_embeddings`.
 *   Linear weights are stored [out, in] by PyTorch and transposed to our [in, out] on load.
 *
 * Not supported (a clear error names the field): Gemma-2/3 (extra norms, soft-capping, sliding
 * windows), rope scaling types other than `linear` and `llama3`, `.bin` (pickle) weights.
 * Pretrained weights cannot be downloaded on the build machines; point the loader at your own
 * copy (e.g. `huggingface-cli download gpt2 --local-dir models/gpt2`).
 *
 * @module
 */
import { tf } from "../deps.ts";
import { causalAttention, causalAttentionOut } from "../backend/attention.ts";
import { dense } from "../backend/dense.ts";
import { embeddingLookup } from "../backend/embedding.ts";
import { gelu } from "../backend/gelu.ts";
import { type Checkpoint, loadCheckpoint, type NamedArray } from "../store/checkpoint.ts";
import { loadGpt2Tokenizer } from "../text/gpt2.ts";
import { loadHfTokenizer } from "../text/hf_tokenizer.ts";
import type { TextTokenizer } from "../text/tokenizer.ts";
import { ConfigError } from "../util/validate.ts";
import { applyPatches, captureLayers, capturePositions, type HookResults } from "./hooks.ts";
import { LanguageModel } from "./language_model.ts";
import {
  linear,
  makeParams,
  type ParamInit,
  type Params,
  type StackOptions,
} from "./transformer.ts";
import { Rng } from "../util/rng.ts";

/**
 * What the probes, interventions and LoRA need from a causal LM: named parameters, its shape,
 * a hooked forward pass (logits [B·T, V]) and a masked next-token loss. {@link LanguageModel}
 * and {@link LlamaModel} both are one.
 *
 * @example
 * ```ts
 * const lm: CausalLm = new LanguageModel({ nLayers: 2 });
 * const { logits } = lm.forward(tf.tensor2d([[1, 2, 3]], [1, 3], "int32"));
 * ```
 */
export interface CausalLm {
  readonly config: {
    nLayers: number;
    dModel: number;
    nHeads: number;
    vocabSize: number;
    maxLen: number;
  };
  readonly params: Params;
  forward(ids: tf.Tensor2D, opts?: StackOptions): { logits: tf.Tensor2D; results: HookResults };
  loss(
    windows: Int32Array,
    batch: number,
    opts?: StackOptions & { mask?: Float32Array },
  ): tf.Scalar;
  dispose(): void;
}

/** A parsed Hugging Face JSON file (`config.json`), fields as the file names them. */
// deno-lint-ignore no-explicit-any
export type HfJson = Record<string, any>;

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
  ropeScaling: HfJson | null;
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
    const c = this.config, p = this.params, hooks = opts.hooks;
    const [B, T] = ids.shape;
    if (T > c.maxLen) {
      throw new Error(`sequence length ${T} exceeds the model's maxLen ${c.maxLen}`);
    }
    const d = c.dModel, H = c.nHeads, KV = c.nKvHeads, hd = c.headDim, M = B * T;
    const results: HookResults = { captured: new Map(), attention: new Map() };
    const capture = captureLayers(hooks, c.nLayers);
    for (const hk of hooks?.ablateHeads ?? []) {
      if (hk.layer < 1 || hk.layer > c.nLayers || hk.head < 0 || hk.head >= H) {
        throw new Error(
          `ablateHeads {layer: ${hk.layer}, head: ${hk.head}} outside layers 1 … ${c.nLayers}, heads 0 … ${
            H - 1
          }`,
        );
      }
    }
    const lin = (x: tf.Tensor2D, w: string, b: string | null) =>
      linear(x, p, w, b && p[b] ? b : null, opts);
    const atLayer = (h: tf.Tensor2D, layer: number): tf.Tensor2D => {
      const h3 = applyPatches(tf.reshape(h, [B, T, d]) as tf.Tensor3D, layer, hooks?.patch);
      if (capture.has(layer)) {
        results.captured.set(layer, tf.keep(capturePositions(h3, hooks!.capture!.positions)));
      }
      return tf.reshape(h3, [M, d]);
    };
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
    h = atLayer(h, 0);
    for (let i = 0; i < c.nLayers; i++) {
      const n = `h.${i}.`;
      const a = this.#rmsNorm(h, n + "ln1.g");
      const q = tf.reshape(heads(lin(a, n + "attn.wq", n + "attn.bq"), H, true), [
        B * H,
        T,
        hd,
      ]) as tf.Tensor3D;
      const k = repeatKv(heads(lin(a, n + "attn.wk", n + "attn.bk"), KV, true));
      const v = repeatKv(heads(lin(a, n + "attn.wv", n + "attn.bv"), KV, false));
      let o: tf.Tensor3D;
      if (hooks?.attention) {
        const r = causalAttention(q, k, v);
        results.attention.set(i + 1, tf.keep(tf.reshape(r.probs, [B, H, T, T])));
        o = r.out;
      } else o = causalAttentionOut(q, k, v);
      let o4 = tf.reshape(o, [B, H, T, hd]) as tf.Tensor4D;
      const ablated = (hooks?.ablateHeads ?? []).filter((x) => x.layer === i + 1).map((x) =>
        x.head
      );
      if (ablated.length) {
        const keep = new Float32Array(H).fill(1);
        for (const hh of ablated) keep[hh] = 0;
        o4 = tf.mul(o4, tf.tensor4d(keep, [1, H, 1, 1]));
      }
      h = tf.add(
        h,
        lin(
          tf.reshape(tf.transpose(o4, [0, 2, 1, 3]), [M, H * hd]) as tf.Tensor2D,
          n + "attn.wo",
          null,
        ),
      );
      const m = this.#rmsNorm(h, n + "ln2.g");
      const g = lin(m, n + "mlp.wgate", null);
      const act = c.act === "silu" ? tf.mul(g, tf.sigmoid(g)) : gelu(g);
      h = tf.add(
        h,
        lin(tf.mul(act, lin(m, n + "mlp.wup", null)) as tf.Tensor2D, n + "mlp.wdown", null),
      );
      if (capture.has(i + 1) || hooks?.patch?.some((x) => x.layer === i + 1)) h = atLayer(h, i + 1);
    }
    const out = this.#rmsNorm(h, "lnf.g");
    const head = c.tieEmbeddings
      ? tf.transpose(p["wte"]) as tf.Tensor2D
      : p["lmHead.w"] as tf.Tensor2D;
    return { logits: dense(out, head), results };
  }

  /** Mean masked next-token cross-entropy over windows [batch, T + 1] (as {@link LanguageModel.loss}). */
  loss(
    windows: Int32Array,
    batch: number,
    opts: StackOptions & { mask?: Float32Array } = {},
  ): tf.Scalar {
    // Same windows → (inputs, targets) split and masked mean as LanguageModel's; it only uses
    // this.forward and this.config.vocabSize, so it serves this model unchanged.
    return LanguageModel.prototype.loss.call(
      this as unknown as LanguageModel,
      windows,
      batch,
      opts,
    );
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

/** A checkpoint family the loader knows. */
export type HfFamily = "gpt2" | "llama";

/** What {@link loadHfCheckpoint} returns. */
export interface HfCheckpoint {
  model: CausalLm;
  /** `tokenizer.json`'s tokenizer (GPT-2's built-in one when the folder has none), else null. */
  tokenizer: TextTokenizer | null;
  family: HfFamily;
  /** The parsed `config.json`. */
  hfConfig: HfJson;
}

const LLAMA_TYPES = ["llama", "mistral", "qwen2", "gemma"];

/**
 * Reads `config.json` into the toolkit's model config: a {@link LanguageModel} config for
 * GPT-2, a {@link LlamaConfig} for the Llama family. Unsupported settings throw `ConfigError`
 * naming the config.json field.
 *
 * @example
 * ```ts
 * const { family, config } = hfModelConfig(JSON.parse(await Deno.readTextFile("gpt2/config.json")));
 * ```
 */
export function hfModelConfig(
  j: HfJson,
): { family: "gpt2"; config: ConstructorParameters<typeof LanguageModel>[0] } | {
  family: "llama";
  config: LlamaConfig;
} {
  const type = j.model_type;
  if (type === "gpt2") {
    const act = j.activation_function ?? "gelu_new";
    if (!["gelu_new", "gelu_pytorch_tanh", "gelu_fast"].includes(act)) {
      throw new ConfigError("activation_function", '"gelu_new" (the tanh GELU of our stack)', act);
    }
    const d = j.n_embd;
    return {
      family: "gpt2",
      config: {
        vocabSize: j.vocab_size,
        maxLen: j.n_positions ?? j.n_ctx,
        nLayers: j.n_layer,
        dModel: d,
        nHeads: j.n_head,
        mlpRatio: (j.n_inner ?? 4 * d) / d,
        lnEps: j.layer_norm_epsilon ?? 1e-5,
        tieEmbeddings: j.tie_word_embeddings ?? true,
      },
    };
  }
  if (!LLAMA_TYPES.includes(type)) {
    throw new ConfigError(
      "model_type",
      `one of gpt2, ${LLAMA_TYPES.join(", ")} (Gemma-2/3 need extra norms and soft-capping)`,
      type,
    );
  }
  const gemma = type === "gemma";
  const act = j.hidden_act ?? j.hidden_activation ?? "silu";
  if (!["silu", "gelu", "gelu_pytorch_tanh"].includes(act)) {
    throw new ConfigError("hidden_act", '"silu" or "gelu_pytorch_tanh"', act);
  }
  const H = j.num_attention_heads, d = j.hidden_size;
  const KV = j.num_key_value_heads ?? H;
  if (H % KV !== 0) {
    throw new ConfigError("num_key_value_heads", `a divisor of num_attention_heads (${H})`, KV);
  }
  const config: LlamaConfig = {
    vocabSize: j.vocab_size,
    dModel: d,
    nLayers: j.num_hidden_layers,
    nHeads: H,
    nKvHeads: KV,
    headDim: j.head_dim ?? d / H,
    ffnDim: j.intermediate_size,
    maxLen: j.max_position_embeddings ?? 2048,
    rmsEps: j.rms_norm_eps ?? 1e-6,
    ropeTheta: j.rope_theta ?? 10000,
    ropeScaling: j.rope_scaling ?? null,
    tieEmbeddings: j.tie_word_embeddings ?? gemma,
    act: act === "silu" ? "silu" : "gelu",
    normOffset: gemma ? 1 : 0,
    embedScale: gemma ? Math.sqrt(d) : 1,
    qkvBias: type === "qwen2" || j.attention_bias === true,
  };
  ropeInverseFrequencies(config); // validates rope_scaling
  return { family: "llama", config };
}

/** HF weight name (prefixes stripped) → our name and whether it is a PyTorch [out, in] linear to transpose. */
function mapName(family: HfFamily, name: string): { ours: string; transpose: boolean } | null {
  if (family === "gpt2") {
    const n = name.replace(/^transformer\./, "");
    const top: Record<string, string> = {
      "wte.weight": "wte",
      "wpe.weight": "wpe",
      "ln_f.weight": "lnf.g",
      "ln_f.bias": "lnf.b",
    };
    if (top[n]) return { ours: top[n], transpose: false };
    if (n === "lm_head.weight") return { ours: "lmHead.w", transpose: true };
    const m = n.match(/^h\.(\d+)\.(.+)$/);
    if (!m) return null;
    const sub: Record<string, string> = {
      "ln_1.weight": "ln1.g",
      "ln_1.bias": "ln1.b",
      "attn.c_attn.weight": "attn.wqkv",
      "attn.c_attn.bias": "attn.bqkv",
      "attn.c_proj.weight": "attn.wo",
      "attn.c_proj.bias": "attn.bo",
      "ln_2.weight": "ln2.g",
      "ln_2.bias": "ln2.b",
      "mlp.c_fc.weight": "mlp.w1",
      "mlp.c_fc.bias": "mlp.b1",
      "mlp.c_proj.weight": "mlp.w2",
      "mlp.c_proj.bias": "mlp.b2",
    };
    return sub[m[2]] ? { ours: `h.${m[1]}.${sub[m[2]]}`, transpose: false } : null; // attn.bias / masked_bias: buffers
  }
  const n = name.replace(/^model\./, "");
  if (n === "embed_tokens.weight") return { ours: "wte", transpose: false };
  if (n === "norm.weight") return { ours: "lnf.g", transpose: false };
  if (n === "lm_head.weight") return { ours: "lmHead.w", transpose: true };
  const m = n.match(/^layers\.(\d+)\.(.+)$/);
  if (!m) return null;
  const sub: Record<string, [string, boolean]> = {
    "input_layernorm.weight": ["ln1.g", false],
    "post_attention_layernorm.weight": ["ln2.g", false],
    "self_attn.q_proj.weight": ["attn.wq", true],
    "self_attn.k_proj.weight": ["attn.wk", true],
    "self_attn.v_proj.weight": ["attn.wv", true],
    "self_attn.o_proj.weight": ["attn.wo", true],
    "self_attn.q_proj.bias": ["attn.bq", false],
    "self_attn.k_proj.bias": ["attn.bk", false],
    "self_attn.v_proj.bias": ["attn.bv", false],
    "mlp.gate_proj.weight": ["mlp.wgate", true],
    "mlp.up_proj.weight": ["mlp.wup", true],
    "mlp.down_proj.weight": ["mlp.wdown", true],
  };
  const s = sub[m[2]];
  return s ? { ours: `h.${m[1]}.${s[0]}`, transpose: s[1] } : null;
}

function transpose2d(t: NamedArray): NamedArray {
  const [r, c] = t.shape, out = new Float32Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = t.data[i * c + j];
  return { data: out, shape: [c, r] };
}

/**
 * Copies HF-named tensors into a model's parameters (names mapped, PyTorch linears transposed);
 * every parameter must be filled, and shapes must match.
 *
 * @example
 * ```ts
 * assignHfWeights(model, "gpt2", (await loadCheckpoint("gpt2/model.safetensors"))!.tensors);
 * ```
 */
export function assignHfWeights(
  model: CausalLm,
  family: HfFamily,
  tensors: Record<string, NamedArray>,
) {
  const filled = new Set<string>();
  for (const [name, t] of Object.entries(tensors)) {
    const m = mapName(family, name);
    if (!m || !model.params[m.ours]) continue; // buffers, a tied lm_head
    const v = model.params[m.ours];
    const src = m.transpose ? transpose2d(t) : t;
    if (src.shape.join(",") !== v.shape.join(",")) {
      throw new Error(
        `checkpoint tensor ${name} [${t.shape}] does not fit ${m.ours} [${v.shape}]${
          m.transpose ? " (after transposing)" : ""
        }`,
      );
    }
    v.assign(tf.tensor(src.data, v.shape));
    filled.add(m.ours);
  }
  const missing = Object.keys(model.params).filter((n) => !filled.has(n));
  if (missing.length) {
    throw new Error(
      `checkpoint lacks ${missing.length} parameters, e.g. ${missing.slice(0, 4).join(", ")}`,
    );
  }
}

/** Reads `model.safetensors`, or every shard named by `model.safetensors.index.json`. */
async function readWeights(dir: string): Promise<Record<string, NamedArray>> {
  const single = await loadCheckpoint(`${dir}/model.safetensors`);
  if (single) return single.tensors;
  let index;
  try {
    index = JSON.parse(await Deno.readTextFile(`${dir}/model.safetensors.index.json`));
  } catch {
    throw new Error(
      `${dir} has neither model.safetensors nor model.safetensors.index.json (PyTorch .bin weights are not supported: convert them to safetensors)`,
    );
  }
  const tensors: Record<string, NamedArray> = {};
  for (const file of new Set<string>(Object.values(index.weight_map))) {
    const shard = (await loadCheckpoint(`${dir}/${file}`)) as Checkpoint | null;
    if (!shard) throw new Error(`missing shard ${dir}/${file}`);
    Object.assign(tensors, shard.tensors);
  }
  return tensors;
}

/**
 * Loads a Hugging Face checkpoint folder: `config.json`, the safetensors weights (single or
 * sharded; F32/F16/BF16 read as float32) and `tokenizer.json` when present.
 *
 * @example
 * ```ts
 * const { model, tokenizer } = await loadHfCheckpoint("models/gpt2");
 * const ids = tokenizer!.encode("example:01101 10011->");
 * ```
 */
export async function loadHfCheckpoint(dir: string): Promise<HfCheckpoint> {
  const hfConfig = JSON.parse(await Deno.readTextFile(`${dir}/config.json`));
  const parsed = hfModelConfig(hfConfig);
  const model: CausalLm = parsed.family === "gpt2"
    ? new LanguageModel(parsed.config)
    : new LlamaModel(parsed.config);
  try {
    assignHfWeights(model, parsed.family, await readWeights(dir));
  } catch (e) {
    model.dispose();
    throw e;
  }
  let tokenizer: TextTokenizer | null = null;
  try {
    tokenizer = await loadHfTokenizer(`${dir}/tokenizer.json`);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    if (parsed.family === "gpt2" && hfConfig.vocab_size === 50257) {
      tokenizer = await loadGpt2Tokenizer();
    }
  }
  return { model, tokenizer, family: parsed.family, hfConfig };
}
