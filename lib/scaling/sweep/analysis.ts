/**
 * Analysis of the small-scale sweep (paper 2 §4): IsoFLOP profiles (loss versus model size at a
 * fixed compute), their minima from a parabola in log N (Chinchilla's Approach 2), and the
 * exponent a of N_opt ∝ C^a for total and for non-embedding counting.
 *
 * - **Total counting** (Chinchilla): the sweep's budgets are C_T = 6·N_T·D, so each budget's
 *   runs are an IsoFLOP profile as trained; its parabola in log N_T gives N_T,opt and
 *   D_opt = C_T / (6·N_T,opt).
 * - **Non-embedding counting** (Kaplan), two readings:
 *   1. *the same optima, counted Kaplan's way* (the `nonEmbedding` fit): N_\E,opt is the
 *      non-embedding size of the optimal model (interpolated in log–log between the sizes) and
 *      C_\E = 6·N_\E,opt·D_opt. Where N_T ≈ ω·N_\E^(1/3) this gives exactly the paper's
 *      small-scale exponent β/(β + α/3) when N_T,opt ∝ C_T^(β/(α+β)).
 *   2. *IsoFLOPs at fixed C_\E* (the `nonEmbeddingIsoFlop` fit, closer to Kaplan's procedure):
 *      the same runs sit at different C_\E per size (N_\E/N_T grows ~15× from the smallest
 *      to the largest model), so each size's final losses across budgets are interpolated
 *      linearly in log D (every point is a finished run with its own schedule) and profiles are
 *      built on a log grid of C_\E where at least `minSizes` sizes have data — no extrapolation.
 *      It needs wide token ranges per size; with few budgets most minima fall at an edge.
 *
 * @module
 */
import { choleskySolveInPlace } from "../../numeric/linalg.ts";
import { tInterval95 } from "../../numeric/stats.ts";
import { ConfigError } from "../../util/validate.ts";
import type { ParamCounting } from "../frontier.ts";
import { fitScalingPowerLaw, type ScalingPowerLawFit } from "../power_law.ts";

/** One finished run (or the seed-mean of several): its size, tokens and validation loss. */
export interface SweepPoint {
  /** Index of the model shape in the sweep's `sizes`. */
  size: number;
  nTotal: number;
  nNonEmbedding: number;
  /** Nominal budget C_T of the run. */
  budget: number;
  /** Tokens trained on (steps·B·T). */
  tokens: number;
  loss: number;
  /** Seed of the run (absent: one seed). Losses are averaged over seeds before the fits. */
  seed?: number;
}

/** A parabola L = c0 + c1·u + c2·u², u = ln N − center, and its minimum. */
export interface IsoFlopFit {
  /** N at the minimum: the vertex when `interior`, else the lowest-loss size. */
  nOpt: number;
  /** Loss there (the parabola's value at the vertex, or the lowest observed loss). */
  lossOpt: number;
  /** The parabola opens upwards and its vertex lies within the sizes' range. */
  interior: boolean;
  /** [c0, c1, c2] around `center` (= mean ln N). */
  coeffs: [number, number, number];
  center: number;
}

/**
 * Fits L = c0 + c1·u + c2·u² (u = ln N − mean ln N) by least squares to an IsoFLOP profile
 * and returns its minimum (needs ≥ 3 points with ≥ 3 distinct N).
 *
 * @example
 * ```ts
 * const n = [1e5, 3e5, 1e6, 3e6], loss = n.map((x) => 3 + 0.1 * Math.log(x / 5e5) ** 2);
 * isoFlopMinimum(n, loss).nOpt; // ≈ 5e5
 * ```
 */
export function isoFlopMinimum(n: ArrayLike<number>, loss: ArrayLike<number>): IsoFlopFit {
  if (n.length !== loss.length) {
    throw new ConfigError("loss", `${n.length} values (as many as n)`, loss.length);
  }
  if (new Set(Array.from(n)).size < 3) {
    throw new ConfigError("n", "at least 3 distinct sizes", n.length);
  }
  const x = Array.from(n, (v, i) => {
    if (!(v > 0)) throw new ConfigError(`n[${i}]`, "a positive number", v);
    if (!Number.isFinite(loss[i])) throw new ConfigError(`loss[${i}]`, "a finite number", loss[i]);
    return Math.log(v);
  });
  const center = x.reduce((a, b) => a + b, 0) / x.length;
  const A = new Float64Array(9), b = new Float64Array(3);
  x.forEach((xi, i) => {
    const u = xi - center, row = [1, u, u * u];
    for (let r = 0; r < 3; r++) {
      b[r] += row[r] * loss[i];
      for (let c = 0; c < 3; c++) A[r * 3 + c] += row[r] * row[c];
    }
  });
  choleskySolveInPlace(A, b, 3);
  const coeffs: [number, number, number] = [b[0], b[1], b[2]];
  const lo = Math.min(...x), hi = Math.max(...x);
  const uStar = coeffs[2] > 0 ? -coeffs[1] / (2 * coeffs[2]) : NaN;
  const interior = coeffs[2] > 0 && uStar + center >= lo && uStar + center <= hi;
  if (interior) {
    return {
      nOpt: Math.exp(center + uStar),
      lossOpt: coeffs[0] + coeffs[1] * uStar + coeffs[2] * uStar * uStar,
      interior,
      coeffs,
      center,
    };
  }
  let best = 0;
  for (let i = 1; i < x.length; i++) if (loss[i] < loss[best]) best = i;
  return { nOpt: n[best], lossOpt: loss[best], interior, coeffs, center };
}

/**
 * Evaluates an IsoFLOP parabola at N.
 *
 * @example
 * ```ts
 * import type { IsoFlopFit } from "toolkit/scaling";
 *
 * declare const fit: IsoFlopFit;
 * const loss = isoFlopParabola(fit, 1e7);
 * ```
 */
export function isoFlopParabola(fit: Pick<IsoFlopFit, "coeffs" | "center">, n: number): number {
  const u = Math.log(n) - fit.center;
  return fit.coeffs[0] + fit.coeffs[1] * u + fit.coeffs[2] * u * u;
}

/** A point of an IsoFLOP profile. */
export interface IsoFlopPoint {
  size: number;
  /** N in the profile's counting. */
  n: number;
  nTotal: number;
  nNonEmbedding: number;
  tokens: number;
  loss: number;
  /** True when the loss is interpolated between two runs of the size (non-embedding profiles). */
  interpolated: boolean;
}

/** One IsoFLOP profile and its minimum. */
export interface IsoFlopProfile {
  counting: ParamCounting;
  /** The compute of the profile in its counting (C_T or C_\E). */
  compute: number;
  points: IsoFlopPoint[];
  /** null when fewer than `minSizes` sizes have data. */
  fit: IsoFlopFit | null;
}

/** A compute-optimal point, with N in both countings. */
export interface SweepOptimum {
  /** Compute in the profile's counting (C_T for `total`, C_\E for `nonEmbedding`). */
  C: number;
  N_total: number;
  N_nonEmbedding: number;
  /** The same point's compute in the other counting: 6·N·D_opt with D_opt = C / (6·N). */
  C_total: number;
  C_nonEmbedding: number;
  loss: number;
  /** Vertex inside the sizes' range (only these enter the exponent fits). */
  interior: boolean;
  /** Sizes in the profile. */
  sizes: number;
}

/** What {@link analyzeSweep} returns. */
export interface SweepAnalysis {
  profiles: Record<ParamCounting, IsoFlopProfile[]>;
  optimal: Record<ParamCounting, SweepOptimum[]>;
  /** N_opt ∝ C^a fits through the interior optima (null with fewer than 2). */
  fits: {
    /** N_T,opt vs C_T. */
    total: ScalingPowerLawFit | null;
    /** The total-counting optima counted Kaplan's way: N_\E,opt vs C_\E = 6·N_\E,opt·D_opt. */
    nonEmbedding: ScalingPowerLawFit | null;
    /** Minima of IsoFLOP profiles at fixed C_\E (interpolated between runs). */
    nonEmbeddingIsoFlop: ScalingPowerLawFit | null;
  };
}

/**
 * Averages seeds, builds the IsoFLOP profiles of both countings, finds their minima and fits
 * N_opt ∝ C^a.
 *
 * @example
 * ```ts
 * declare const points: SweepPoint[];
 * const a = analyzeSweep(points, { minSizes: 3 });
 * console.log(a.fits.total?.exponent, a.fits.nonEmbedding?.exponent, a.fits.nonEmbeddingIsoFlop?.exponent);
 * ```
 */
export function analyzeSweep(
  points: SweepPoint[],
  opts: { minSizes?: number } = {},
): SweepAnalysis {
  const minSizes = opts.minSizes ?? 3;
  const mean = seedMeans(points);
  const sizes = [...new Set(mean.map((p) => p.size))].sort((a, b) => a - b).map((s) => {
    const runs = mean.filter((p) => p.size === s).sort((a, b) => a.tokens - b.tokens);
    return { size: s, nTotal: runs[0].nTotal, nNonEmbedding: runs[0].nNonEmbedding, runs };
  });
  const budgets = [...new Set(mean.map((p) => p.budget))].sort((a, b) => a - b);

  const total: IsoFlopProfile[] = budgets.map((C) => {
    const pts = mean.filter((p) => p.budget === C).map((p) =>
      asPoint(p, "total", p.tokens, p.loss, false)
    );
    return { counting: "total", compute: C, points: pts, fit: fitProfile(pts, minSizes) };
  });

  const nonEmbedding: IsoFlopProfile[] = nonEmbeddingGrid(sizes, budgets, minSizes).map((C) => {
    const pts: IsoFlopPoint[] = [];
    for (const s of sizes) {
      const d = C / (6 * s.nNonEmbedding);
      const l = interpolateLogD(s.runs, d);
      if (l) pts.push(asPoint(s.runs[0], "nonEmbedding", d, l.loss, l.interpolated));
    }
    return { counting: "nonEmbedding", compute: C, points: pts, fit: fitProfile(pts, minSizes) };
  });

  const byTotal = [...sizes].sort((a, b) => a.nTotal - b.nTotal);
  const byNonE = [...sizes].sort((a, b) => a.nNonEmbedding - b.nNonEmbedding);
  const nonEOf = (nT: number) =>
    logInterp(byTotal.map((s) => s.nTotal), byTotal.map((s) => s.nNonEmbedding), nT);
  const totalOf = (nE: number) =>
    logInterp(byNonE.map((s) => s.nNonEmbedding), byNonE.map((s) => s.nTotal), nE);
  const optimum = (p: IsoFlopProfile, nT: number, nE: number): SweepOptimum => {
    const tokens = p.compute / (6 * (p.counting === "total" ? nT : nE));
    return {
      C: p.compute,
      N_total: nT,
      N_nonEmbedding: nE,
      C_total: 6 * nT * tokens,
      C_nonEmbedding: 6 * nE * tokens,
      loss: p.fit!.lossOpt,
      interior: p.fit!.interior,
      sizes: p.points.length,
    };
  };
  const optimal: Record<ParamCounting, SweepOptimum[]> = {
    total: total.filter((p) => p.fit).map((p) => optimum(p, p.fit!.nOpt, nonEOf(p.fit!.nOpt))),
    nonEmbedding: nonEmbedding.filter((p) => p.fit).map((p) =>
      optimum(p, totalOf(p.fit!.nOpt), p.fit!.nOpt)
    ),
  };
  const inside = (rows: SweepOptimum[]) => rows.filter((r) => r.interior);
  const fit = (
    c: number[],
    n: number[],
  ) => (c.length >= 2 && new Set(c).size >= 2 ? fitScalingPowerLaw(c, n) : null);
  const t = inside(optimal.total), e = inside(optimal.nonEmbedding);
  return {
    profiles: { total, nonEmbedding },
    optimal,
    fits: {
      total: fit(t.map((r) => r.C_total), t.map((r) => r.N_total)),
      nonEmbedding: fit(t.map((r) => r.C_nonEmbedding), t.map((r) => r.N_nonEmbedding)),
      nonEmbeddingIsoFlop: fit(e.map((r) => r.C_nonEmbedding), e.map((r) => r.N_nonEmbedding)),
    },
  };
}

/** Mean loss (and tokens) over seeds for each (size, budget). */
function seedMeans(points: SweepPoint[]): SweepPoint[] {
  const groups = new Map<string, SweepPoint[]>();
  for (const p of points) {
    const k = `${p.size}:${p.budget}`;
    groups.set(k, [...(groups.get(k) ?? []), p]);
  }
  return [...groups.values()].map((g) => ({
    ...g[0],
    tokens: g.reduce((a, p) => a + p.tokens, 0) / g.length,
    loss: g.reduce((a, p) => a + p.loss, 0) / g.length,
  }));
}

function asPoint(
  p: SweepPoint,
  counting: ParamCounting,
  tokens: number,
  loss: number,
  interpolated: boolean,
): IsoFlopPoint {
  return {
    size: p.size,
    n: counting === "total" ? p.nTotal : p.nNonEmbedding,
    nTotal: p.nTotal,
    nNonEmbedding: p.nNonEmbedding,
    tokens,
    loss,
    interpolated,
  };
}

function fitProfile(pts: IsoFlopPoint[], minSizes: number): IsoFlopFit | null {
  if (new Set(pts.map((p) => p.n)).size < Math.max(3, minSizes)) return null;
  return isoFlopMinimum(pts.map((p) => p.n), pts.map((p) => p.loss));
}

const REL = 1e-9;

/** Loss of a size at D tokens, linear in ln D between its runs; null outside their range. */
function interpolateLogD(
  runs: SweepPoint[],
  d: number,
): { loss: number; interpolated: boolean } | null {
  const lo = runs[0].tokens, hi = runs[runs.length - 1].tokens;
  if (d < lo * (1 - REL) || d > hi * (1 + REL)) return null;
  for (let i = 0; i < runs.length; i++) {
    if (Math.abs(runs[i].tokens - d) <= REL * d) return { loss: runs[i].loss, interpolated: false };
  }
  const j = runs.findIndex((r) => r.tokens > d);
  const a = runs[j - 1], b = runs[j];
  const w = Math.log(d / a.tokens) / Math.log(b.tokens / a.tokens);
  return { loss: a.loss + w * (b.loss - a.loss), interpolated: true };
}

/**
 * The C_\E grid of the non-embedding profiles: log-spaced with the total budgets' mean ratio,
 * spanning the range where at least `minSizes` sizes have runs bracketing D = C_\E / (6·N_\E).
 */
function nonEmbeddingGrid(
  sizes: { nNonEmbedding: number; runs: SweepPoint[] }[],
  budgets: number[],
  minSizes: number,
): number[] {
  if (budgets.length < 2) return [];
  const ranges = sizes.map((s) => [
    6 * s.nNonEmbedding * s.runs[0].tokens,
    6 * s.nNonEmbedding * s.runs[s.runs.length - 1].tokens,
  ]);
  const covered = (c: number) =>
    ranges.filter(([lo, hi]) => c >= lo * (1 - REL) && c <= hi * (1 + REL)).length;
  const feasible = ranges.flat().filter((c) => covered(c) >= minSizes).sort((a, b) => a - b);
  if (!feasible.length) return [];
  const lo = feasible[0], hi = feasible[feasible.length - 1];
  const ratio = Math.exp(Math.log(budgets[budgets.length - 1] / budgets[0]) / (budgets.length - 1));
  const m = Math.max(1, Math.round(Math.log(hi / lo) / Math.log(ratio))) + 1;
  const grid = Array.from({ length: m }, (_, i) => lo * (hi / lo) ** (m === 1 ? 0 : i / (m - 1)));
  return grid.filter((c) => covered(c) >= minSizes);
}

/** Piecewise-linear interpolation of ln y against ln x (clamped at the ends). */
function logInterp(xs: number[], ys: number[], x: number): number {
  if (x <= xs[0]) return ys[0];
  if (x >= xs[xs.length - 1]) return ys[ys.length - 1];
  const j = xs.findIndex((v) => v > x);
  const w = Math.log(x / xs[j - 1]) / Math.log(xs[j] / xs[j - 1]);
  return Math.exp(Math.log(ys[j - 1]) + w * Math.log(ys[j] / ys[j - 1]));
}

/** The exponents with one model size left out (see {@link sizeJackknife}). */
export interface SweepJackknifeRow {
  /** Index of the size left out. */
  dropped: number;
  total: number | null;
  nonEmbedding: number | null;
}

/**
 * Leave-one-size-out exponents: {@link analyzeSweep} again without each size in turn. With a
 * handful of sizes and budgets (one seed) the fitted exponents rest on few interior minima;
 * their spread here is a cheap measure of how much one size moves them.
 *
 * @example
 * ```ts
 * declare const points: SweepPoint[];
 * const rows = sizeJackknife(points);
 * console.log(Math.min(...rows.map((r) => r.total ?? Infinity)));
 * ```
 */
export function sizeJackknife(
  points: SweepPoint[],
  opts: { minSizes?: number } = {},
): SweepJackknifeRow[] {
  const sizes = [...new Set(points.map((p) => p.size))].sort((a, b) => a - b);
  return sizes.map((dropped) => {
    const a = analyzeSweep(points.filter((p) => p.size !== dropped), opts);
    return {
      dropped,
      total: a.fits.total?.exponent ?? null,
      nonEmbedding: a.fits.nonEmbedding?.exponent ?? null,
    };
  });
}

/** Tokens per parameter and passes over the training text of one compute-optimal point. */
export interface SweepOptimumTokens {
  /** Budget C_T (FLOP, total counting). */
  C: number;
  /** N_T,opt (the IsoFLOP vertex, or the fitted law's value when `extrapolated`). */
  N_total: number;
  /** N_\E of the same optimum (null for an extrapolation: the grid's shapes are not known). */
  N_nonEmbedding: number | null;
  /** D_opt = C_T / (6·N_T,opt) tokens. */
  D: number;
  /** D_opt / N_T,opt (Chinchilla: ≈20). */
  tokensPerParam: number;
  /** D_opt / training tokens: how many times the optimum reads the training text. */
  epochs: number;
  /** Vertex inside the sizes (false: an edge, so N_T,opt is only a bound). */
  interior: boolean;
  /** From the fitted N_T,opt ∝ C_T^a law beyond (or between) the trained budgets. */
  extrapolated: boolean;
}

/**
 * Tokens per parameter and corpus epochs of each total-counting optimum:
 * D_opt = C_T / (6·N_T,opt), D/N_T, and D_opt / `trainTokens`.
 *
 * @example
 * ```ts
 * declare const points: SweepPoint[];
 * const rows = optimumTokens(analyzeSweep(points).optimal.total, 1_205_975);
 * console.log(rows.map((r) => r.tokensPerParam.toFixed(2)));
 * ```
 */
export function optimumTokens(
  optima: readonly SweepOptimum[],
  trainTokens: number,
): SweepOptimumTokens[] {
  if (!(trainTokens > 0)) throw new ConfigError("trainTokens", "a token count > 0", trainTokens);
  return optima.map((o) => {
    const D = o.C_total / (6 * o.N_total);
    return {
      C: o.C_total,
      N_total: o.N_total,
      N_nonEmbedding: o.N_nonEmbedding,
      D,
      tokensPerParam: D / o.N_total,
      epochs: D / trainTokens,
      interior: o.interior,
      extrapolated: false,
    };
  });
}

/**
 * The same quantities for budgets not trained, from a fitted law N_T,opt = k·C_T^a (an
 * extrapolation: it assumes the law holds out there, and at a fixed corpus it ignores that
 * repeated data is worth less than fresh data).
 *
 * @example
 * ```ts
 * // our cpu-wide fit, at the gpu preset's largest budget, on Brown's 1.21M training tokens
 * const [r] = plannedOptimumTokens({ coefficient: 14.39, exponent: 0.372 }, [1e14], 1_205_975);
 * console.log(r.N_total, r.tokensPerParam, r.epochs); // ≈2.4M, ≈3, ≈6
 * ```
 */
export function plannedOptimumTokens(
  law: Pick<ScalingPowerLawFit, "coefficient" | "exponent">,
  budgets: readonly number[],
  trainTokens: number,
): SweepOptimumTokens[] {
  if (!(trainTokens > 0)) throw new ConfigError("trainTokens", "a token count > 0", trainTokens);
  return budgets.map((C) => {
    const N = law.coefficient * C ** law.exponent, D = C / (6 * N);
    return {
      C,
      N_total: N,
      N_nonEmbedding: null,
      D,
      tokensPerParam: D / N,
      epochs: D / trainTokens,
      interior: true,
      extrapolated: true,
    };
  });
}

/** The exponents fitted to one seed's runs alone. */
export interface SweepSeedFit {
  seed: number;
  /** Runs of this seed. */
  runs: number;
  /** Interior IsoFLOP minima of this seed. */
  interior: number;
  total: number | null;
  nonEmbedding: number | null;
}

/** Mean, spread and 95% t-interval of one exponent over seeds. */
export interface SeedInterval {
  /** Seeds with a fit. */
  n: number;
  mean: number;
  /** Sample standard deviation over seeds. */
  sd: number;
  /** Student-t 95% interval of the mean (wide with few seeds: t = 12.7 for 2). */
  ci: [number, number];
  min: number;
  max: number;
}

/** What {@link seedIntervals} returns. */
export interface SweepSeedIntervals {
  /** Every seed's own fits, by seed. */
  perSeed: SweepSeedFit[];
  /** null when fewer than 2 seeds have a fit. */
  total: SeedInterval | null;
  nonEmbedding: SeedInterval | null;
}

/**
 * Seed intervals of the exponents: {@link analyzeSweep} on each seed's runs alone, then the
 * mean, standard deviation and 95% t-interval over seeds (null with fewer than 2 seeds that
 * have ≥ 2 interior minima). The headline exponents fit the seed-mean losses; these say how
 * much they would move with another draw of initialisation and data order. Points without a
 * `seed` count as seed 0.
 *
 * @example
 * ```ts
 * declare const points: SweepPoint[]; // runs of seeds 0, 1, 2
 * const s = seedIntervals(points);
 * console.log(s.perSeed.map((r) => r.total), s.total?.ci);
 * ```
 */
export function seedIntervals(
  points: SweepPoint[],
  opts: { minSizes?: number } = {},
): SweepSeedIntervals {
  const seeds = [...new Set(points.map((p) => p.seed ?? 0))].sort((a, b) => a - b);
  const perSeed = seeds.map((seed) => {
    const mine = points.filter((p) => (p.seed ?? 0) === seed);
    const a = analyzeSweep(mine, opts);
    return {
      seed,
      runs: mine.length,
      interior: a.optimal.total.filter((o) => o.interior).length,
      total: a.fits.total?.exponent ?? null,
      nonEmbedding: a.fits.nonEmbedding?.exponent ?? null,
    };
  });
  const interval = (k: "total" | "nonEmbedding"): SeedInterval | null => {
    const xs = perSeed.map((r) => r[k]).filter((x): x is number => x !== null);
    if (xs.length < 2) return null;
    const { mean, ci } = tInterval95(xs);
    const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1));
    return { n: xs.length, mean, sd, ci, min: Math.min(...xs), max: Math.max(...xs) };
  };
  return { perSeed, total: interval("total"), nonEmbedding: interval("nonEmbedding") };
}
