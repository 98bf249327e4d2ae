/**
 * Classical baselines for in-context regression, by number of in-context examples: for each
 * sequence and each k, predict y_{k+1} at x_{k+1} from the first k pairs — exactly what the
 * model does at its (k+1)-th x token — with
 * - `oracle`: least squares restricted to the sequence's true basis (the optimum);
 * - `leastSquares`: least squares over all D dims (minimum-norm solution when k < D, as
 *   Garg et al. 2022);
 * - `lasso`: D-dim Lasso, objective (1/2k)‖y − Xw‖² + α‖w‖₁ (scikit-learn's scaling), no
 *   intercept, solved exactly along the path ({@link LassoPath}); α searched over
 *   {1, 0.1, 0.01, 0.001, 1e-4} and the best per k on the batch reported;
 * - `zero`: predict 0.
 *
 * Float64 throughout, small hand-written solvers (Cholesky with a 1e-10 ridge).
 *
 * Indexing: the row for k uses k examples and predicts point k+1. The default
 * k = 0 … nPoints−1 lines up with the model's nPoints predictions; for k = nPoints, pass a batch
 * of nPoints+1 points. Expect the mean error of plain least squares to spike at k = p (p = r for
 * the oracle, D for `leastSquares`): at the interpolation threshold E‖(XᵀX)⁻¹‖ diverges for
 * Gaussian X (Garg et al.'s plots show the same peak); beyond it the error is
 * ≈ σ²(1 + p/(k − p − 1)).
 *
 * @module
 */
import { ConfigError } from "../util/validate.ts";
import type { RegressionBatch } from "../tasks/regression_batch.ts";
import { LassoPath } from "./lasso.ts";
import { choleskySolveInPlace } from "../numeric/linalg.ts";

/**
 * The baseline methods.
 *
 * @example
 * ```ts
 * import { SparseRegressionTask } from "toolkit/data";
 *
 * const task = new SparseRegressionTask();
 * regressionBaselines(task.testSet(), { methods: BASELINE_METHODS.filter((m) => m !== "oracle") });
 * ```
 */
export const BASELINE_METHODS = ["oracle", "leastSquares", "lasso", "zero"] as const;
/**
 * One baseline method.
 *
 * @example
 * ```ts
 * const m: BaselineMethod = "lasso";
 * ```
 */
export type BaselineMethod = typeof BASELINE_METHODS[number];

/**
 * Options of {@link regressionBaselines}.
 *
 * @example
 * ```ts
 * import { SparseRegressionTask } from "toolkit/data";
 *
 * const task = new SparseRegressionTask();
 * const opts: BaselineOptions = { bases: task.bases, normaliser: task.normaliser };
 * ```
 */
export interface BaselineOptions {
  /** Methods to run. Default: all four, or all but `oracle` when `bases` is not given. */
  methods?: BaselineMethod[];
  /** Coordinates of each concept's basis (required by `oracle`), e.g. `task.bases`. */
  bases?: readonly (readonly number[])[];
  /**
   * Divides the MSE in `mseNormalised`; pass `task.normaliser` (r = 4 for the paper's task).
   * Default: the batch's mean y² (an estimate of the same quantity, noise included).
   */
  normaliser?: number;
  /** Per-concept normalisers for the per-concept rows (e.g. `task.conceptNormalisers`). */
  conceptNormalisers?: readonly number[];
  /** Numbers of in-context examples. Default 0 … nPoints−1 (the model's nPoints predictions). */
  ks?: number[];
  /** Lasso α grid. Ours = the paper's {1, 0.1, 0.01, 0.001, 1e-4}. */
  lassoAlphas?: number[];
  /** Ridge added to the diagonal of the normal equations. Ours 1e-10 (the min-norm limit). */
  ridge?: number;
  /** Also emit one row per concept (column `concept`); the Lasso α is the one chosen overall. */
  perConcept?: boolean;
  /** Also emit a `lasso` row for every α (`alphaChosen` false), to see the search. */
  allAlphas?: boolean;
}

/**
 * One point of "error vs number of in-context examples". `concept` is "all" or a concept
 * index; `alpha` is the Lasso α (null otherwise).
 *
 * @example
 * ```ts
 * import { lineChart } from "toolkit";
 *
 * declare const rows: BaselineRow[];
 * const spec = lineChart(rows.filter((r) => r.concept === "all"), {
 *   x: "k",
 *   y: "mseNormalised",
 *   color: "method",
 * });
 * ```
 */
export type BaselineRow = {
  k: number;
  method: BaselineMethod;
  mse: number;
  mseNormalised: number;
  alpha: number | null;
  /** False only on the extra per-α Lasso rows of `allAlphas`. */
  alphaChosen: boolean;
  concept: number | "all";
  /** Number of sequences averaged. */
  n: number;
};

/**
 * The Lasso α grid. Ours = the paper's {1, 0.1, 0.01, 0.001, 1e-4}.
 *
 * @example
 * ```ts
 * import { SparseRegressionTask } from "toolkit/data";
 *
 * const task = new SparseRegressionTask();
 * regressionBaselines(task.testSet(), { lassoAlphas: [...DEFAULT_LASSO_ALPHAS, 1e-5] });
 * ```
 */
export const DEFAULT_LASSO_ALPHAS: readonly number[] = [1, 0.1, 0.01, 0.001, 1e-4];

/**
 * Runs the baselines on a batch (usually the fixed test set) and returns rows by k and method.
 * 1,000 sequences × 20 k × 4 methods take about a second.
 *
 * @example
 * ```ts
 * import { lineChart, show } from "toolkit";
 * import { SparseRegressionTask } from "toolkit/data";
 *
 * const task = new SparseRegressionTask();
 * const rows = regressionBaselines(task.testSet(), { bases: task.bases, normaliser: task.normaliser });
 * await show(lineChart(rows, { x: "k", y: "mseNormalised", color: "method", logY: true }));
 * ```
 */
export function regressionBaselines(
  batch: RegressionBatch,
  opts: BaselineOptions = {},
): BaselineRow[] {
  const o = resolveBaselineOptions(batch, opts);
  const nConcepts = Math.max(0, ...batch.concepts) + 1;
  const errors = squaredErrorSums(batch, o, nConcepts);
  return baselineRows(batch, opts, o, errors);
}

/** {@link BaselineOptions} with defaults filled and every field checked. */
interface ResolvedBaselines {
  methods: readonly BaselineMethod[];
  bases: BaselineOptions["bases"];
  ks: number[];
  alphas: number[];
  ridge: number;
}

function resolveBaselineOptions(batch: RegressionBatch, opts: BaselineOptions): ResolvedBaselines {
  const { nPoints } = batch;
  const methods = opts.methods ?? BASELINE_METHODS.filter((m) => m !== "oracle" || opts.bases);
  for (const m of methods) {
    if (!(BASELINE_METHODS as readonly string[]).includes(m)) {
      throw new ConfigError("methods", `values among ${BASELINE_METHODS.join(", ")}`, m);
    }
  }
  const bases = opts.bases;
  if (methods.includes("oracle")) checkBases(bases, batch);
  const ks = opts.ks ?? Array.from({ length: nPoints }, (_, k) => k);
  for (const k of ks) {
    if (!Number.isInteger(k) || k < 0 || k >= nPoints) {
      throw new ConfigError("ks", `integers in [0, ${nPoints - 1}] (query = point k+1)`, k);
    }
  }
  const alphas = opts.lassoAlphas ?? [...DEFAULT_LASSO_ALPHAS];
  if (alphas.length === 0 || !alphas.every((a) => Number.isFinite(a) && a >= 0)) {
    throw new ConfigError("lassoAlphas", "a non-empty list of finite numbers >= 0", alphas);
  }
  return { methods, bases, ks, alphas, ridge: opts.ridge ?? 1e-10 };
}

// Slots of the squared-error sums; Lasso has one slot per alpha from `lasso` on.
const SLOTS = { zero: 0, leastSquares: 1, oracle: 2, lasso: 3 } as const;

/** Squared-error sums of every method over the batch, and the sequences per concept. */
interface ErrorSums {
  /** [method slot][concept][kIndex] */
  sq: Float64Array;
  count: Float64Array;
  nConcepts: number;
  /** [k, index of k in `ks`], by increasing k. */
  order: number[][];
}

function squaredErrorSums(
  batch: RegressionBatch,
  o: ResolvedBaselines,
  nConcepts: number,
): ErrorSums {
  const { nPoints, dim } = batch;
  const { methods, bases, ks, alphas, ridge } = o;
  const slots = SLOTS;
  const nSlots = 3 + alphas.length;
  const sq = new Float64Array(nSlots * nConcepts * ks.length);
  const count = new Float64Array(nConcepts);
  const add = (slot: number, c: number, ki: number, err: number) => {
    sq[(slot * nConcepts + c) * ks.length + ki] += err * err;
  };
  const order = ks.map((k, i) => [k, i]).sort((a, b) => a[0] - b[0]);

  const X = new Float64Array(nPoints * dim);
  const y = new Float64Array(nPoints);
  const ws = new LsWorkspace(Math.max(nPoints, dim));
  const lasso = new LassoPath(dim);
  const alphaOrder = alphas.map((_, i) => i).sort((i, j) => alphas[j] - alphas[i]);
  const sortedAlphas = alphaOrder.map((i) => alphas[i]);
  const lassoW = alphas.map(() => new Float64Array(dim));
  const lassoOut = alphaOrder.map((i) => lassoW[i]);
  for (let b = 0; b < batch.batch; b++) {
    const c = batch.concepts[b];
    count[c]++;
    for (let i = 0; i < nPoints * dim; i++) X[i] = batch.xs[b * nPoints * dim + i];
    for (let i = 0; i < nPoints; i++) y[i] = batch.ys[b * nPoints + i];
    lasso.reset();
    const all = identityColumns(dim);
    for (const [k, ki] of order) {
      const target = y[k];
      if (methods.includes("zero")) add(slots.zero, c, ki, target);
      if (methods.includes("leastSquares")) {
        add(slots.leastSquares, c, ki, target - ws.predict(X, y, dim, k, all, ridge));
      }
      if (methods.includes("oracle")) {
        add(slots.oracle, c, ki, target - ws.predict(X, y, dim, k, bases![c], ridge));
      }
      if (methods.includes("lasso")) {
        while (lasso.count < k) lasso.addPoint(X, y[lasso.count], lasso.count * dim);
        lasso.solve(sortedAlphas, lassoOut);
        for (let a = 0; a < alphas.length; a++) {
          let pred = 0;
          for (let j = 0; j < dim; j++) pred += lassoW[a][j] * X[k * dim + j];
          add(slots.lasso + a, c, ki, target - pred);
        }
      }
    }
  }
  return { sq, count, nConcepts, order };
}

/** One row per (k, method, concept group); Lasso at its best α (and every α with `allAlphas`). */
function baselineRows(
  batch: RegressionBatch,
  opts: BaselineOptions,
  o: ResolvedBaselines,
  { sq, count, nConcepts, order }: ErrorSums,
): BaselineRow[] {
  const { methods, ks, alphas } = o;
  const slots = SLOTS;
  const rows: BaselineRow[] = [];
  const norm = opts.normaliser ?? meanSquare(batch.ys);
  const conceptNorm = (c: number) => opts.conceptNormalisers?.[c] ?? norm;
  const mseOf = (slot: number, ki: number, concept: number | "all") => {
    let s = 0, n = 0;
    for (let c = 0; c < nConcepts; c++) {
      if (concept !== "all" && c !== concept) continue;
      s += sq[(slot * nConcepts + c) * ks.length + ki];
      n += count[c];
    }
    return { mse: n > 0 ? s / n : NaN, n };
  };
  const groups: (number | "all")[] = ["all"];
  if (opts.perConcept) { for (let c = 0; c < nConcepts; c++) if (count[c] > 0) groups.push(c); }
  for (const [k, ki] of order) {
    for (const m of methods) {
      let slot: number = slots[m];
      let alpha: number | null = null;
      if (m === "lasso") {
        let best = Infinity;
        for (let a = 0; a < alphas.length; a++) {
          const { mse } = mseOf(slots.lasso + a, ki, "all");
          if (mse < best) [best, slot, alpha] = [mse, slots.lasso + a, alphas[a]];
        }
      }
      for (const g of groups) {
        const { mse, n } = mseOf(slot, ki, g);
        const d = g === "all" ? norm : conceptNorm(g);
        rows.push({
          k,
          method: m,
          mse,
          mseNormalised: mse / d,
          alpha,
          alphaChosen: true,
          concept: g,
          n,
        });
      }
      if (m === "lasso" && opts.allAlphas) {
        for (let a = 0; a < alphas.length; a++) {
          if (alphas[a] === alpha) continue;
          const { mse, n } = mseOf(slots.lasso + a, ki, "all");
          rows.push({
            k,
            method: m,
            mse,
            mseNormalised: mse / norm,
            alpha: alphas[a],
            alphaChosen: false,
            concept: "all",
            n,
          });
        }
      }
    }
  }
  return rows;
}

function checkBases(bases: BaselineOptions["bases"], batch: RegressionBatch) {
  if (!bases) {
    throw new ConfigError("bases", "one coordinate list per concept (oracle needs it)", bases);
  }
  const maxC = Math.max(0, ...batch.concepts);
  if (bases.length <= maxC) {
    throw new ConfigError("bases", `at least ${maxC + 1} coordinate lists`, bases.length);
  }
  for (const b of bases) {
    if (!b.every((j) => Number.isInteger(j) && j >= 0 && j < batch.dim)) {
      throw new ConfigError("bases", `integers in [0, ${batch.dim - 1}]`, b);
    }
  }
}

function meanSquare(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return s / v.length;
}

const identityCache = new Map<number, number[]>();
function identityColumns(d: number): number[] {
  let cols = identityCache.get(d);
  if (!cols) identityCache.set(d, cols = Array.from({ length: d }, (_, j) => j));
  return cols;
}

/** Scratch space for minimum-norm least-squares predictions (no allocation per call). */
class LsWorkspace {
  #A: Float64Array;
  #b: Float64Array;
  constructor(maxN: number) {
    this.#A = new Float64Array(maxN * maxN);
    this.#b = new Float64Array(maxN);
  }

  /**
   * Prediction at row k of X from rows 0…k−1, using only columns `cols`: the minimum-norm
   * least-squares w, via the dual (k < p: (XXᵀ + λI)α = y, w = Xᵀα) or the primal
   * (k ≥ p: (XᵀX + λI)w = Xᵀy) normal equations.
   */
  predict(
    X: Float64Array,
    y: Float64Array,
    dim: number,
    k: number,
    cols: readonly number[],
    ridge: number,
  ): number {
    if (k === 0) return 0;
    const p = cols.length, A = this.#A, b = this.#b, q = k * dim;
    if (k < p) {
      for (let i = 0; i < k; i++) {
        for (let j = 0; j <= i; j++) {
          let s = 0;
          for (const c of cols) s += X[i * dim + c] * X[j * dim + c];
          A[i * k + j] = A[j * k + i] = s;
        }
        A[i * k + i] += ridge;
        b[i] = y[i];
      }
      choleskySolveInPlace(A, b, k);
      let pred = 0;
      for (let i = 0; i < k; i++) {
        let s = 0;
        for (const c of cols) s += X[i * dim + c] * X[q + c];
        pred += b[i] * s;
      }
      return pred;
    }
    for (let u = 0; u < p; u++) {
      for (let v = 0; v <= u; v++) {
        let s = 0;
        for (let i = 0; i < k; i++) s += X[i * dim + cols[u]] * X[i * dim + cols[v]];
        A[u * p + v] = A[v * p + u] = s;
      }
      A[u * p + u] += ridge;
      let s = 0;
      for (let i = 0; i < k; i++) s += X[i * dim + cols[u]] * y[i];
      b[u] = s;
    }
    choleskySolveInPlace(A, b, p);
    let pred = 0;
    for (let u = 0; u < p; u++) pred += b[u] * X[q + cols[u]];
    return pred;
  }
}
