/**
 * L-BFGS (limited-memory BFGS) with a strong-Wolfe line search, for the small smooth problems of
 * scaling-law fitting (5 parameters, a few hundred points).
 *
 * Hand-written because no maintained npm package fits: `optimization-js` 1.5.0 has an L-BFGS
 * without a line search (its first step goes *up* the gradient, steps that raise the loss are
 * accepted, there is no iteration cap) and ships browserify/jsdoc/travis as runtime
 * dependencies; `fmin` 0.0.4 has no L-BFGS (conjugate gradient only, unchanged since 2016);
 * `ml-levenberg-marquardt` only does least squares, not the Huber objective. The algorithm
 * follows Nocedal & Wright, *Numerical Optimization* (2nd ed.): Algorithm 7.4 (two-loop
 * recursion), Algorithms 3.5/3.6 (strong-Wolfe line search with cubic interpolation in zoom).
 * Tested on Rosenbrock in `tests/numeric/lbfgs_test.ts`.
 *
 * @module
 */
import { checkKnownKeys, checkNumber, checkPositiveInt } from "../util/validate.ts";

/**
 * An objective: returns f(x) and writes ∇f(x) into `grad` (same length as `x`).
 */
export type LbfgsObjective = (x: Float64Array, grad: Float64Array) => number;

/** Options of {@link minimizeLbfgs}. */
export interface LbfgsOptions {
  /** Correction pairs kept (default 10, as scipy's L-BFGS-B `maxcor`). */
  memory: number;
  /** Iteration cap (default 1000). */
  maxIterations: number;
  /** Stop when max |∇f| ≤ this (default 1e-8; scipy's `gtol` is 1e-5). */
  gradTol: number;
  /**
   * Stop when (f_prev − f) / max(|f_prev|, |f|, 1) ≤ this (default 1e-13; scipy's `ftol` is
   * 2.2e-9). Tighter than scipy because the Huber objectives here are small numbers (~1e-2).
   */
  fTol: number;
  /** Sufficient-decrease constant of the Wolfe conditions (default 1e-4). */
  c1: number;
  /** Curvature constant of the Wolfe conditions (default 0.9, the usual quasi-Newton value). */
  c2: number;
  /** Function evaluations allowed per line search (default 40). */
  maxLineSearch: number;
}

/**
 * Defaults of {@link LbfgsOptions}.
 *
 * @example
 * ```ts
 * const f = (x: Float64Array, g: Float64Array) => (g[0] = 2 * (x[0] - 3), (x[0] - 3) ** 2);
 * minimizeLbfgs(f, new Float64Array([0]), { ...DEFAULT_LBFGS_OPTIONS, memory: 5 });
 * ```
 */
export const DEFAULT_LBFGS_OPTIONS: LbfgsOptions = {
  memory: 10,
  maxIterations: 1000,
  gradTol: 1e-8,
  fTol: 1e-13,
  c1: 1e-4,
  c2: 0.9,
  maxLineSearch: 40,
};

/** What {@link minimizeLbfgs} returns. */
export interface LbfgsResult {
  x: Float64Array;
  f: number;
  /** max |∇f| at `x`. */
  gradInf: number;
  iterations: number;
  evaluations: number;
  /** True when a tolerance was met (not when the iteration cap or a line-search failure ended it). */
  converged: boolean;
  message: "gradient tolerance" | "function tolerance" | "iteration cap" | "line search failed";
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function infNorm(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** Minimiser of the cubic through (a, fa, da), (b, fb, db), or NaN when it has none. */
function cubicMin(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const d1 = da + db - 3 * (fa - fb) / (a - b);
  const rad = d1 * d1 - da * db;
  if (!(rad >= 0)) return NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(rad);
  return b - (b - a) * (db + d2 - d1) / (db - da + 2 * d2);
}

interface Trial {
  alpha: number;
  f: number;
  d: number;
  x: Float64Array;
  g: Float64Array;
}

/**
 * Strong-Wolfe line search along `dir` from `x` (Nocedal & Wright, Algorithms 3.5 and 3.6).
 * Returns the accepted trial, or null when none was found within `maxLineSearch` evaluations.
 */
function wolfeSearch(
  fn: LbfgsObjective,
  x: Float64Array,
  f0: number,
  d0: number,
  dir: Float64Array,
  alpha1: number,
  o: LbfgsOptions,
  count: { evals: number },
): Trial | null {
  const n = x.length;
  const evalAt = (alpha: number): Trial => {
    const xt = new Float64Array(n);
    for (let i = 0; i < n; i++) xt[i] = x[i] + alpha * dir[i];
    const g = new Float64Array(n);
    const f = fn(xt, g);
    count.evals++;
    return { alpha, f: Number.isFinite(f) ? f : Infinity, d: dot(g, dir), x: xt, g };
  };
  const armijoFails = (t: Trial) => t.f > f0 + o.c1 * t.alpha * d0;
  const curvatureOk = (t: Trial) => Number.isFinite(t.f) && Math.abs(t.d) <= -o.c2 * d0;
  let evals = 0;

  const zoom = (lo: Trial, hi: Trial): Trial | null => {
    while (evals < o.maxLineSearch) {
      const width = hi.alpha - lo.alpha;
      let a = Number.isFinite(hi.f) ? cubicMin(lo.alpha, lo.f, lo.d, hi.alpha, hi.f, hi.d) : NaN;
      const lower = Math.min(lo.alpha, hi.alpha), upper = Math.max(lo.alpha, hi.alpha);
      const margin = 0.1 * Math.abs(width);
      if (!Number.isFinite(a) || a < lower + margin || a > upper - margin) a = lo.alpha + width / 2;
      const t = evalAt(a);
      evals++;
      if (armijoFails(t) || t.f >= lo.f) hi = t;
      else {
        if (curvatureOk(t)) return t;
        if (t.d * (hi.alpha - lo.alpha) >= 0) hi = lo;
        lo = t;
      }
      if (Math.abs(hi.alpha - lo.alpha) < 1e-16 * Math.max(1, Math.abs(lo.alpha))) break;
    }
    // Out of evaluations: a point with sufficient decrease is still progress.
    return lo.alpha > 0 && lo.f < f0 ? lo : null;
  };

  let prev: Trial = { alpha: 0, f: f0, d: d0, x, g: new Float64Array(n) };
  let alpha = alpha1;
  for (let i = 0; evals < o.maxLineSearch; i++) {
    const t = evalAt(alpha);
    evals++;
    if (armijoFails(t) || (i > 0 && t.f >= prev.f)) return zoom(prev, t);
    if (curvatureOk(t)) return t;
    if (t.d >= 0) return zoom(t, prev);
    prev = t;
    alpha *= 2;
  }
  return null;
}

/**
 * Minimises a smooth function with L-BFGS and a strong-Wolfe line search.
 *
 * @example
 * ```ts
 * // f(x, y) = (x − 1)² + 10 (y + 2)²
 * const r = minimizeLbfgs((x, g) => {
 *   g[0] = 2 * (x[0] - 1); g[1] = 20 * (x[1] + 2);
 *   return (x[0] - 1) ** 2 + 10 * (x[1] + 2) ** 2;
 * }, [0, 0]);
 * console.log(r.x); // ≈ [1, −2]
 * ```
 */
export function minimizeLbfgs(
  fn: LbfgsObjective,
  x0: ArrayLike<number>,
  options: Partial<LbfgsOptions> = {},
): LbfgsResult {
  const o = lbfgsOptions(options);
  const n = x0.length;
  let x: Float64Array = Float64Array.from(x0);
  let g: Float64Array = new Float64Array(n);
  const count = { evals: 1 };
  let f = fn(x, g);
  if (!Number.isFinite(f)) throw new RangeError(`minimizeLbfgs: f(x0) is ${f}`);
  const S: Float64Array[] = [], Y: Float64Array[] = [], rho: number[] = [];
  const dir = new Float64Array(n);
  const alphas = new Float64Array(o.memory);
  let message: LbfgsResult["message"] = "iteration cap";
  let iter = 0;
  if (infNorm(g) <= o.gradTol) message = "gradient tolerance";
  else {
    for (; iter < o.maxIterations; iter++) {
      twoLoopDirection(g, { S, Y, rho }, alphas, dir);
      let d0 = dot(g, dir);
      if (!(d0 < 0)) {
        // Not a descent direction (lost curvature information): restart from steepest descent.
        S.length = Y.length = rho.length = 0;
        for (let i = 0; i < n; i++) dir[i] = -g[i];
        d0 = dot(g, dir);
      }
      const alpha1 = S.length === 0 ? Math.min(1, 1 / infNorm(g)) : 1;
      let t = wolfeSearch(fn, x, f, d0, dir, alpha1, o, count);
      if (!t && S.length > 0) {
        S.length = Y.length = rho.length = 0;
        for (let i = 0; i < n; i++) dir[i] = -g[i];
        t = wolfeSearch(fn, x, f, dot(g, dir), dir, Math.min(1, 1 / infNorm(g)), o, count);
      }
      if (!t) {
        message = "line search failed";
        break;
      }
      const s = new Float64Array(n), y = new Float64Array(n);
      for (let i = 0; i < n; i++) (s[i] = t.x[i] - x[i], y[i] = t.g[i] - g[i]);
      const sy = dot(s, y);
      if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
        S.push(s), Y.push(y), rho.push(1 / sy);
        if (S.length > o.memory) (S.shift(), Y.shift(), rho.shift());
      }
      const fPrev = f;
      x = t.x, g = t.g, f = t.f;
      if (infNorm(g) <= o.gradTol) {
        message = "gradient tolerance";
        iter++;
        break;
      }
      if ((fPrev - f) / Math.max(Math.abs(fPrev), Math.abs(f), 1) <= o.fTol) {
        message = "function tolerance";
        iter++;
        break;
      }
    }
  }
  return {
    x,
    f,
    gradInf: infNorm(g),
    iterations: iter,
    evaluations: count.evals,
    converged: message === "gradient tolerance" || message === "function tolerance",
    message,
  };
}

/** The options with defaults filled, each checked (a bad one throws `ConfigError`). */
function lbfgsOptions(options: Partial<LbfgsOptions>): LbfgsOptions {
  checkKnownKeys(options, DEFAULT_LBFGS_OPTIONS, "lbfgs");
  const o: LbfgsOptions = { ...DEFAULT_LBFGS_OPTIONS, ...options };
  checkPositiveInt(o, "memory");
  checkPositiveInt(o, "maxIterations");
  checkPositiveInt(o, "maxLineSearch");
  checkNumber(o, "gradTol", { min: 0 });
  checkNumber(o, "fTol", { min: 0 });
  checkNumber(o, "c1", { min: 0, max: 1, exclusiveMin: true });
  checkNumber(o, "c2", { min: o.c1, max: 1, exclusiveMin: true });
  return o;
}

/**
 * The two-loop recursion (Nocedal & Wright, Algorithm 7.4): writes dir = −H·g for the inverse
 * Hessian H of the stored correction pairs (s_k, y_k, ρ_k = 1/yᵀs), scaled by γ = sᵀy/yᵀy of the
 * newest pair. `alphas` is scratch space of at least the memory's length.
 */
function twoLoopDirection(
  g: Float64Array,
  { S, Y, rho }: { S: Float64Array[]; Y: Float64Array[]; rho: number[] },
  alphas: Float64Array,
  dir: Float64Array,
) {
  const n = g.length;
  for (let i = 0; i < n; i++) dir[i] = g[i];
  for (let k = S.length - 1; k >= 0; k--) {
    alphas[k] = rho[k] * dot(S[k], dir);
    for (let i = 0; i < n; i++) dir[i] -= alphas[k] * Y[k][i];
  }
  const last = S.length - 1;
  const gamma = last >= 0 ? dot(S[last], Y[last]) / dot(Y[last], Y[last]) : 1;
  for (let i = 0; i < n; i++) dir[i] *= gamma;
  for (let k = 0; k < S.length; k++) {
    const b = rho[k] * dot(Y[k], dir);
    for (let i = 0; i < n; i++) dir[i] += (alphas[k] - b) * S[k][i];
  }
  for (let i = 0; i < n; i++) dir[i] = -dir[i];
}
