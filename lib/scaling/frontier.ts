/**
 * Pearce & Song's frontier simulation: a grid of models trained for a grid of token counts
 * under a Chinchilla law; for each compute budget the lowest-loss model is compute-optimal;
 * a power law fitted to N* versus C gives the scaling exponent a Kaplan-style (non-embedding)
 * or Chinchilla-style (total) study would have measured.
 *
 * @module
 */
import {
  checkKnownKeys,
  checkNumber,
  checkOneOf,
  checkPositiveInt,
  ConfigError,
} from "../util/validate.ts";
import { type ChinchillaCoeffs, chinchillaLoss, EPOCH_COEFFS } from "./laws.ts";
import { PAPER_OMEGA, totalFromNonEmbedding } from "./counting.ts";
import { fitScalingPowerLaw, type ScalingPowerLawFit } from "./power_law.ts";

/** Which parameter count (and so which compute C = 6·N·D) the study uses. */
export type ParamCounting = "nonEmbedding" | "total";

/** Configuration of {@link simulateFrontier}; defaults are the paper's. */
export interface FrontierConfig {
  /** "nonEmbedding" (Kaplan: N_\E and C_\E = 6·N_\E·D) or "total" (Chinchilla). */
  counting: ParamCounting;
  /** Models, N_\E log-spaced (paper: 20 from 10^2.9 to 10^9.2). */
  nModels: number;
  log10NMin: number;
  log10NMax: number;
  /** Token counts per model, log-spaced (paper: 1,000 from 10^6 to 10^25). */
  nTokens: number;
  log10DMin: number;
  log10DMax: number;
  /** Compute budgets, log-spaced (paper: 100). */
  nBudgets: number;
  /**
   * Lowest budget, log10 FLOP; null = the paper's per counting: 12.95 for C_\E, 14 for C_T.
   * (The authors' released script starts C_T at 10^13.4; we follow the text's 10^14.)
   */
  log10CMin: number | null;
  /** Highest budget, log10 FLOP (paper: 20.7). */
  log10CMax: number;
  /** ω of N_T = N_\E + ω·N_\E^(1/3) (paper: 47,491). */
  omega: number;
  /**
   * How a model picks its D for a budget: "absolute" = the D minimising |6·N·D − C| (the
   * authors' choice, default) or "log" = minimising |log(6·N·D) − log C|.
   */
  matching: "absolute" | "log";
}

/**
 * The paper's frontier settings.
 *
 * @example
 * ```ts
 * import { EPOCH_COEFFS } from "toolkit/scaling";
 *
 * simulateFrontier(EPOCH_COEFFS, { ...DEFAULT_FRONTIER_CONFIG, nModels: 40 });
 * ```
 */
export const DEFAULT_FRONTIER_CONFIG: FrontierConfig = {
  counting: "nonEmbedding",
  nModels: 20,
  log10NMin: 2.9,
  log10NMax: 9.2,
  nTokens: 1000,
  log10DMin: 6,
  log10DMax: 25,
  nBudgets: 100,
  log10CMin: null,
  log10CMax: 20.7,
  omega: PAPER_OMEGA,
  matching: "absolute",
};

/**
 * The lowest budget the paper uses for each counting (log10 FLOP).
 *
 * @example
 * ```ts
 * import { EPOCH_COEFFS } from "toolkit/scaling";
 *
 * simulateFrontier(EPOCH_COEFFS, { counting: "total", log10CMin: PAPER_LOG10_CMIN.total });
 * ```
 */
export const PAPER_LOG10_CMIN: Readonly<Record<ParamCounting, number>> = Object.freeze({
  nonEmbedding: 12.95,
  total: 14,
});

/** One compute-optimal point of the frontier. */
export interface FrontierPoint {
  /** Budget C (in the study's counting). */
  compute: number;
  /** N* in the study's counting. */
  nOpt: number;
  nNonEmbedding: number;
  nTotal: number;
  tokens: number;
  loss: number;
  /** Index of the winning model. */
  model: number;
}

/** Result of {@link simulateFrontier}. */
export interface FrontierResult {
  config: FrontierConfig;
  coeffs: ChinchillaCoeffs;
  /** The model grid: non-embedding and total parameters. */
  models: { nNonEmbedding: number; nTotal: number }[];
  /** The token grid. */
  tokens: Float64Array;
  points: FrontierPoint[];
  /** log N* = intercept + exponent·log C, least squares over the budgets. */
  fit: ScalingPowerLawFit;
}

/**
 * `n` values log-spaced from 10^lo to 10^hi (numpy's `logspace`).
 *
 * @example
 * ```ts
 * frontierLogspace(0, 2, 3); // [1, 10, 100]
 * ```
 */
export function frontierLogspace(lo: number, hi: number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = 10 ** (n === 1 ? lo : lo + (hi - lo) * i / (n - 1));
  return out;
}

/**
 * Validates a partial frontier config and fills the defaults.
 *
 * @example
 * ```ts
 * resolveFrontierConfig({ counting: "total" }).nBudgets; // 100
 * ```
 */
export function resolveFrontierConfig(cfg: Partial<FrontierConfig> = {}): FrontierConfig {
  checkKnownKeys(cfg, DEFAULT_FRONTIER_CONFIG, "frontier");
  const c: FrontierConfig = { ...DEFAULT_FRONTIER_CONFIG, ...cfg };
  checkOneOf(c, "counting", ["nonEmbedding", "total"]);
  checkOneOf(c, "matching", ["absolute", "log"]);
  checkPositiveInt(c, "nModels", { min: 2 });
  checkPositiveInt(c, "nTokens", { min: 2 });
  checkPositiveInt(c, "nBudgets", { min: 2 });
  for (const k of ["log10NMin", "log10NMax", "log10DMin", "log10DMax", "log10CMax"] as const) {
    checkNumber(c, k);
  }
  if (c.log10CMin !== null) checkNumber(c, "log10CMin", { max: c.log10CMax });
  checkNumber(c, "omega", { min: 0 });
  if (!(c.log10NMax > c.log10NMin)) {
    throw new ConfigError("log10NMax", `> log10NMin (${c.log10NMin})`, c.log10NMax);
  }
  if (!(c.log10DMax > c.log10DMin)) {
    throw new ConfigError("log10DMax", `> log10DMin (${c.log10DMin})`, c.log10DMax);
  }
  return c;
}

/**
 * Runs the frontier simulation for one coefficient set and one counting: 20 models × 1,000
 * token counts under L(N_T, D); for each of 100 budgets every model takes the D whose compute
 * is nearest the budget, the lowest loss wins; then log N* is fitted against log C.
 *
 * @example
 * ```ts
 * import { EPOCH_COEFFS } from "toolkit/scaling";
 *
 * const f = simulateFrontier(EPOCH_COEFFS, { counting: "nonEmbedding" });
 * console.log(f.fit.exponent); // ≈ 0.78 (the paper's Figure 3)
 * ```
 */
export function simulateFrontier(
  coeffs: ChinchillaCoeffs = EPOCH_COEFFS,
  cfg: Partial<FrontierConfig> = {},
): FrontierResult {
  const c = resolveFrontierConfig(cfg);
  const ne = frontierLogspace(c.log10NMin, c.log10NMax, c.nModels);
  const models = [...ne].map((n) => ({
    nNonEmbedding: n,
    nTotal: totalFromNonEmbedding(n, { omega: c.omega }),
  }));
  const D = frontierLogspace(c.log10DMin, c.log10DMax, c.nTokens);
  const budgets = frontierLogspace(
    c.log10CMin ?? PAPER_LOG10_CMIN[c.counting],
    c.log10CMax,
    c.nBudgets,
  );
  const loss = models.map((m) => D.map((d) => chinchillaLoss(m.nTotal, d, coeffs)));
  const points: FrontierPoint[] = [];
  for (const C of budgets) {
    let best: FrontierPoint | null = null;
    models.forEach((m, i) => {
      const n = c.counting === "total" ? m.nTotal : m.nNonEmbedding;
      let j = 0, bestGap = Infinity;
      for (let k = 0; k < D.length; k++) {
        const gap = c.matching === "absolute"
          ? Math.abs(6 * n * D[k] - C)
          : Math.abs(Math.log(6 * n * D[k] / C));
        if (gap < bestGap) (bestGap = gap, j = k);
      }
      if (!best || loss[i][j] < best.loss) {
        best = {
          compute: C,
          nOpt: n,
          nNonEmbedding: m.nNonEmbedding,
          nTotal: m.nTotal,
          tokens: D[j],
          loss: loss[i][j],
          model: i,
        };
      }
    });
    points.push(best!);
  }
  const fit = fitScalingPowerLaw(points.map((p) => p.compute), points.map((p) => p.nOpt));
  return { config: c, coeffs, models, tokens: D, points, fit };
}
