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
import { type Checkpoint, loadCheckpoint, type NamedArray } from "../store/checkpoint.ts";
import { loadGpt2Tokenizer } from "../text/gpt2.ts";
import { loadHfTokenizer } from "../text/hf_tokenizer.ts";
import type { TextTokenizer } from "../text/tokenizer.ts";
import { FileError } from "../util/cli.ts";
import { ConfigError } from "../util/validate.ts";
import { LanguageModel } from "./language_model.ts";
import type { CausalLm } from "./causal_lm.ts";
import { type LlamaConfig, LlamaModel, ropeInverseFrequencies } from "./llama.ts";

/** A parsed Hugging Face JSON file (`config.json`), fields as the file names them. */
// deno-lint-ignore no-explicit-any
export type HfJson = Record<string, any>;

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
 * import { LanguageModel, loadCheckpoint } from "toolkit";
 *
 * const model = new LanguageModel({ vocabSize: 50257, maxLen: 1024, nLayers: 12 });
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
  let hfConfig;
  try {
    hfConfig = JSON.parse(await Deno.readTextFile(`${dir}/config.json`));
  } catch (e) {
    const problem = e instanceof Deno.errors.NotFound
      ? "not found"
      : `unreadable (${(e as Error).message})`;
    throw new FileError(
      `${dir}/config.json`,
      problem,
      "pass a Hugging Face checkpoint folder (config.json, model.safetensors, tokenizer.json)",
    );
  }
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
