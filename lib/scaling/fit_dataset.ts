/**
 * The real-data pipeline behind `deno task scaling:fit`: drop outliers, fit Approach 3,
 * bootstrap it, and add the empirical compute-envelope power law.
 *
 * @module
 */
import { readFixture } from "../util/csv.ts";
import { checkKnownKeys, checkPositiveInt } from "../util/validate.ts";
import {
  type Approach3Bootstrap,
  type Approach3BootstrapConfig,
  bootstrapChinchillaApproach3,
} from "./bootstrap.ts";
import { computeEnvelopeFit } from "./compute_envelope.ts";
import { dropHighestLoss, readScalingCsv, type ScalingPoints } from "./data.ts";
import { type Approach3Config, type Approach3Fit, fitChinchillaApproach3 } from "./fit.ts";
import type { ScalingPowerLawFit } from "./power_law.ts";

/** Options of {@link fitScalingDataset}. */
export interface DatasetFitOptions {
  /** Highest-loss points to drop before fitting (default 0; Epoch drop 5 of Chinchilla's). */
  dropHighestLoss: number;
  /** Approach-3 settings (default Epoch's grid, δ = 1e-3). */
  fit: Partial<Approach3Config>;
  /** Bootstrap settings (default 200 warm-started resamples, 95% intervals, seed 0). */
  bootstrap: Partial<Approach3BootstrapConfig>;
  /** Compute-bin width of the envelope fit in decades (default 0.25). */
  envelopeBinDecades: number;
}

/**
 * Defaults of {@link DatasetFitOptions}.
 *
 * @example
 * ```ts
 * import type { ScalingPoints } from "toolkit/scaling";
 *
 * declare const points: ScalingPoints;
 * fitScalingDataset(points, { ...DEFAULT_DATASET_FIT_OPTIONS, dropHighestLoss: 5 });
 * ```
 */
export const DEFAULT_DATASET_FIT_OPTIONS: DatasetFitOptions = {
  dropHighestLoss: 0,
  fit: {},
  bootstrap: {},
  envelopeBinDecades: 0.25,
};

/** What {@link fitScalingDataset} returns; the top-level fields are the CLI's JSON. */
export interface DatasetFitResult {
  A: number;
  B: number;
  E: number;
  alpha: number;
  beta: number;
  /** N_opt ∝ C^a, a = β/(α+β). */
  a: number;
  /** Bootstrap intervals [lo, hi] per quantity (level in `bootstrap.level`). */
  ci: Approach3Bootstrap["ci"];
  /** Bootstrap standard errors. */
  se: Approach3Bootstrap["se"];
  bootstrap: { samples: number; level: number; starts: "warm" | "grid" };
  /** Points fitted, and how many were dropped. */
  points: number;
  dropped: number;
  objective: number;
  starts: number;
  /** Power law N ∝ C^a through the lowest-loss run of each compute bin. */
  envelope: Pick<ScalingPowerLawFit, "exponent" | "coefficient" | "r2" | "n">;
}

/**
 * Fits a dataset end to end (drop, Approach 3, bootstrap, envelope). Returns the JSON summary
 * and the full fit and bootstrap draws (for figures).
 *
 * @example
 * ```ts
 * const pts = await loadChinchillaFig4Points();
 * const { summary } = fitScalingDataset(pts, { dropHighestLoss: 5, bootstrap: { samples: 50 } });
 * ```
 */
export function fitScalingDataset(
  points: ScalingPoints,
  opts: Partial<DatasetFitOptions> = {},
  hooks: {
    /** Called as each stage starts ("fit", "bootstrap", "envelope"). */
    onStage?: (stage: string) => void;
    /** Called after each bootstrap refit. */
    onSample?: (done: number, total: number) => void;
  } = {},
): {
  summary: DatasetFitResult;
  fit: Approach3Fit;
  bootstrap: Approach3Bootstrap;
  kept: ScalingPoints;
  envelope: ReturnType<typeof computeEnvelopeFit>;
} {
  checkKnownKeys(opts, DEFAULT_DATASET_FIT_OPTIONS, "datasetFit");
  const o: DatasetFitOptions = { ...DEFAULT_DATASET_FIT_OPTIONS, ...opts };
  checkPositiveInt(o, "dropHighestLoss", { min: 0 });
  const kept = o.dropHighestLoss > 0 ? dropHighestLoss(points, o.dropHighestLoss) : points;
  hooks.onStage?.("fit");
  const fit = fitChinchillaApproach3(kept, o.fit);
  hooks.onStage?.("bootstrap");
  const bootstrap = bootstrapChinchillaApproach3(kept, fit, { ...o.bootstrap, fit: o.fit }, {
    onSample: hooks.onSample,
  });
  hooks.onStage?.("envelope");
  const envelope = computeEnvelopeFit(kept, { binDecades: o.envelopeBinDecades });
  const { A, B, E, alpha, beta, a } = fit;
  return {
    summary: {
      A,
      B,
      E,
      alpha,
      beta,
      a,
      ci: bootstrap.ci,
      se: bootstrap.se,
      bootstrap: {
        samples: bootstrap.samples,
        level: bootstrap.level,
        starts: o.bootstrap.starts ?? "warm",
      },
      points: kept.loss.length,
      dropped: points.loss.length - kept.loss.length,
      objective: fit.objective,
      starts: fit.starts,
      envelope: {
        exponent: envelope.fit.exponent,
        coefficient: envelope.fit.coefficient,
        r2: envelope.fit.r2,
        n: envelope.fit.n,
      },
    },
    fit,
    bootstrap,
    kept,
    envelope,
  };
}

/**
 * Chinchilla's Figure-4 points as extracted by Epoch AI (`fixtures/chinchilla_fig4_points.csv`,
 * 245 rows; D = FLOP/(6·N)).
 *
 * @example
 * ```ts
 * const pts = await loadChinchillaFig4Points(); // 245 points
 * ```
 */
export async function loadChinchillaFig4Points(): Promise<ScalingPoints> {
  return readScalingCsv(await readFixture("chinchilla_fig4_points.csv"));
}
