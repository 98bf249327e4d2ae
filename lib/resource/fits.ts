/**
 * Fits of the resource model: the log-log slope of loss against allocated neurons with a 95%
 * confidence interval — a t-interval over per-seed slopes when there are several seeds, a
 * bootstrap over points when there is one.
 *
 * @module
 */
import { Rng } from "../util/rng.ts";
import { ConfigError } from "../util/validate.ts";

/** An ordinary least-squares line. */
export interface ResourceLineFit {
  slope: number;
  intercept: number;
  /** Coefficient of determination. */
  r2: number;
  n: number;
}

/**
 * Least-squares line through (log x, log y) — a power law y = e^intercept · x^slope. Non-positive
 * values are rejected (`ConfigError`), and fewer than two distinct x give a NaN slope.
 *
 * @example
 * ```ts
 * resourceLogLogFit([1, 2, 4], [1, 0.5, 0.25]).slope; // -1
 * ```
 */
export function resourceLogLogFit(x: ArrayLike<number>, y: ArrayLike<number>): ResourceLineFit {
  if (x.length !== y.length) throw new ConfigError("y.length", `${x.length} (as x)`, y.length);
  const lx: number[] = [], ly: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (!(x[i] > 0) || !(y[i] > 0)) {
      throw new ConfigError(`point ${i}`, "positive x and y", [x[i], y[i]]);
    }
    lx.push(Math.log(x[i]));
    ly.push(Math.log(y[i]));
  }
  return resourceLineFit(lx, ly);
}

/** Least-squares line y = intercept + slope·x. */
export function resourceLineFit(x: number[], y: number[]): ResourceLineFit {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n, my = y.reduce((s, v) => s + v, 0) / n;
  let sxx = 0, sxy = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i] - mx) ** 2;
    sxy += (x[i] - mx) * (y[i] - my);
    syy += (y[i] - my) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : NaN;
  return {
    slope,
    intercept: my - slope * mx,
    r2: syy > 0 && sxx > 0 ? (sxy * sxy) / (sxx * syy) : NaN,
    n,
  };
}

// Two-sided 95% quantiles of Student's t for 1…30 degrees of freedom.
const T975 = [
  12.706,
  4.303,
  3.182,
  2.776,
  2.571,
  2.447,
  2.365,
  2.306,
  2.262,
  2.228,
  2.201,
  2.179,
  2.160,
  2.145,
  2.131,
  2.120,
  2.110,
  2.101,
  2.093,
  2.086,
  2.080,
  2.074,
  2.069,
  2.064,
  2.060,
  2.056,
  2.052,
  2.048,
  2.045,
  2.042,
];

/**
 * Mean of independent estimates with a 95% Student-t interval (NaN interval for fewer than 2).
 *
 * @example
 * ```ts
 * resourceTInterval([-1.1, -0.9, -1.0]).ci; // ≈ [-1.25, -0.75]
 * ```
 */
export function resourceTInterval(values: number[]): { mean: number; ci: [number, number] } {
  const k = values.length, mean = values.reduce((a, b) => a + b, 0) / k;
  if (k < 2) return { mean, ci: [NaN, NaN] };
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (k - 1));
  const half = (T975[k - 2] ?? 1.96) * sd / Math.sqrt(k);
  return { mean, ci: [mean - half, mean + half] };
}

/** One (seed, neurons, loss) observation. */
export interface ResourceSlopePoint {
  seed: number;
  neurons: number;
  loss: number;
}

/** A slope with its 95% interval and how the interval was made. */
export interface ResourceSlopeEstimate {
  slope: number;
  ci: [number, number];
  method: "seeds" | "bootstrap";
  /** Points used (after `minNeurons`) and seeds. */
  points: number;
  seeds: number;
}

/**
 * Slope of log loss against log allocated neurons, with a 95% interval.
 *
 * Several seeds (each with ≥ 2 distinct neuron counts): the mean of the per-seed slopes and a
 * Student-t interval. One seed: the least-squares slope and a percentile bootstrap over points
 * (`bootstrap` resamples, seeded by `seed`; resamples with one distinct x are redrawn).
 * `minNeurons` drops points below that many neurons (default 1: all).
 *
 * @example
 * ```ts
 * const e = resourceSlopeCi([{ seed: 0, neurons: 2, loss: 1 }, { seed: 0, neurons: 4, loss: 0.5 }, { seed: 0, neurons: 8, loss: 0.26 }]);
 * console.log(e.slope, e.ci);
 * ```
 */
export function resourceSlopeCi(
  data: ResourceSlopePoint[],
  opts: { minNeurons?: number; bootstrap?: number; seed?: number } = {},
): ResourceSlopeEstimate {
  const pts = data.filter((d) => d.neurons >= (opts.minNeurons ?? 1) && d.loss > 0);
  const bySeed = new Map<number, ResourceSlopePoint[]>();
  for (const p of pts) bySeed.set(p.seed, [...(bySeed.get(p.seed) ?? []), p]);
  const usable = [...bySeed.values()].filter((g) => new Set(g.map((p) => p.neurons)).size >= 2);
  const fit = (g: ResourceSlopePoint[]) =>
    resourceLogLogFit(g.map((p) => p.neurons), g.map((p) => p.loss)).slope;
  if (usable.length >= 2) {
    const t = resourceTInterval(usable.map(fit));
    return { slope: t.mean, ci: t.ci, method: "seeds", points: pts.length, seeds: usable.length };
  }
  if (new Set(pts.map((p) => p.neurons)).size < 2) {
    return {
      slope: NaN,
      ci: [NaN, NaN],
      method: "bootstrap",
      points: pts.length,
      seeds: bySeed.size,
    };
  }
  const slope = fit(pts);
  const rng = new Rng(opts.seed ?? 0);
  const B = opts.bootstrap ?? 2000;
  const draws: number[] = [];
  for (let b = 0, tries = 0; b < B && tries < 20 * B; tries++) {
    const sample = pts.map(() => pts[rng.int(pts.length)]);
    if (new Set(sample.map((p) => p.neurons)).size < 2) continue;
    draws.push(fit(sample));
    b++;
  }
  draws.sort((a, b) => a - b);
  const q = (f: number) =>
    draws[Math.min(draws.length - 1, Math.max(0, Math.round(f * (draws.length - 1))))];
  return {
    slope,
    ci: [q(0.025), q(0.975)],
    method: "bootstrap",
    points: pts.length,
    seeds: bySeed.size,
  };
}
