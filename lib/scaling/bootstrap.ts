/**
 * Bootstrap uncertainty for the Approach-3 fit: resample the points with replacement, refit,
 * and report percentile intervals and standard errors of A, B, E, α, β and a = β/(α+β).
 *
 * @module
 */
import { Rng } from "../util/rng.ts";
import { checkKnownKeys, checkNumber, checkOneOf, checkPositiveInt } from "../util/validate.ts";
import type { ScalingPoints } from "./data.ts";
import { type Approach3Config, type Approach3Fit, fitChinchillaApproach3 } from "./fit.ts";

/** Configuration of {@link bootstrapChinchillaApproach3}. */
export interface Approach3BootstrapConfig {
  /** Resamples (default 200; Epoch AI used thousands — the `paper` preset uses 1,000). */
  samples: number;
  /** Central interval level (default 0.95). */
  level: number;
  /** Seed of the resampling `Rng` (default 0). */
  seed: number;
  /**
   * Starting points of each refit: "warm" = the full-data optimum only (default; each refit
   * then costs ~1 ms) or "grid" = the fit config's whole grid (Epoch-style, ~10 s a refit).
   */
  starts: "warm" | "grid";
}

/**
 * Defaults of {@link Approach3BootstrapConfig}.
 *
 * @example
 * ```ts
 * import type { Approach3Fit, ScalingPoints } from "toolkit/scaling";
 *
 * declare const points: ScalingPoints, full: Approach3Fit;
 * bootstrapChinchillaApproach3(points, full, { ...DEFAULT_APPROACH3_BOOTSTRAP, samples: 50 });
 * ```
 */
export const DEFAULT_APPROACH3_BOOTSTRAP: Approach3BootstrapConfig = {
  samples: 200,
  level: 0.95,
  seed: 0,
  starts: "warm",
};

/**
 * The quantities the bootstrap summarises.
 *
 * @example
 * ```ts
 * declare const bs: Approach3Bootstrap;
 * for (const q of APPROACH3_QUANTITIES) console.log(q, bs.ci[q]);
 * ```
 */
export const APPROACH3_QUANTITIES = ["A", "B", "E", "alpha", "beta", "a"] as const;
/** One of {@link APPROACH3_QUANTITIES}. */
export type Approach3Quantity = typeof APPROACH3_QUANTITIES[number];

/** Bootstrap summary: a [lo, hi] interval and a standard error per quantity. */
export interface Approach3Bootstrap {
  level: number;
  samples: number;
  ci: Record<Approach3Quantity, [number, number]>;
  se: Record<Approach3Quantity, number>;
  /** Every refit's values, for histograms. */
  draws: Record<Approach3Quantity, number[]>;
}

function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Bootstraps the Approach-3 fit: `samples` resamples of the points (with replacement, drawn
 * from a seeded `Rng`), each refitted; percentile intervals at `level` and standard errors.
 * `hooks.onSample` is called after each refit (for a progress line).
 *
 * @example
 * ```ts
 * import { fitChinchillaApproach3, type ScalingPoints } from "toolkit/scaling";
 *
 * declare const points: ScalingPoints;
 * const full = fitChinchillaApproach3(points);
 * const bs = bootstrapChinchillaApproach3(points, full, { samples: 100 });
 * console.log(bs.ci.alpha); // e.g. [0.31, 0.39]
 * ```
 */
export function bootstrapChinchillaApproach3(
  points: ScalingPoints,
  full: Approach3Fit,
  cfg: Partial<Approach3BootstrapConfig> & { fit?: Partial<Approach3Config> } = {},
  hooks: { onSample?: (done: number, total: number) => void } = {},
): Approach3Bootstrap {
  const { fit: fitCfg = {}, ...rest } = cfg;
  checkKnownKeys(rest, DEFAULT_APPROACH3_BOOTSTRAP, "bootstrap");
  const c: Approach3BootstrapConfig = { ...DEFAULT_APPROACH3_BOOTSTRAP, ...rest };
  checkPositiveInt(c, "samples", { min: 2 });
  checkNumber(c, "level", { min: 0, max: 1, exclusiveMin: true });
  checkNumber(c, "seed");
  checkOneOf(c, "starts", ["warm", "grid"]);
  const rng = new Rng(c.seed);
  const m = points.loss.length;
  const draws = Object.fromEntries(APPROACH3_QUANTITIES.map((q) => [q, [] as number[]])) as Record<
    Approach3Quantity,
    number[]
  >;
  for (let s = 0; s < c.samples; s++) {
    const idx = Array.from({ length: m }, () => rng.int(m));
    const sample: ScalingPoints = {
      n: idx.map((i) => points.n[i]),
      d: idx.map((i) => points.d[i]),
      loss: idx.map((i) => points.loss[i]),
    };
    const f = fitChinchillaApproach3(
      sample,
      c.starts === "warm" ? { ...fitCfg, starts: [full.theta] } : fitCfg,
    );
    for (const q of APPROACH3_QUANTITIES) draws[q].push(f[q]);
    hooks.onSample?.(s + 1, c.samples);
  }
  const tail = (1 - c.level) / 2;
  const ci = {} as Record<Approach3Quantity, [number, number]>;
  const se = {} as Record<Approach3Quantity, number>;
  for (const q of APPROACH3_QUANTITIES) {
    const v = [...draws[q]].sort((a, b) => a - b);
    ci[q] = [quantile(v, tail), quantile(v, 1 - tail)];
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    se[q] = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1));
  }
  return { level: c.level, samples: c.samples, ci, se, draws };
}
