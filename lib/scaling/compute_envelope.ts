/**
 * A non-parametric check on real data: the lowest-loss run in each compute bin (the empirical
 * lower envelope), and a power law N_opt ∝ C^a fitted through those runs. Cruder than
 * Chinchilla's Approaches 1–2 (which need whole training curves or IsoFLOP sweeps), but it
 * needs only (N, D, loss) points.
 *
 * @module
 */
import { checkNumber } from "../util/validate.ts";
import type { ScalingPoints } from "./data.ts";
import { fitScalingPowerLaw, type ScalingPowerLawFit } from "./power_law.ts";

/** One run on the envelope. */
export interface EnvelopePoint {
  compute: number;
  n: number;
  d: number;
  loss: number;
}

/**
 * The lowest-loss run per log10-compute bin (C = 6·N·D) and a power law N ∝ C^a through them
 * (NaN numbers when the points fall in fewer than two bins).
 *
 * @example
 * ```ts
 * import type { ScalingPoints } from "toolkit/scaling";
 *
 * declare const points: ScalingPoints;
 * const env = computeEnvelopeFit(points, { binDecades: 0.25 }); // env.fit.exponent ≈ 0.5 on Chinchilla's points
 * ```
 */
export function computeEnvelopeFit(
  points: ScalingPoints,
  opts: { binDecades?: number } = {},
): { points: EnvelopePoint[]; fit: ScalingPowerLawFit } {
  const o = { binDecades: opts.binDecades ?? 0.25 };
  checkNumber(o, "binDecades", { min: 0, exclusiveMin: true });
  const best = new Map<number, number>();
  points.n.forEach((n, i) => {
    const bin = Math.round(Math.log10(6 * n * points.d[i]) / o.binDecades);
    const j = best.get(bin);
    if (j === undefined || points.loss[i] < points.loss[j]) best.set(bin, i);
  });
  const env = [...best.entries()].sort((a, b) => a[0] - b[0]).map(([, i]) => ({
    compute: 6 * points.n[i] * points.d[i],
    n: points.n[i],
    d: points.d[i],
    loss: points.loss[i],
  }));
  // Fewer than two compute bins (a handful of runs at one budget): no line to fit, and no
  // reason to fail the rest of a dataset fit; the exponent is NaN (null in JSON).
  if (env.length < 2) {
    return {
      points: env,
      fit: { exponent: NaN, coefficient: NaN, intercept: NaN, r2: NaN, n: env.length },
    };
  }
  return { points: env, fit: fitScalingPowerLaw(env.map((p) => p.compute), env.map((p) => p.n)) };
}
