/**
 * The batch every in-context regression task returns, the Garg et al. (2022) token layout, and
 * the sampling core that the sparse-regression mixture and the regression families share.
 *
 * @module
 */
import { Rng } from "../util/rng.ts";
import { checkNumber, checkPositiveInt, ConfigError } from "../util/validate.ts";

/**
 * A batch of in-context regression sequences; the model consumes `tokens`.
 *
 * All arrays are row-major. `tokens` interleaves x_1, [y_1, 0, …, 0], x_2, [y_2, 0, …], …
 * (Garg et al. 2022): the prediction ŷ_i is read at the x_i token, which precedes y_i.
 *
 * @example
 * ```ts
 * import { SparseRegressionTask } from "toolkit/data";
 *
 * const b = new SparseRegressionTask().sample(8);
 * const y0 = b.ys[0]; // first sequence, first point
 * const tok = b.tokens.subarray(0, b.dim); // = x_1 of the first sequence
 * ```
 */
export interface RegressionBatch {
  batch: number;
  nPoints: number;
  dim: number;
  /** [batch, nPoints, dim] inputs x_i ~ N(0, I). */
  xs: Float32Array;
  /** [batch, nPoints] targets y_i (noise included). */
  ys: Float32Array;
  /** [batch, dim] the latent weights w of each sequence. */
  ws: Float32Array;
  /** [batch] the latent concept (basis or family index) of each sequence. */
  concepts: Int32Array;
  /** [batch, 2·nPoints, tokenDim] x_1, [y_1, 0…], x_2, [y_2, 0…], … */
  tokens: Float32Array;
  /**
   * Width of a token: `dim` in Garg's layout (y in coordinate 0 of its token, the column x's
   * coordinate 0 also uses), `dim + 1` when y has its own input dimension (the last). Unset = dim.
   */
  tokenDim?: number;
}

/**
 * Where y goes in its token: `shared` — coordinate 0, Garg et al.'s layout and the paper's
 * (x's coordinate 0 is read in by the same column); `separate` — an extra, last input dimension
 * that no x coordinate uses, so no basis shares y's read-in column (a control of ours).
 */
export type YToken = "shared" | "separate";

/**
 * How to choose the concept of each sequence: unset draws uniformly; a number forces it for
 * every sequence; an array gives one concept per sequence (length = batch size).
 *
 * @example
 * ```ts
 * const opts: RegressionSampleOptions = { concepts: 2 }; // every sequence uses basis 2
 * ```
 */
export interface RegressionSampleOptions {
  concepts?: number | ArrayLike<number>;
  /** Draw from this generator instead of the task's own training stream. */
  rng?: Rng;
}

/**
 * What the trainer and the probes need from an in-context regression task.
 *
 * @example
 * ```ts
 * import { SparseRegressionTask } from "toolkit/data";
 *
 * const task: RegressionTask = new SparseRegressionTask();
 * const test = task.testSet(); // 1,000 fixed sequences
 * ```
 */
export interface RegressionTask {
  readonly dim: number;
  /** Token width the model reads (default `dim`). */
  readonly tokenDim?: number;
  readonly nPoints: number;
  /** Number of latent concepts (bases or families). */
  readonly nConcepts: number;
  /** A short name per concept, for legends ("basis 0", "quadratic", …). */
  readonly conceptNames: readonly string[];
  /** E[y²] without noise for each concept: MSE / this makes "predict 0" score ≈ 1. */
  readonly conceptNormalisers: readonly number[];
  /** E[y²] without noise over the uniform mixture of concepts. */
  readonly normaliser: number;
  /** A fresh batch from the task's training stream (advances it). */
  sample(batchSize: number, opts?: RegressionSampleOptions): RegressionBatch;
  /** The fixed test set (default 1,000 sequences), the same on every call. */
  testSet(opts?: { size?: number; seed?: number | string }): RegressionBatch;
  /** `n` sequences per concept, concept-major: concepts [0×n, 1×n, …]; fixed per seed. */
  perConceptSet(n: number, opts?: { seed?: number | string }): RegressionBatch;
}

/**
 * Size of the fixed test set. Ours 1,000; paper 1,000 sequences.
 *
 * @example
 * ```ts
 * import { SparseRegressionTask } from "toolkit/data";
 *
 * const task = new SparseRegressionTask();
 * const test = task.testSet({ size: DEFAULT_REGRESSION_TEST_SIZE });
 * ```
 */
export const DEFAULT_REGRESSION_TEST_SIZE = 1000;

/**
 * Builds the interleaved token tensor [batch, 2·nPoints, dim] of Garg et al. (2022) from xs
 * [batch, nPoints, dim] and ys [batch, nPoints]: x_i at token 2i, [y_i, 0, …, 0] at 2i+1.
 *
 * @example
 * ```ts
 * const xs = new Float32Array(2 * 20 * 16), ys = new Float32Array(2 * 20); // [B, n, D], [B, n]
 * const tokens = interleaveRegressionTokens(xs, ys, { batch: 2, nPoints: 20, dim: 16 });
 * ```
 */
export function interleaveRegressionTokens(
  xs: Float32Array,
  ys: Float32Array,
  shape: { batch: number; nPoints: number; dim: number; tokenDim?: number },
): Float32Array {
  const { batch, nPoints, dim } = shape;
  const width = shape.tokenDim ?? dim;
  // y sits at coordinate 0 (Garg's layout), or in the last, extra coordinate when tokens are wider.
  const yAt = width > dim ? width - 1 : 0;
  if (xs.length !== batch * nPoints * dim || ys.length !== batch * nPoints) {
    throw new ConfigError("xs/ys", `lengths ${batch * nPoints * dim} and ${batch * nPoints}`, [
      xs.length,
      ys.length,
    ]);
  }
  const tokens = new Float32Array(batch * 2 * nPoints * width);
  for (let p = 0; p < batch * nPoints; p++) {
    tokens.set(xs.subarray(p * dim, (p + 1) * dim), 2 * p * width);
    tokens[(2 * p + 1) * width + yAt] = ys[p];
  }
  return tokens;
}

/**
 * Validates the fields every regression task config has (dim, nPoints, noiseStd, seed),
 * throwing a `ConfigError` naming the bad field.
 *
 * @example
 * ```ts
 * checkRegressionShape({ dim: 16, nPoints: 20, noiseStd: 0.1, seed: 0 });
 * ```
 */
export function checkRegressionShape(
  cfg: { dim: number; nPoints: number; noiseStd: number; seed: number | string },
): void {
  checkPositiveInt(cfg, "dim");
  checkPositiveInt(cfg, "nPoints");
  checkNumber(cfg, "noiseStd", { min: 0 });
  if (typeof cfg.seed !== "number" && typeof cfg.seed !== "string") {
    throw new ConfigError("seed", "a number or a string", cfg.seed);
  }
}

/**
 * Resolves {@link RegressionSampleOptions.concepts} to one concept per sequence, drawing
 * uniformly from `rng` when unset. Throws a `ConfigError` on an out-of-range concept.
 *
 * @example
 * ```ts
 * import { Rng } from "toolkit";
 *
 * const c = resolveConcepts(4, 4, 1, new Rng(0)); // Int32Array [1, 1, 1, 1]
 * ```
 */
export function resolveConcepts(
  batch: number,
  nConcepts: number,
  concepts: number | ArrayLike<number> | undefined,
  rng: Rng,
): Int32Array {
  const out = new Int32Array(batch);
  const allowed = `integers in [0, ${nConcepts - 1}]`;
  const valid = (c: number) => Number.isInteger(c) && c >= 0 && c < nConcepts;
  if (concepts === undefined) {
    for (let b = 0; b < batch; b++) out[b] = rng.int(nConcepts);
  } else if (typeof concepts === "number") {
    if (!valid(concepts)) throw new ConfigError("concepts", allowed, concepts);
    out.fill(concepts);
  } else {
    if (concepts.length !== batch) {
      throw new ConfigError("concepts", `an array of length ${batch}`, concepts.length);
    }
    for (let b = 0; b < batch; b++) {
      if (!valid(concepts[b])) throw new ConfigError("concepts", allowed, concepts[b]);
      out[b] = concepts[b];
    }
  }
  return out;
}

/**
 * The shared sampler behind every regression task of paper 1. A subclass says how to draw w
 * for a concept and how to map z = wᵀx to y (before noise); this class does the rest, in a fixed
 * draw order per sequence: w (dim normals), then xs (nPoints·dim normals), then the noise.
 * y is computed in float64 from the float32-rounded x and w that the batch stores.
 *
 * @example
 * ```ts
 * import { Rng } from "toolkit";
 *
 * class Dense extends RegressionTaskBase {
 *   constructor() { super({ dim: 4, nPoints: 8, nConcepts: 1, noiseStd: 0.1, seed: 0 }); }
 *   conceptNames = ["dense"]; conceptNormalisers = [4]; normaliser = 4;
 *   protected drawWeights(_c: number, rng: Rng, w: Float32Array) { w.set(rng.normalArray(4)); }
 *   protected link(_c: number, z: number) { return z; }
 * }
 * ```
 */
export abstract class RegressionTaskBase implements RegressionTask {
  readonly dim: number;
  /** Token width: `dim`, or `dim + 1` with `yToken: "separate"`. */
  readonly tokenDim: number;
  readonly nPoints: number;
  readonly nConcepts: number;
  abstract readonly conceptNames: readonly string[];
  abstract readonly conceptNormalisers: readonly number[];
  abstract readonly normaliser: number;
  readonly #noiseStd: number;
  readonly #seed: number | string;
  readonly #rng: Rng;

  protected constructor(
    shape: {
      dim: number;
      nPoints: number;
      nConcepts: number;
      noiseStd: number;
      seed: number | string;
      yToken?: YToken;
    },
  ) {
    this.dim = shape.dim;
    this.tokenDim = shape.yToken === "separate" ? shape.dim + 1 : shape.dim;
    this.nPoints = shape.nPoints;
    this.nConcepts = shape.nConcepts;
    this.#noiseStd = shape.noiseStd;
    this.#seed = shape.seed;
    this.#rng = new Rng(`${shape.seed}:train`);
  }

  /** Fills `w` (length dim, zero on entry) with the weights of one sequence of `concept`. */
  protected abstract drawWeights(concept: number, rng: Rng, w: Float32Array): void;
  /** y before noise, from z = wᵀx (the identity for linear tasks). */
  protected abstract link(concept: number, z: number): number;

  sample(batchSize: number, opts: RegressionSampleOptions = {}): RegressionBatch {
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new ConfigError("batchSize", "an integer >= 1", batchSize);
    }
    const rng = opts.rng ?? this.#rng;
    const concepts = resolveConcepts(batchSize, this.nConcepts, opts.concepts, rng);
    return this.#draw(concepts, rng);
  }

  testSet(opts: { size?: number; seed?: number | string } = {}): RegressionBatch {
    const rng = new Rng(`${opts.seed ?? this.#seed}:test`);
    return this.sample(opts.size ?? DEFAULT_REGRESSION_TEST_SIZE, { rng });
  }

  perConceptSet(n: number, opts: { seed?: number | string } = {}): RegressionBatch {
    if (!Number.isInteger(n) || n < 1) throw new ConfigError("n", "an integer >= 1", n);
    const concepts = new Int32Array(n * this.nConcepts);
    for (let i = 0; i < concepts.length; i++) concepts[i] = Math.floor(i / n);
    return this.sample(concepts.length, {
      concepts,
      rng: new Rng(`${opts.seed ?? this.#seed}:perConcept`),
    });
  }

  #draw(concepts: Int32Array, rng: Rng): RegressionBatch {
    const { dim, nPoints } = this;
    const batch = concepts.length;
    const xs = new Float32Array(batch * nPoints * dim);
    const ys = new Float32Array(batch * nPoints);
    const ws = new Float32Array(batch * dim);
    for (let b = 0; b < batch; b++) {
      const w = ws.subarray(b * dim, (b + 1) * dim);
      this.drawWeights(concepts[b], rng, w);
      for (let i = 0; i < nPoints * dim; i++) xs[b * nPoints * dim + i] = rng.normal();
      for (let p = 0; p < nPoints; p++) {
        const off = (b * nPoints + p) * dim;
        let z = 0;
        for (let j = 0; j < dim; j++) z += w[j] * xs[off + j];
        ys[b * nPoints + p] = this.link(concepts[b], z) + this.#noiseStd * rng.normal();
      }
    }
    const tokenDim = this.tokenDim;
    const tokens = interleaveRegressionTokens(xs, ys, { batch, nPoints, dim, tokenDim });
    return { batch, nPoints, dim, xs, ys, ws, concepts, tokens, tokenDim };
  }
}
