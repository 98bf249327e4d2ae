/**
 * Chinchilla's Approach 3 as replicated by Epoch AI (Besiroglu et al. 2024): fit
 * L(N, D) = E + A/N^α + B/D^β by minimising Σ Huber_δ(LSE(a − α log N, b − β log D, e) − log L)
 * with δ = 1e-3, from a grid of L-BFGS starting points, keeping the best; A = e^a, B = e^b,
 * E = e^e.
 *
 * @module
 */
import { checkKnownKeys, checkNumber, ConfigError } from "../util/validate.ts";
import type { ChinchillaCoeffs } from "./laws.ts";
import { type LbfgsOptions, minimizeLbfgs } from "../numeric/lbfgs.ts";
import type { ScalingPoints } from "./data.ts";

/** Starting values of the L-BFGS runs: every combination is one start. */
export interface Approach3Grid {
  /** log A starts. */
  a: number[];
  /** log B starts. */
  b: number[];
  /** log E starts. */
  e: number[];
  alpha: number[];
  beta: number[];
}

/**
 * Epoch AI's grid (as we read their replication code): α, β ∈ {0, 0.5, …, 2}, e ∈ {−1, −0.5,
 * …, 1}, a, b ∈ {0, 5, …, 25}: 4,500 starts.
 *
 * @example
 * ```ts
 * import type { ScalingPoints } from "toolkit/scaling";
 *
 * declare const points: ScalingPoints;
 * fitChinchillaApproach3(points, { grid: EPOCH_APPROACH3_GRID });
 * ```
 */
export const EPOCH_APPROACH3_GRID: Readonly<Approach3Grid> = Object.freeze({
  a: [0, 5, 10, 15, 20, 25],
  b: [0, 5, 10, 15, 20, 25],
  e: [-1, -0.5, 0, 0.5, 1],
  alpha: [0, 0.5, 1, 1.5, 2],
  beta: [0, 0.5, 1, 1.5, 2],
});

/**
 * A 108-start grid (a, b ∈ {0, 10, 20}, e ∈ {−1, 0, 1}, α, β ∈ {0, 1}) for tests and smoke
 * runs; on Chinchilla's points it finds the same optimum as Epoch's grid, ~40× faster.
 *
 * @example
 * ```ts
 * import type { ScalingPoints } from "toolkit/scaling";
 *
 * declare const points: ScalingPoints;
 * fitChinchillaApproach3(points, { grid: COARSE_APPROACH3_GRID }); // 108 starts
 * ```
 */
export const COARSE_APPROACH3_GRID: Readonly<Approach3Grid> = Object.freeze({
  a: [0, 10, 20],
  b: [0, 10, 20],
  e: [-1, 0, 1],
  alpha: [0, 1],
  beta: [0, 1],
});

/** Configuration of {@link fitChinchillaApproach3}. */
export interface Approach3Config {
  /** Huber threshold on log-loss residuals (default 1e-3, Epoch's and Hoffmann's). */
  delta: number;
  /** Starting points (default Epoch's 4,500-point grid). */
  grid: Approach3Grid;
  /** Optimiser settings (defaults of `minimizeLbfgs`). */
  lbfgs: Partial<LbfgsOptions>;
}

/**
 * Defaults of {@link Approach3Config}.
 *
 * @example
 * ```ts
 * import type { ScalingPoints } from "toolkit/scaling";
 *
 * declare const points: ScalingPoints;
 * fitChinchillaApproach3(points, { ...DEFAULT_APPROACH3_CONFIG, delta: 1e-2 });
 * ```
 */
export const DEFAULT_APPROACH3_CONFIG: Approach3Config = {
  delta: 1e-3,
  grid: EPOCH_APPROACH3_GRID,
  lbfgs: {},
};

/** A fitted Chinchilla law plus the fit's bookkeeping. */
export interface Approach3Fit extends ChinchillaCoeffs {
  /** N_opt ∝ C^a with a = β/(α+β). */
  a: number;
  /** D_opt ∝ C^b with b = α/(α+β). */
  b: number;
  /** The fitted log-parameters [log A, log B, log E, α, β]. */
  theta: number[];
  /** Σ Huber at the optimum. */
  objective: number;
  /** How many starts ran, and how many reported convergence. */
  starts: number;
  converged: number;
}

/**
 * The Approach-3 objective Σ Huber_δ(LSE(a − α log N, b − β log D, e) − log L) and its
 * gradient in θ = [a, b, e, α, β].
 *
 * @example
 * ```ts
 * const f = approach3Objective({ n: [1e8], d: [1e10], loss: [3] }, 1e-3);
 * const g = new Float64Array(5);
 * f(Float64Array.from([6, 7, 0.5, 0.34, 0.28]), g);
 * ```
 */
export function approach3Objective(
  points: ScalingPoints,
  delta: number,
): (t: Float64Array, grad: Float64Array) => number {
  const m = points.loss.length;
  const logN = Float64Array.from(points.n, Math.log);
  const logD = Float64Array.from(points.d, Math.log);
  const logL = Float64Array.from(points.loss, Math.log);
  return (t: Float64Array, grad: Float64Array): number => {
    const [a, b, e, alpha, beta] = t;
    let f = 0, ga = 0, gb = 0, ge = 0, gal = 0, gbe = 0;
    for (let i = 0; i < m; i++) {
      const u1 = a - alpha * logN[i], u2 = b - beta * logD[i];
      const mx = Math.max(u1, u2, e);
      const x1 = Math.exp(u1 - mx), x2 = Math.exp(u2 - mx), x3 = Math.exp(e - mx);
      const s = x1 + x2 + x3;
      const r = mx + Math.log(s) - logL[i];
      let h: number;
      if (Math.abs(r) <= delta) (f += 0.5 * r * r, h = r);
      else (f += delta * (Math.abs(r) - 0.5 * delta), h = delta * Math.sign(r));
      const w1 = h * x1 / s, w2 = h * x2 / s;
      ga += w1, gb += w2, ge += h * x3 / s;
      gal -= w1 * logN[i], gbe -= w2 * logD[i];
    }
    grad[0] = ga, grad[1] = gb, grad[2] = ge, grad[3] = gal, grad[4] = gbe;
    return f;
  };
}

/**
 * Validates an Approach-3 config and fills defaults.
 *
 * @example
 * ```ts
 * resolveApproach3Config({ delta: 1e-3 }).grid; // Epoch's grid
 * ```
 */
export function resolveApproach3Config(cfg: Partial<Approach3Config> = {}): Approach3Config {
  checkKnownKeys(cfg, DEFAULT_APPROACH3_CONFIG, "approach3");
  const c: Approach3Config = { ...DEFAULT_APPROACH3_CONFIG, ...cfg };
  checkNumber(c, "delta", { min: 0, exclusiveMin: true });
  for (const k of ["a", "b", "e", "alpha", "beta"] as const) {
    const v = c.grid[k];
    if (!Array.isArray(v) || v.length === 0 || !v.every(Number.isFinite)) {
      throw new ConfigError(`grid.${k}`, "a non-empty array of finite numbers", v);
    }
  }
  return c;
}

/**
 * Every start of a grid, as θ = [a, b, e, α, β].
 *
 * @example
 * ```ts
 * approach3Starts(EPOCH_APPROACH3_GRID).length; // 4,500
 * ```
 */
export function approach3Starts(grid: Approach3Grid): number[][] {
  const out: number[][] = [];
  for (const a of grid.a) {
    for (const b of grid.b) {
      for (const e of grid.e) {
        for (const al of grid.alpha) for (const be of grid.beta) out.push([a, b, e, al, be]);
      }
    }
  }
  return out;
}

/**
 * Turns θ = [a, b, e, α, β] into the law's coefficients.
 *
 * @example
 * ```ts
 * approach3FromTheta([Math.log(406.4), Math.log(410.7), Math.log(1.69), 0.34, 0.28]).A; // 406.4
 * ```
 */
export function approach3FromTheta(
  theta: ArrayLike<number>,
  objective = NaN,
  starts = 1,
  converged = 1,
): Approach3Fit {
  const [la, lb, le, alpha, beta] = Array.from(theta);
  return {
    A: Math.exp(la),
    B: Math.exp(lb),
    E: Math.exp(le),
    alpha,
    beta,
    a: beta / (alpha + beta),
    b: alpha / (alpha + beta),
    theta: [la, lb, le, alpha, beta],
    objective,
    starts,
    converged,
  };
}

function checkPoints(points: ScalingPoints) {
  const m = points.loss.length;
  if (m < 5) throw new ConfigError("points", "at least 5 points (5 parameters)", m);
  if (points.n.length !== m || points.d.length !== m) {
    throw new ConfigError("points", "n, d and loss of equal length", [
      points.n.length,
      points.d.length,
      m,
    ]);
  }
  for (const k of ["n", "d", "loss"] as const) {
    points[k].forEach((v, i) => {
      if (!(v > 0 && Number.isFinite(v))) {
        throw new ConfigError(`points.${k}[${i}]`, "a positive number", v);
      }
    });
  }
}

/**
 * Fits the Chinchilla law to (N, D, loss) points with Epoch AI's Approach-3 procedure: L-BFGS
 * from every start of the grid, the lowest objective kept.
 *
 * @example
 * ```ts
 * import { dropHighestLoss, readScalingCsv } from "toolkit/scaling";
 * import { readFixture } from "toolkit/util";
 *
 * const pts = dropHighestLoss(readScalingCsv(await readFixture("chinchilla_fig4_points.csv")), 5);
 * const fit = fitChinchillaApproach3(pts); // ≈ Epoch's A 482, B 2085, E 1.817, α 0.348, β 0.366
 * ```
 */
export function fitChinchillaApproach3(
  points: ScalingPoints,
  cfg: Partial<Approach3Config> & { starts?: number[][] } = {},
): Approach3Fit {
  const { starts: explicit, ...rest } = cfg;
  const c = resolveApproach3Config(rest);
  checkPoints(points);
  const fn = approach3Objective(points, c.delta);
  const starts = explicit ?? approach3Starts(c.grid);
  let best: { x: Float64Array; f: number } | null = null;
  let converged = 0;
  for (const s of starts) {
    const g = new Float64Array(5);
    if (!Number.isFinite(fn(Float64Array.from(s), g))) continue;
    const r = minimizeLbfgs(fn, s, c.lbfgs);
    if (r.converged) converged++;
    if (Number.isFinite(r.f) && (!best || r.f < best.f)) best = { x: r.x, f: r.f };
  }
  if (!best) throw new RangeError("fitChinchillaApproach3: no start gave a finite objective");
  return approach3FromTheta(best.x, best.f, starts.length, converged);
}
