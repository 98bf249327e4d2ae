/**
 * The whole reconciliation analysis in one call: ω fitted to Chinchilla's shapes, the frontier
 * simulation for both coefficient sets and both countings, the local exponent g and its check,
 * and the loss–compute slopes. Returns a JSON-ready summary plus the frontiers (for figures).
 *
 * @module
 */
import { checkKnownKeys, checkOneOf, ConfigError } from "../util/validate.ts";
import { CHINCHILLA_COEFF_SETS } from "./laws.ts";
import {
  type FrontierConfig,
  type FrontierResult,
  type ParamCounting,
  simulateFrontier,
} from "./frontier.ts";
import {
  checkLocalExponent,
  localExponentAsymptotes,
  type LocalExponentCheck,
} from "./local_exponent.ts";
import { type LossComputeSlopes, lossComputeSlopes } from "./loss_compute.ts";
import { fitOmega, loadChinchillaModelShapes, type OmegaFit, type Row14b } from "./omega_fit.ts";

/** Options of {@link reconcileKaplanChinchilla}. */
export interface ReconcileOptions {
  /**
   * ω used by the simulation: "fit" = ours, fitted with the exponent free (default; the paper
   * likewise fits with k free, then uses ω with k = 1/3), "paper" = 47,491, or a number.
   */
  omega: "fit" | "paper" | number;
  /** Which 14.9B/14.5B row value the ω fit uses (default "table": 14,940M). */
  row14b: Row14b;
  /** Frontier overrides (counting and ω are set per run). */
  frontier: Partial<Omit<FrontierConfig, "counting" | "omega">>;
}

/**
 * Defaults of {@link ReconcileOptions}.
 *
 * @example
 * ```ts
 * await reconcileKaplanChinchilla({ ...DEFAULT_RECONCILE_OPTIONS, omega: "paper" });
 * ```
 */
export const DEFAULT_RECONCILE_OPTIONS: ReconcileOptions = {
  omega: "fit",
  row14b: "table",
  frontier: {},
};

/** One counting's result, JSON-ready. */
export interface CountingSummary {
  /** Fitted exponent of N* versus C. */
  exponent: number;
  coefficient: number;
  r2: number;
  lossSlopes: LossComputeSlopes;
}

/** One coefficient set's result, JSON-ready. */
export interface CoeffSetSummary {
  nonEmbedding: CountingSummary;
  total: CountingSummary;
  /** g's limits: β/(β+α/3) and β/(α+β). */
  asymptotes: { small: number; large: number };
  localExponentCheck: LocalExponentCheck;
}

/** The JSON that `deno task scaling:reconcile --json` prints. */
export interface ReconcileSummary {
  /** ω the simulation used. */
  omega: number;
  omegaFit: {
    row14b: Row14b;
    free: OmegaFit;
    fixedThird: OmegaFit;
    /** The same two fits with the other value of the 14.9B row. */
    alternative: { row14b: Row14b; free: OmegaFit; fixedThird: OmegaFit };
  };
  epoch: CoeffSetSummary;
  chinchilla: CoeffSetSummary;
}

/**
 * Runs the reconciliation: ω, both coefficient sets × both countings, g and loss–compute slopes.
 *
 * @example
 * ```ts
 * const { summary } = await reconcileKaplanChinchilla();
 * summary.epoch.nonEmbedding.exponent; // ≈ 0.78
 * summary.epoch.total.exponent;        // ≈ 0.51
 * ```
 */
export async function reconcileKaplanChinchilla(opts: Partial<ReconcileOptions> = {}): Promise<{
  summary: ReconcileSummary;
  frontiers: Record<"epoch" | "chinchilla", Record<ParamCounting, FrontierResult>>;
}> {
  checkKnownKeys(opts, DEFAULT_RECONCILE_OPTIONS, "reconcile");
  const o: ReconcileOptions = { ...DEFAULT_RECONCILE_OPTIONS, ...opts };
  checkOneOf(o, "row14b", ["table", "authors"]);
  if (typeof o.omega === "number" ? !(o.omega >= 0) : o.omega !== "fit" && o.omega !== "paper") {
    throw new ConfigError("omega", '"fit", "paper" or a number >= 0', o.omega);
  }
  const shapes = await loadChinchillaModelShapes({ row14b: o.row14b });
  const free = fitOmega(shapes);
  const fixedThird = fitOmega(shapes, { exponent: 1 / 3 });
  const otherRow: Row14b = o.row14b === "table" ? "authors" : "table";
  const otherShapes = await loadChinchillaModelShapes({ row14b: otherRow });
  const alternative = {
    row14b: otherRow,
    free: fitOmega(otherShapes),
    fixedThird: fitOmega(otherShapes, { exponent: 1 / 3 }),
  };
  const omega = o.omega === "fit" ? free.omega : o.omega === "paper" ? 47491 : o.omega;
  const frontiers = {} as Record<"epoch" | "chinchilla", Record<ParamCounting, FrontierResult>>;
  const sets = {} as Record<"epoch" | "chinchilla", CoeffSetSummary>;
  for (const name of ["epoch", "chinchilla"] as const) {
    const coeffs = CHINCHILLA_COEFF_SETS[name];
    const run = (counting: ParamCounting) =>
      simulateFrontier(coeffs, { ...o.frontier, counting, omega });
    const f = { nonEmbedding: run("nonEmbedding"), total: run("total") };
    frontiers[name] = f;
    const summarise = (r: FrontierResult): CountingSummary => ({
      exponent: r.fit.exponent,
      coefficient: r.fit.coefficient,
      r2: r.fit.r2,
      lossSlopes: lossComputeSlopes(r),
    });
    sets[name] = {
      nonEmbedding: summarise(f.nonEmbedding),
      total: summarise(f.total),
      asymptotes: localExponentAsymptotes(coeffs),
      localExponentCheck: checkLocalExponent(f.nonEmbedding),
    };
  }
  return {
    summary: {
      omega,
      omegaFit: { row14b: o.row14b, free, fixedThird, alternative },
      epoch: sets.epoch,
      chinchilla: sets.chinchilla,
    },
    frontiers,
  };
}
