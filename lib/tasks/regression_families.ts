/**
 * The appendix variant of paper 1: a mixture of regression *families*, the concept being the
 * family. With z = wᵀx, w ~ N(0, I_D) and x ~ N(0, I_D):
 * - `linear`: y = c·z (dense w);
 * - `sparse`: y = c·z with w zeroed outside `sparseBasis` (dims 0–3 by default);
 * - `leakyRelu`: y = c·leakyrelu(z), slope `leakySlope` for z < 0;
 * - `quadratic`: y = c·z² (not centred);
 * then y += ε, ε ~ N(0, σ²).
 *
 * The paper does not give the scales; with `normalise` (our default) each family's c makes
 * E[y²] = 1 before noise, computed exactly: linear c = 1/√D, sparse c = 1/√r, leaky-ReLU
 * c = √(2/((1 + a²)D)), quadratic c = 1/√(3(D² + 2D)) (E z⁴ = 3 E‖w‖⁴). So predicting zero
 * scores MSE ≈ 1 for every family and no family dominates the loss by scale alone.
 *
 * @module
 */
import type { Rng } from "../util/rng.ts";
import { checkKnownKeys, checkNumber, checkOneOf, ConfigError } from "../util/validate.ts";
import { checkRegressionShape, RegressionTaskBase } from "./regression_batch.ts";

/**
 * The regression families, in the paper's order.
 *
 * @example
 * ```ts
 * const task = new RegressionFamiliesTask({ families: [...REGRESSION_FAMILIES] });
 * ```
 */
export const REGRESSION_FAMILIES = ["linear", "sparse", "leakyRelu", "quadratic"] as const;
/**
 * One regression family.
 *
 * @example
 * ```ts
 * const f: RegressionFamily = "quadratic";
 * ```
 */
export type RegressionFamily = typeof REGRESSION_FAMILIES[number];

/**
 * Config of the regression-families mixture.
 *
 * @example
 * ```ts
 * const cfg: RegressionFamiliesConfig = { ...DEFAULT_REGRESSION_FAMILIES, leakySlope: 0.1 };
 * ```
 */
export interface RegressionFamiliesConfig {
  /** Input dimension D. Ours 16; paper 16 (as the main task). */
  dim: number;
  /** (x, y) pairs per sequence. Ours 20; paper 20 (as the main task). */
  nPoints: number;
  /** Noise standard deviation σ. Ours 0.1 (variance 0.01, as the main task); paper silent. */
  noiseStd: number;
  /** The families, concept k = families[k]. Ours all four in the paper's order. */
  families: RegressionFamily[];
  /** Support of w for `sparse`. Ours [0, 1, 2, 3] (basis 0 of the main task); paper silent. */
  sparseBasis: number[];
  /** Slope of leaky-ReLU for z < 0. Ours 0.01 (PyTorch's default); paper silent. */
  leakySlope: number;
  /** Scale each family to E[y²] = 1 before noise. Ours true; paper silent. */
  normalise: boolean;
  /** Seed of the training stream, test set and per-concept sets. Ours 0. */
  seed: number | string;
}

/**
 * Default config of the regression-families mixture.
 *
 * @example
 * ```ts
 * const task = new RegressionFamiliesTask(DEFAULT_REGRESSION_FAMILIES);
 * ```
 */
export const DEFAULT_REGRESSION_FAMILIES: RegressionFamiliesConfig = {
  dim: 16,
  nPoints: 20,
  noiseStd: 0.1,
  families: [...REGRESSION_FAMILIES],
  sparseBasis: [0, 1, 2, 3],
  leakySlope: 0.01,
  normalise: true,
  seed: 0,
};

/**
 * Merges overrides into {@link DEFAULT_REGRESSION_FAMILIES} and validates; a bad field throws a
 * `ConfigError` naming it.
 *
 * @example
 * ```ts
 * const cfg = regressionFamiliesConfig({ families: ["linear", "quadratic"] });
 * ```
 */
export function regressionFamiliesConfig(
  overrides: Partial<RegressionFamiliesConfig> = {},
): RegressionFamiliesConfig {
  checkKnownKeys(overrides, DEFAULT_REGRESSION_FAMILIES, "RegressionFamiliesConfig");
  const cfg = { ...DEFAULT_REGRESSION_FAMILIES, ...overrides };
  checkRegressionShape(cfg);
  checkNumber(cfg, "leakySlope", { min: 0, max: 1 });
  checkOneOf(cfg, "normalise", [true, false]);
  const fams = cfg.families;
  if (!Array.isArray(fams) || fams.length === 0 || new Set(fams).size !== fams.length) {
    throw new ConfigError(
      "families",
      `distinct values among ${REGRESSION_FAMILIES.join(", ")}`,
      fams,
    );
  }
  for (const f of fams) {
    if (!(REGRESSION_FAMILIES as readonly string[]).includes(f)) {
      throw new ConfigError("families", `values among ${REGRESSION_FAMILIES.join(", ")}`, f);
    }
  }
  const sb = cfg.sparseBasis;
  if (
    !Array.isArray(sb) || sb.length === 0 || new Set(sb).size !== sb.length ||
    !sb.every((j) => Number.isInteger(j) && j >= 0 && j < cfg.dim)
  ) {
    throw new ConfigError("sparseBasis", `distinct integers in [0, ${cfg.dim - 1}]`, sb);
  }
  return cfg;
}

/**
 * The scale c of a family (see the module doc): 1 without `normalise`, else the exact value
 * that makes E[y²] = 1 before noise.
 *
 * @example
 * ```ts
 * regressionFamilyScale("linear", DEFAULT_REGRESSION_FAMILIES); // 0.25 = 1/√16
 * ```
 */
export function regressionFamilyScale(
  family: RegressionFamily,
  cfg: Pick<RegressionFamiliesConfig, "dim" | "sparseBasis" | "leakySlope" | "normalise">,
): number {
  if (!cfg.normalise) return 1;
  return 1 / Math.sqrt(regressionFamilySecondMoment(family, { ...cfg, normalise: false }));
}

/**
 * E[y²] before noise of a family under `cfg` (1 for every family when `normalise`): the
 * per-concept normaliser of the MSE.
 *
 * @example
 * ```ts
 * regressionFamilySecondMoment("quadratic", { ...DEFAULT_REGRESSION_FAMILIES, normalise: false }); // 864
 * ```
 */
export function regressionFamilySecondMoment(
  family: RegressionFamily,
  cfg: Pick<RegressionFamiliesConfig, "dim" | "sparseBasis" | "leakySlope" | "normalise">,
): number {
  if (cfg.normalise) return 1;
  const d = cfg.dim, a = cfg.leakySlope;
  switch (family) {
    case "linear":
      return d;
    case "sparse":
      return cfg.sparseBasis.length;
    case "leakyRelu":
      return (1 + a * a) / 2 * d;
    case "quadratic":
      return 3 * (d * d + 2 * d);
  }
}

/**
 * A seeded mixture of regression families; concept = index into `config.families`.
 *
 * @example
 * ```ts
 * const task = new RegressionFamiliesTask({ seed: 2 });
 * const probe = task.perConceptSet(100); // 100 sequences per family
 * ```
 */
export class RegressionFamiliesTask extends RegressionTaskBase {
  readonly config: RegressionFamiliesConfig;
  readonly conceptNames: readonly string[];
  readonly conceptNormalisers: readonly number[];
  readonly normaliser: number;
  readonly #scales: number[];

  constructor(overrides: Partial<RegressionFamiliesConfig> = {}) {
    const cfg = regressionFamiliesConfig(overrides);
    super({ ...cfg, nConcepts: cfg.families.length });
    this.config = cfg;
    this.conceptNames = [...cfg.families];
    this.#scales = cfg.families.map((f) => regressionFamilyScale(f, cfg));
    this.conceptNormalisers = cfg.families.map((f) => regressionFamilySecondMoment(f, cfg));
    this.normaliser = this.conceptNormalisers.reduce((s, v) => s + v, 0) / cfg.families.length;
  }

  protected drawWeights(concept: number, rng: Rng, w: Float32Array): void {
    const full = rng.normalArray(this.dim);
    if (this.config.families[concept] === "sparse") {
      for (const j of this.config.sparseBasis) w[j] = full[j];
    } else {
      w.set(full);
    }
  }

  protected link(concept: number, z: number): number {
    const c = this.#scales[concept];
    switch (this.config.families[concept]) {
      case "linear":
      case "sparse":
        return c * z;
      case "leakyRelu":
        return c * (z >= 0 ? z : this.config.leakySlope * z);
      case "quadratic":
        return c * z * z;
    }
  }
}
