import {
  checkKnownKeys,
  checkNumber,
  checkOneOf,
  checkPositiveInt,
  ConfigError,
} from "../util/validate.ts";

/**
 * Shape of a GPT-2-style decoder (pre-LayerNorm blocks, causal multi-head attention, GELU MLP,
 * final LayerNorm, learned absolute positions, no dropout).
 */
export interface TransformerConfig {
  /** Number of blocks. Default 4; paper 1: 12. */
  nLayers: number;
  /** Residual width. Default 128; paper 1: 256. */
  dModel: number;
  /** Attention heads (must divide dModel). Default 4; paper 1: 8. */
  nHeads: number;
  /** MLP hidden width as a multiple of dModel. Default 4 (GPT-2 and paper 1). */
  mlpRatio: number;
  /** Longest sequence (learned positions). Default 40 = 20 (x, y) pairs, as paper 1. */
  maxLen: number;
  /** LayerNorm epsilon. Default 1e-5 (PyTorch's). */
  lnEps: number;
  /** Std of the normal weight init (GPT-2: 0.02; residual projections scaled by 1/√(2·nLayers)). */
  initStd: number;
}

/** Regression transformer (paper 1): a linear read-in D → d and read-out d → 1. */
export interface RegressionTransformerConfig extends TransformerConfig {
  /** Input dimension D of each token (x, or y padded to D). Default 16, as paper 1. */
  inputDim: number;
  /**
   * Init of the read-in and read-out layers. `normal` (default): weights N(0, initStd), zero
   * biases, like the blocks. `linear`: PyTorch `nn.Linear`'s default, weights and biases
   * U(±1/√fan_in) — what Garg et al.'s code (which the paper builds on) gets, since its read-in and
   * read-out are `nn.Linear` layers outside the GPT-2 init (std 0.25 for fan-in 16 against 0.02).
   * The default stays `normal` so that stored run ids and results do not change.
   */
  readInit: "normal" | "linear";
}

/** Causal language model: token embedding, tied (default) or separate unembedding. */
export interface LanguageModelConfig extends TransformerConfig {
  /** Vocabulary size. Default 256 (bytes); GPT-2: 50,257. */
  vocabSize: number;
  /** Share the embedding matrix with the output layer (GPT-2 does). Default true. */
  tieEmbeddings: boolean;
}

/** Defaults shared by both models (a CPU-friendly 4×128 model; the paper's 12×256 is the `paper` preset). */
export const DEFAULT_TRANSFORMER: TransformerConfig = {
  nLayers: 4,
  dModel: 128,
  nHeads: 4,
  mlpRatio: 4,
  maxLen: 40,
  lnEps: 1e-5,
  initStd: 0.02,
};

/**
 * Model-config fields added after checkpoints were first written, each with the value every
 * checkpoint written before it was trained with. Restoring an older checkpoint fills these in
 * before comparing configs, so adding a field (with its old behaviour as default) does not
 * orphan the archived runs; add a row whenever a model config gains a field.
 *
 * @example
 * ```ts
 * MODEL_FIELDS_ADDED.readInit; // "normal"
 * ```
 */
export const MODEL_FIELDS_ADDED: Readonly<Record<string, unknown>> = {
  // 2026-12-03 (fc1cf9b): Garg's nn.Linear read-in/out init as an option; before it, always normal
  readInit: "normal",
};

/** Default regression transformer config. */
export const DEFAULT_REGRESSION_TRANSFORMER: RegressionTransformerConfig = {
  ...DEFAULT_TRANSFORMER,
  inputDim: 16,
  readInit: "normal",
};

/** Default language model config (byte-level vocabulary, context 64). */
export const DEFAULT_LANGUAGE_MODEL: LanguageModelConfig = {
  ...DEFAULT_TRANSFORMER,
  maxLen: 64,
  vocabSize: 256,
  tieEmbeddings: true,
};

function checkTransformer(c: TransformerConfig) {
  checkPositiveInt(c, "nLayers");
  checkPositiveInt(c, "dModel");
  checkPositiveInt(c, "nHeads");
  if (c.dModel % c.nHeads !== 0) {
    const divisors = [];
    for (let h = 1; h <= c.dModel; h++) if (c.dModel % h === 0) divisors.push(h);
    throw new ConfigError(
      "nHeads",
      `a divisor of dModel=${c.dModel} (${divisors.slice(0, 12).join(", ")}…)`,
      c.nHeads,
    );
  }
  checkNumber(c, "mlpRatio", { min: 0, exclusiveMin: true });
  if (!Number.isInteger(c.mlpRatio * c.dModel)) {
    throw new ConfigError("mlpRatio", "a value with mlpRatio·dModel an integer", c.mlpRatio);
  }
  checkPositiveInt(c, "maxLen");
  checkNumber(c, "lnEps", { min: 0, exclusiveMin: true });
  checkNumber(c, "initStd", { min: 0, exclusiveMin: true });
}

/**
 * The `layers×dModel×heads` name of a transformer's shape, as the reports print it (fields a
 * partial config leaves out print as "?").
 *
 * @example
 * ```ts
 * transformerShape({ nLayers: 3, dModel: 64, nHeads: 4 }); // "3×64×4"
 * ```
 */
export function transformerShape(
  m: Partial<Pick<TransformerConfig, "nLayers" | "dModel" | "nHeads">>,
): string {
  return [m.nLayers, m.dModel, m.nHeads].map((x) => x ?? "?").join("×");
}

/**
 * Fills defaults and validates a regression-transformer config; a bad field throws
 * `ConfigError` naming it and its allowed values.
 *
 * @example
 * ```ts
 * const cfg = regressionConfig({ nLayers: 2, dModel: 64, nHeads: 2 });
 * ```
 */
export function regressionConfig(
  over: Partial<RegressionTransformerConfig> = {},
): RegressionTransformerConfig {
  checkKnownKeys(over, DEFAULT_REGRESSION_TRANSFORMER, "model");
  const c = { ...DEFAULT_REGRESSION_TRANSFORMER, ...over };
  checkTransformer(c);
  checkPositiveInt(c, "inputDim");
  checkOneOf(c, "readInit", ["normal", "linear"]);
  return c;
}

/**
 * Fills defaults and validates a language-model config.
 *
 * @example
 * ```ts
 * const cfg = languageModelConfig({ vocabSize: 50257, maxLen: 16 });
 * ```
 */
export function languageModelConfig(over: Partial<LanguageModelConfig> = {}): LanguageModelConfig {
  checkKnownKeys(over, DEFAULT_LANGUAGE_MODEL, "model");
  const c = { ...DEFAULT_LANGUAGE_MODEL, ...over };
  checkTransformer(c);
  checkPositiveInt(c, "vocabSize", { min: 2 });
  checkOneOf(c, "tieEmbeddings", [true, false]);
  return c;
}
