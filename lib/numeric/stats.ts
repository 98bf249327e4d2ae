/**
 * Small statistics shared across areas: median, Student-t interval, percentile bootstrap,
 * Pearson correlation.
 *
 * @module
 */
import { Rng } from "../util/rng.ts";

/**
 * Median of a list of numbers (the mean of the two middle values for an even count).
 *
 * @example
 * ```ts
 * median([3, 1, 2]); // 2
 * median([4, 1, 3, 2]); // 2.5
 * ```
 */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
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
 * tInterval95([-1.1, -0.9, -1.0]).ci; // ≈ [-1.25, -0.75]
 * ```
 */
export function tInterval95(values: number[]): { mean: number; ci: [number, number] } {
  const k = values.length, mean = values.reduce((a, b) => a + b, 0) / k;
  if (k < 2) return { mean, ci: [NaN, NaN] };
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (k - 1));
  const half = (T975[k - 2] ?? 1.96) * sd / Math.sqrt(k);
  return { mean, ci: [mean - half, mean + half] };
}

/**
 * Pearson correlation of two equal-length arrays (0 when either is constant).
 *
 * @example
 * ```ts
 * pearson([1, 2, 3], [2, 4, 7]); // ≈ 0.99
 * ```
 */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) (ma += a[i], mb += b[i]);
  ma /= n, mb /= n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i] - ma, db = b[i] - mb;
    sab += da * db, saa += da * da, sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

/**
 * A statistic with a 95% percentile-bootstrap interval: `resamples` draws of `data` with
 * replacement (seeded: the same call gives the same interval), the 2.5% and 97.5% quantiles of
 * the statistic over them. A draw that `accept` rejects (e.g. a regression sample with one
 * distinct x) is redrawn, up to 20× `resamples` tries. NaN interval when no draw is accepted.
 *
 * @example
 * ```ts
 * const b = bootstrapInterval95([1.9, 2.1, 2.0, 2.4, 1.8], (s) => s.reduce((a, v) => a + v, 0) / s.length);
 * console.log(b.estimate, b.ci); // 2.04, ≈ [1.9, 2.2]
 * ```
 */
export function bootstrapInterval95<T>(
  data: T[],
  statistic: (sample: T[]) => number,
  opts: { resamples?: number; seed?: number; accept?: (sample: T[]) => boolean } = {},
): { estimate: number; ci: [number, number]; draws: number } {
  const estimate = statistic(data);
  const rng = new Rng(opts.seed ?? 0);
  const B = opts.resamples ?? 2000;
  const draws: number[] = [];
  for (let b = 0, tries = 0; b < B && tries < 20 * B && data.length > 0; tries++) {
    const sample = data.map(() => data[rng.int(data.length)]);
    if (opts.accept && !opts.accept(sample)) continue;
    draws.push(statistic(sample));
    b++;
  }
  if (!draws.length) return { estimate, ci: [NaN, NaN], draws: 0 };
  draws.sort((a, b) => a - b);
  const q = (f: number) =>
    draws[Math.min(draws.length - 1, Math.max(0, Math.round(f * (draws.length - 1))))];
  return { estimate, ci: [q(0.025), q(0.975)], draws: draws.length };
}
