/**
 * LoRA (Hu et al. 2021) on chosen layers of a model, through the stack's existing adapter hook:
 * `linear()` adds scale·(dropout(x)·A)·B to x·W for every weight W with an {@link Adapter}
 * keyed by its parameter name. A starts uniform in ±1/√in (PEFT's Kaiming init), B at zero, so
 * an attached adapter leaves the model unchanged until trained; scale = alpha / rank.
 *
 * Paper 1 (language-model part): rank 16, alpha 16, dropout 0.1 on the attention and MLP
 * weights of the first 10 vs the last 10 of Llama-3.1-8B's 32 layers.
 *
 * @module
 */
import { tf } from "../deps.ts";
import type { Adapter, Params } from "../model/transformer.ts";
import type { TrainableModel } from "../train/trainer.ts";
import { Rng } from "../util/rng.ts";
import { checkKnownKeys, checkNumber, checkPositiveInt, ConfigError } from "../util/validate.ts";

/** Which weights get adapters, and the adapters' shape. */
export interface LoraConfig {
  /** Rank r. Default and paper: 16. */
  rank: number;
  /** alpha; the update is scaled by alpha / rank. Default and paper: 16. */
  alpha: number;
  /** Dropout on the adapter's input while training. Default and paper: 0.1. */
  dropout: number;
  /** Blocks adapted, 1-based as the hooks count them. Default [] (none: set them). */
  layers: number[];
  /** Weight groups: `attn` (q/k/v/o projections) and/or `mlp`. Default both, as the paper. */
  targets: ("attn" | "mlp")[];
  /** Seed of A's initialisation. Default 0. */
  seed: number;
}

/**
 * Defaults of {@link LoraConfig} (the paper's rank 16, alpha 16, dropout 0.1).
 *
 * @example
 * ```ts
 * import { LanguageModel } from "toolkit";
 *
 * const model = new LanguageModel({ nLayers: 2 });
 * attachLora(model.params, { ...DEFAULT_LORA, layers: [1, 2] });
 * ```
 */
export const DEFAULT_LORA: LoraConfig = {
  rank: 16,
  alpha: 16,
  dropout: 0.1,
  layers: [],
  targets: ["attn", "mlp"],
  seed: 0,
};

/** Adapters attached to a model's weights. */
export interface Lora {
  config: LoraConfig;
  /** Weight name → adapter (what `forward(…, { adapters })` takes). */
  adapters: Map<string, Adapter>;
  /** The adapters' variables by name (`lora.<weight>.a` / `.b`). */
  params: Params;
}

/**
 * Creates adapters for every matrix (rank-2 parameter) of the chosen blocks' attention and/or
 * MLP (`h.{layer−1}.attn.*`, `h.{layer−1}.mlp.*`).
 *
 * @example
 * ```ts
 * import { LanguageModel, tf } from "toolkit";
 *
 * const model = new LanguageModel({ nLayers: 2 });
 * const lora = attachLora(model.params, { layers: [1, 2] });
 * model.forward(tf.tensor2d([[1, 2, 3]], [1, 3], "int32"), { adapters: lora.adapters });
 * ```
 */
export function attachLora(params: Params, config: Partial<LoraConfig> = {}): Lora {
  checkKnownKeys(config, DEFAULT_LORA, "lora");
  const cfg: LoraConfig = { ...DEFAULT_LORA, ...config };
  checkPositiveInt(cfg, "rank");
  checkNumber(cfg, "alpha", { min: 0, exclusiveMin: true });
  checkNumber(cfg, "dropout", { min: 0, max: 1 });
  if (cfg.dropout >= 1) throw new ConfigError("dropout", "a number in [0, 1)", cfg.dropout);
  if (
    !Array.isArray(cfg.targets) || !cfg.targets.length ||
    cfg.targets.some((t) => t !== "attn" && t !== "mlp")
  ) {
    throw new ConfigError("targets", 'a non-empty list of "attn", "mlp"', cfg.targets);
  }
  const nBlocks =
    new Set(Object.keys(params).flatMap((n) => n.match(/^h\.(\d+)\./)?.[1] ?? [])).size;
  if (
    !Array.isArray(cfg.layers) || !cfg.layers.length ||
    cfg.layers.some((l) => !Number.isInteger(l) || l < 1 || l > nBlocks)
  ) {
    throw new ConfigError("layers", `a non-empty list of blocks in 1 … ${nBlocks}`, cfg.layers);
  }
  const rng = new Rng(`lora:${cfg.seed}`);
  const adapters = new Map<string, Adapter>();
  const vars: Params = {};
  const groups = cfg.targets.join("|");
  for (const layer of [...cfg.layers].sort((a, b) => a - b)) {
    const re = new RegExp(`^h\\.${layer - 1}\\.(${groups})\\.`);
    for (const [name, w] of Object.entries(params)) {
      if (!re.test(name) || w.shape.length !== 2) continue;
      const [din, dout] = w.shape;
      const bound = 1 / Math.sqrt(din);
      const a = tf.variable(
        tf.tensor2d(rng.uniformArray(din * cfg.rank, -bound, bound), [din, cfg.rank]),
        true,
      );
      const b = tf.variable(tf.zeros([cfg.rank, dout]), true);
      adapters.set(name, { a, b, scale: cfg.alpha / cfg.rank, dropout: cfg.dropout });
      vars[`lora.${name}.a`] = a;
      vars[`lora.${name}.b`] = b;
    }
  }
  return { config: cfg, adapters, params: vars };
}

/**
 * The model seen by `train()` with only the adapters trainable: its params are the model's and
 * the adapters' (so checkpoints hold both), and `names` is what to pass as `trainable`.
 *
 * @example
 * ```ts
 * import { LanguageModel, train } from "toolkit";
 *
 * const model = new LanguageModel({ vocabSize: 256, maxLen: 16, nLayers: 2 });
 * const lora = attachLora(model.params, { layers: [2] });
 * const windows = new Int32Array(4 * 17); // [batch, T + 1] token ids
 * const { target, names } = loraTrainable(model, lora);
 * await train(target, { steps: 100 }, {
 *   trainable: names,
 *   batch: () => windows,
 *   loss: (w) => model.loss(w, 4, { adapters: lora.adapters, training: true }),
 * });
 * ```
 */
export function loraTrainable(
  model: { params: Params; config: unknown },
  lora: Lora,
): { target: TrainableModel; names: string[] } {
  return {
    target: {
      params: { ...model.params, ...lora.params },
      config: { model: model.config, lora: lora.config },
    },
    names: Object.keys(lora.params),
  };
}

/**
 * Folds the adapters into the weights in place: W ← W + scale·A·B (then run without adapters).
 *
 * @example
 * ```ts
 * import { LanguageModel } from "toolkit";
 *
 * const model = new LanguageModel({ nLayers: 2 });
 * const lora = attachLora(model.params, { layers: [2] });
 * mergeLora(model.params, lora);
 * disposeLora(lora);
 * ```
 */
export function mergeLora(params: Params, lora: Lora) {
  for (const [name, ad] of lora.adapters) {
    const w = params[name];
    if (!w) throw new ConfigError("adapters", "names of the model's weights", name);
    tf.tidy(() => w.assign(tf.add(w, tf.mul(tf.matMul(ad.a, ad.b), ad.scale))));
  }
}

/**
 * Frees the adapters' variables.
 *
 * @example
 * ```ts
 * declare const lora: Lora;
 * disposeLora(lora);
 * ```
 */
export function disposeLora(lora: Lora) {
  for (const v of Object.values(lora.params)) v.dispose();
}

/**
 * The first or last `fraction` of a model's blocks, 1-based (at least one): paper 1 compares
 * LoRA on the first 10 and the last 10 of 32 layers.
 *
 * @example
 * ```ts
 * loraLayerRange(6, "first", 1 / 3); // [1, 2]
 * loraLayerRange(6, "last", 1 / 3); // [5, 6]
 * ```
 */
export function loraLayerRange(
  nLayers: number,
  which: "first" | "last",
  fraction: number,
): number[] {
  const n = Math.max(1, Math.round(nLayers * fraction));
  return Array.from({ length: n }, (_, i) => (which === "first" ? i + 1 : nLayers - n + i + 1));
}
