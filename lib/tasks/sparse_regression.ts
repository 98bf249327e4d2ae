/**
 * The synthetic task of paper 1 (Han et al., arXiv 2412.12276): a mixture of sparse linear
 * regressions. Each sequence draws a latent concept k (one of K bases, uniformly),
 * w ~ N(0, I_D) zeroed outside basis k, x_i ~ N(0, I_D) and y_i = wᵀx_i + ε, ε ~ N(0, σ²).
 *
 * Variants of the paper's appendix ({@link SPARSE_REGRESSION_VARIANTS}): 6 disjoint bases in
 * 24 dims, and 8 overlapping bases in two groups of 4.
 *
 * @module
 */
import type { Rng } from "../util/rng.ts";
import { checkKnownKeys, checkPositiveInt, ConfigError } from "../util/validate.ts";
import { checkRegressionShape, RegressionTaskBase, type YToken } from "./regression_batch.ts";

/**
 * Config of the sparse-regression mixture.
 *
 * @example
 * ```ts
 * const cfg: SparseRegressionConfig = { ...DEFAULT_SPARSE_REGRESSION, seed: 3 };
 * ```
 */
export interface SparseRegressionConfig {
  /** Input dimension D. Ours 16; paper 16. */
  dim: number;
  /** Number of bases (concepts) K. Ours 4; paper 4. */
  nBases: number;
  /** Coordinates per basis r. Ours 4; paper 4. */
  rank: number;
  /** (x, y) pairs per sequence. Ours 20; paper 20. */
  nPoints: number;
  /**
   * Noise standard deviation σ. Ours 0.1; the paper writes ε ~ N(0, 0.01), read as a variance
   * (σ² = 0.01), the usual convention.
   */
  noiseStd: number;
  /**
   * The bases: "disjoint" = coordinate blocks [0…r−1], [r…2r−1], … (ours; the paper says only
   * "disjoint"), or explicit coordinate lists, one per basis, each of length `rank`.
   */
  bases: "disjoint" | number[][];
  /**
   * Where y goes in its token. Ours and the paper's (Garg et al.'s layout): `shared`, coordinate 0
   * — which x's coordinate 0, of basis 0, also uses; `separate` gives y its own, extra input
   * dimension (a control: then no basis shares y's read-in column).
   */
  yToken: YToken;
  /** Seed of the training stream, the test set and the per-concept sets. Ours 0; paper n/a. */
  seed: number | string;
}

/**
 * Default config: the paper's task (D = 16, K = 4 disjoint bases of r = 4, 20 points, σ = 0.1).
 *
 * @example
 * ```ts
 * const task = new SparseRegressionTask(DEFAULT_SPARSE_REGRESSION);
 * ```
 */
export const DEFAULT_SPARSE_REGRESSION: SparseRegressionConfig = {
  dim: 16,
  nBases: 4,
  rank: 4,
  nPoints: 20,
  noiseStd: 0.1,
  bases: "disjoint",
  yToken: "shared",
  seed: 0,
};

/**
 * Bases of `nGroups` groups, each group `nPerGroup` cyclic windows of `rank` coordinates that
 * step by `stride` inside its own block of `groupWidth` dims. With the defaults (2 groups of 4
 * in 8 dims, rank 4, stride 2): group A = {0,1,2,3}, {2,3,4,5}, {4,5,6,7}, {6,7,0,1};
 * group B = the same + 8. Each basis shares 2 coordinates with two bases of its group, none
 * with the third or with the other group (our construction; the paper only says "two groups
 * of 4 within 8 dims each").
 *
 * @example
 * ```ts
 * overlappingBases(); // 8 bases in 16 dims
 * ```
 */
export function overlappingBases(
  opts: {
    nGroups?: number;
    nPerGroup?: number;
    groupWidth?: number;
    rank?: number;
    stride?: number;
  } = {},
): number[][] {
  const { nGroups = 2, nPerGroup = 4, groupWidth = 8, rank = 4, stride = 2 } = opts;
  const bases: number[][] = [];
  for (let g = 0; g < nGroups; g++) {
    for (let i = 0; i < nPerGroup; i++) {
      bases.push(
        Array.from({ length: rank }, (_, j) => g * groupWidth + ((i * stride + j) % groupWidth)),
      );
    }
  }
  return bases;
}

/**
 * The task variants of the paper (main text and appendix) as config overrides.
 * `overlapping` uses {@link overlappingBases}; its group of each basis is
 * {@link OVERLAPPING_BASIS_GROUPS}.
 *
 * @example
 * ```ts
 * const task = new SparseRegressionTask(SPARSE_REGRESSION_VARIANTS.sixBases);
 * ```
 */
export const SPARSE_REGRESSION_VARIANTS: Record<
  "fourBases" | "sixBases" | "overlapping",
  Partial<SparseRegressionConfig>
> = {
  fourBases: {},
  sixBases: { dim: 24, nBases: 6, rank: 4 },
  overlapping: { dim: 16, nBases: 8, rank: 4, bases: overlappingBases() },
};

/**
 * Group (0 = dims 0–7, 1 = dims 8–15) of each basis of the `overlapping` variant.
 *
 * @example
 * ```ts
 * const batch = new SparseRegressionTask(SPARSE_REGRESSION_VARIANTS.overlapping).sample(4);
 * const group = OVERLAPPING_BASIS_GROUPS[batch.concepts[0]];
 * ```
 */
export const OVERLAPPING_BASIS_GROUPS: readonly number[] = [0, 0, 0, 0, 1, 1, 1, 1];

/**
 * Merges overrides into {@link DEFAULT_SPARSE_REGRESSION} and validates the result; a bad field
 * throws a `ConfigError` naming it.
 *
 * @example
 * ```ts
 * const cfg = sparseRegressionConfig({ nBases: 6, dim: 24 });
 * ```
 */
export function sparseRegressionConfig(
  overrides: Partial<SparseRegressionConfig> = {},
): SparseRegressionConfig {
  checkKnownKeys(overrides, DEFAULT_SPARSE_REGRESSION, "SparseRegressionConfig");
  const cfg = { ...DEFAULT_SPARSE_REGRESSION, ...overrides };
  checkRegressionShape(cfg);
  checkPositiveInt(cfg, "nBases");
  checkPositiveInt(cfg, "rank");
  if (cfg.rank > cfg.dim) throw new ConfigError("rank", `an integer <= dim (${cfg.dim})`, cfg.rank);
  sparseRegressionBases(cfg); // validates `bases`
  if (cfg.yToken !== "shared" && cfg.yToken !== "separate") {
    throw new ConfigError("yToken", "shared, separate", cfg.yToken);
  }
  return cfg;
}

/**
 * The coordinate lists of the bases of a config (resolving "disjoint" to blocks).
 *
 * @example
 * ```ts
 * sparseRegressionBases(DEFAULT_SPARSE_REGRESSION); // [[0,1,2,3], [4,5,6,7], [8,…], [12,…]]
 * ```
 */
export function sparseRegressionBases(cfg: SparseRegressionConfig): number[][] {
  const { dim, nBases, rank, bases } = cfg;
  if (bases === "disjoint") {
    if (rank * nBases > dim) {
      throw new ConfigError(
        "bases",
        `"disjoint" needs rank·nBases <= dim (${rank}·${nBases} > ${dim}); or explicit lists`,
        bases,
      );
    }
    return Array.from(
      { length: nBases },
      (_, k) => Array.from({ length: rank }, (_, j) => k * rank + j),
    );
  }
  const allowed = `"disjoint" or ${nBases} lists of ${rank} distinct integers in [0, ${dim - 1}]`;
  if (!Array.isArray(bases) || bases.length !== nBases) {
    throw new ConfigError("bases", allowed, bases);
  }
  for (const b of bases) {
    const ok = Array.isArray(b) && b.length === rank && new Set(b).size === rank &&
      b.every((j) => Number.isInteger(j) && j >= 0 && j < dim);
    if (!ok) throw new ConfigError("bases", allowed, b);
  }
  return bases.map((b) => [...b]);
}

/**
 * The normaliser of paper 1's MSE: Var(y) without noise = E‖w‖² = r, so that MSE / r scores
 * "predict 0" at ≈ 1 (exactly (r + σ²)/r). The paper plots MSE on a 0–1 axis without saying
 * how it normalises; this is our choice.
 *
 * @example
 * ```ts
 * const mse = 2.1; // a model's mean squared error on the task
 * const nmse = mse / sparseRegressionNormaliser(DEFAULT_SPARSE_REGRESSION); // divided by 4
 * ```
 */
export function sparseRegressionNormaliser(cfg: Pick<SparseRegressionConfig, "rank">): number {
  return cfg.rank;
}

/**
 * The mixture of sparse linear regressions as a seeded generator of {@link RegressionBatch}es.
 * `sample` advances the training stream; `testSet` (1,000 sequences) and `perConceptSet`
 * (N per basis) are fixed by the seed and independent of that stream.
 *
 * @example
 * ```ts
 * const task = new SparseRegressionTask({ seed: 1 });
 * const train = task.sample(64);               // uniform concepts
 * const only2 = task.sample(64, { concepts: 2 }); // every sequence on basis 2
 * const probe = task.perConceptSet(100);        // 400 sequences, 100 per basis
 * ```
 */
export class SparseRegressionTask extends RegressionTaskBase {
  readonly config: SparseRegressionConfig;
  /** Coordinates of each basis. */
  readonly bases: readonly number[][];
  readonly conceptNames: readonly string[];
  readonly conceptNormalisers: readonly number[];
  readonly normaliser: number;

  constructor(overrides: Partial<SparseRegressionConfig> = {}) {
    const cfg = sparseRegressionConfig(overrides);
    super({ ...cfg, nConcepts: cfg.nBases });
    this.config = cfg;
    this.bases = sparseRegressionBases(cfg);
    this.conceptNames = this.bases.map((_, k) => `basis ${k}`);
    this.normaliser = sparseRegressionNormaliser(cfg);
    this.conceptNormalisers = this.bases.map(() => this.normaliser);
  }

  protected drawWeights(concept: number, rng: Rng, w: Float32Array): void {
    // w ~ N(0, I_D) then zeroed outside the basis: draw all D for a fixed draw order.
    const full = rng.normalArray(this.dim);
    for (const j of this.bases[concept]) w[j] = full[j];
  }

  protected link(_concept: number, z: number): number {
    return z;
  }
}
