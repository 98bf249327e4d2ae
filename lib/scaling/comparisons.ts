/**
 * "Ours vs paper" rows for paper 2, shared by the notebook and `reproduce`.
 *
 * @module
 */
import { compare, type Comparison } from "../util/report.ts";
import type { DatasetFitResult } from "./fit_dataset.ts";
import { KAPLAN_CONSTANTS } from "./laws.ts";
import { fitOmega, loadChinchillaModelShapes } from "./omega_fit.ts";
import { PAPER_SCALING_NUMBERS as P } from "./paper_numbers.ts";
import type { ReconcileSummary } from "./reconcile.ts";

const rowLabel = (r: "table" | "authors") =>
  r === "table" ? "14,940M (table)" : "14,494M (authors' list)";

/**
 * Comparison rows for the reconciliation (ω, frontier exponents, asymptotes, slopes).
 *
 * @example
 * ```ts
 * import { showTable } from "toolkit";
 * import { reconcileKaplanChinchilla } from "toolkit/scaling";
 *
 * await showTable(reconcileComparisons((await reconcileKaplanChinchilla()).summary) as never);
 * ```
 */
export function reconcileComparisons(s: ReconcileSummary): Comparison[] {
  return [...omegaAndFrontierRows(s), ...asymptoteRows(s), ...lossSlopeRows(s)];
}

/** ω fitted to Chinchilla's shapes, and the frontier exponents of both coefficient sets. */
function omegaAndFrontierRows(s: ReconcileSummary): Comparison[] {
  return [
    compare("ω (exponent free)", s.omegaFit.free.omega, P.omega.free, {
      rel: 0.005,
      note:
        `14.9B row: ${rowLabel(s.omegaFit.row14b)}; with ${
          rowLabel(s.omegaFit.alternative.row14b)
        }: ` +
        s.omegaFit.alternative.free.omega.toFixed(1),
    }),
    compare("ω fit exponent", s.omegaFit.free.exponent, P.omega.freeExponent, { rel: 0.005 }),
    compare("ω (exponent fixed at 1/3)", s.omegaFit.fixedThird.omega, P.omega.fixedThird, {
      rel: 0.005,
    }),
    compare(
      "Epoch: N*_\\E ∝ C_\\E^a",
      s.epoch.nonEmbedding.exponent,
      P.frontier.epoch.nonEmbedding,
      { rel: 0.02 },
    ),
    compare("Epoch: N*_T ∝ C_T^a", s.epoch.total.exponent, P.frontier.epoch.total, { rel: 0.02 }),
    compare(
      "Chinchilla: N*_\\E ∝ C_\\E^a",
      s.chinchilla.nonEmbedding.exponent,
      P.frontier.chinchilla.nonEmbedding,
      {
        rel: 0.02,
      },
    ),
    compare(
      "Chinchilla: N*_T ∝ C_T^a",
      s.chinchilla.total.exponent,
      P.asymptotes.chinchilla.large,
      {
        rel: 0.02,
        note: "paper gives no number; compared with β/(α+β)",
      },
    ),
  ];
}

/** The small- and large-N asymptotes of the local exponent g. */
function asymptoteRows(s: ReconcileSummary): Comparison[] {
  const rows: Comparison[] = [];
  for (const set of ["epoch", "chinchilla"] as const) {
    const name = set === "epoch" ? "Epoch" : "Chinchilla";
    rows.push(
      compare(
        `${name}: g small-N asymptote β/(β+α/3)`,
        s[set].asymptotes.small,
        P.asymptotes[set].small,
        { rel: 0.002 },
      ),
      compare(
        `${name}: g large-N asymptote β/(α+β)`,
        s[set].asymptotes.large,
        P.asymptotes[set].large,
        { rel: 0.002 },
      ),
    );
  }
  return rows;
}

/** Kaplan-form loss–compute slopes, and the offset slope against its closed form. */
function lossSlopeRows(s: ReconcileSummary): Comparison[] {
  const rows: Comparison[] = [];
  rows.push(
    compare(
      "Epoch: loss–C_\\E slope, no offset",
      s.epoch.nonEmbedding.lossSlopes.withoutOffset,
      P.kaplan.lossSlope,
      {
        rel: 0.1,
        note: "Kaplan's measured L ∝ C^−0.057 (−0.050 for C_min)",
      },
    ),
    compare(
      "Chinchilla: loss–C_\\E slope, no offset",
      s.chinchilla.nonEmbedding.lossSlopes.withoutOffset,
      P.kaplan.lossSlope,
      {
        rel: 0.1,
        note: "Kaplan's measured L ∝ C^−0.057 (−0.050 for C_min)",
      },
    ),
    compare(
      "Epoch: (L−E)–C_T slope",
      s.epoch.total.lossSlopes.withOffset,
      s.epoch.total.lossSlopes.asymptoticWithOffset,
      {
        rel: 0.01,
        note: "against the closed form −αβ/(α+β)",
      },
    ),
  );
  return rows;
}

/**
 * Comparison rows for the real-data fit against Epoch AI's published refit and Chinchilla's
 * Approach-3 exponent.
 *
 * @example
 * ```ts
 * import { fitScalingDataset, type ScalingPoints } from "toolkit/scaling";
 *
 * declare const points: ScalingPoints;
 * const rows = dataFitComparisons(fitScalingDataset(points, { dropHighestLoss: 5 }).summary);
 * ```
 */
export function dataFitComparisons(f: DatasetFitResult): Comparison[] {
  const ci = (q: keyof DatasetFitResult["ci"]) =>
    `${Math.round(f.bootstrap.level * 100)}% CI [${f.ci[q][0].toPrecision(4)}, ${
      f.ci[q][1].toPrecision(4)
    }]`;
  const e = P.epochRefit;
  return [
    compare("fit A", f.A, e.A, { rel: 0.05, note: ci("A") }),
    compare("fit B", f.B, e.B, { rel: 0.05, note: ci("B") }),
    compare("fit E", f.E, e.E, { rel: 0.01, note: ci("E") }),
    compare("fit α", f.alpha, e.alpha, { rel: 0.02, note: ci("alpha") }),
    compare("fit β", f.beta, e.beta, { rel: 0.02, note: ci("beta") }),
    compare("fit a = β/(α+β)", f.a, e.beta / (e.alpha + e.beta), {
      rel: 0.02,
      note: ci("a") + "; Epoch's value",
    }),
    compare(
      "envelope N_opt ∝ C^a (lowest loss per bin)",
      f.envelope.exponent,
      P.chinchillaApproaches.approach1,
      {
        rel: 0.1,
        note:
          `crude non-parametric check vs Chinchilla Approach 1; Kaplan: ${KAPLAN_CONSTANTS.nOptExponent}`,
      },
    ),
  ];
}

/**
 * One row per coefficient set × counting: frontier exponent, R², loss–compute slopes and g's
 * asymptotes (the `scaling:reconcile` table).
 *
 * @example
 * ```ts
 * import { showTable } from "toolkit";
 * import type { ReconcileSummary } from "toolkit/scaling";
 *
 * declare const summary: ReconcileSummary; // from reconcileKaplanChinchilla()
 * await showTable(reconcileTableRows(summary));
 * ```
 */
export function reconcileTableRows(s: ReconcileSummary): Record<string, string | number>[] {
  return (["epoch", "chinchilla"] as const).flatMap((set) =>
    (["nonEmbedding", "total"] as const).map((counting) => {
      const r = s[set][counting];
      return {
        coefficients: set,
        counting,
        "N* ∝ C^a": r.exponent,
        "R²": r.r2,
        "loss slope (no E)": r.lossSlopes.withoutOffset,
        "loss slope (L−E)": r.lossSlopes.withOffset,
        "g small-N": s[set].asymptotes.small,
        "g large-N": s[set].asymptotes.large,
      };
    })
  );
}

/**
 * One row per fitted quantity: value, bootstrap interval, standard error, Epoch AI's value (the
 * `scaling:fit` table).
 *
 * @example
 * ```ts
 * import { showTable } from "toolkit";
 * import { fitScalingDataset, type ScalingPoints } from "toolkit/scaling";
 *
 * declare const points: ScalingPoints;
 * await showTable(dataFitTableRows(fitScalingDataset(points).summary));
 * ```
 */
export function dataFitTableRows(f: DatasetFitResult): Record<string, string | number>[] {
  const e = P.epochRefit;
  const paper: Record<string, number> = { ...e, a: e.beta / (e.alpha + e.beta) };
  const pct = Math.round(f.bootstrap.level * 100);
  return (["A", "B", "E", "alpha", "beta", "a"] as const).map((q) => ({
    quantity: q,
    fit: f[q],
    [`${pct}% lo`]: f.ci[q][0],
    [`${pct}% hi`]: f.ci[q][1],
    se: f.se[q],
    "Epoch AI (published)": paper[q],
  }));
}

/**
 * ω fitted with the exponent free and fixed at 1/3, for both values of the 14.9B row (ω as
 * text with one decimal, so 47,500.3 and 47,490.5 stay distinguishable in a table).
 *
 * @example
 * ```ts
 * import { showTable } from "toolkit";
 *
 * await showTable(await omegaFitTableRows());
 * ```
 */
export async function omegaFitTableRows(): Promise<Record<string, string | number>[]> {
  const rows: Record<string, string | number>[] = [];
  for (const row14b of ["table", "authors"] as const) {
    const shapes = await loadChinchillaModelShapes({ row14b });
    for (
      const [fit, f] of [["exponent free", fitOmega(shapes)], [
        "exponent 1/3",
        fitOmega(shapes, { exponent: 1 / 3 }),
      ]] as const
    ) {
      rows.push({
        "14.9B row": rowLabel(row14b),
        fit,
        "ω": f.omega.toLocaleString("en-US", { maximumFractionDigits: 1 }),
        exponent: f.exponent,
        "rms log residual": f.rmsLog,
      });
    }
  }
  return rows;
}
