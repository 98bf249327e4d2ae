/**
 * Fits of the resource model: the log-log slope of loss against allocated neurons with a 95%
 * confidence interval — a t-interval over per-seed slopes when there are several seeds, a
 * bootstrap over points when there is one.
 *
 * @module
 */
import { fitLogLog } from "../numeric/fit.ts";
import { bootstrapInterval95, tInterval95 } from "../numeric/stats.ts";

/** One (seed, neurons, loss) observation. */
export interface SlopePoint {
  seed: number;
  neurons: number;
  loss: number;
}

/** A slope with its 95% interval and how the interval was made. */
export interface SlopeEstimate {
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
 * const e = slopeWithCi([{ seed: 0, neurons: 2, loss: 1 }, { seed: 0, neurons: 4, loss: 0.5 }, { seed: 0, neurons: 8, loss: 0.26 }]);
 * console.log(e.slope, e.ci);
 * ```
 */
export function slopeWithCi(
  data: SlopePoint[],
  opts: { minNeurons?: number; bootstrap?: number; seed?: number } = {},
): SlopeEstimate {
  const pts = data.filter((d) => d.neurons >= (opts.minNeurons ?? 1) && d.loss > 0);
  const bySeed = new Map<number, SlopePoint[]>();
  for (const p of pts) bySeed.set(p.seed, [...(bySeed.get(p.seed) ?? []), p]);
  const usable = [...bySeed.values()].filter((g) => new Set(g.map((p) => p.neurons)).size >= 2);
  const fit = (g: SlopePoint[]) => fitLogLog(g.map((p) => p.neurons), g.map((p) => p.loss)).slope;
  if (usable.length >= 2) {
    const t = tInterval95(usable.map(fit));
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
  const boot = bootstrapInterval95(pts, fit, {
    resamples: opts.bootstrap ?? 2000,
    seed: opts.seed ?? 0,
    accept: (sample) => new Set(sample.map((p) => p.neurons)).size >= 2,
  });
  return {
    slope: boot.estimate,
    ci: boot.ci,
    method: "bootstrap",
    points: pts.length,
    seeds: bySeed.size,
  };
}
