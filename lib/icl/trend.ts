/**
 * How far a stored run is from the paper's phase (c), and how long the current trend needs to get
 * there: the last-prediction MSE against the converged level (2.2 × oracle, ≈ ridge on the 12
 * dimensions outside the true block), the worst concept's decodability, and a power-law
 * extrapolation of the MSE's recent descent, priced at the run's own measured seconds per step.
 *
 * The extrapolation is a trend, not a forecast: the paper's phase (c) arrives as a drop, which a
 * power law fitted before it cannot see. It says how long the descent *as measured* would take,
 * which is what a preset's choice between this CPU and a lent GPU needs.
 *
 * @module
 */
import { transformerShape } from "../model/config.ts";
import type { ResultsStore } from "../store/results.ts";
import { fitLogLog } from "../numeric/fit.ts";
import type { IclConfig } from "./config.ts";
import { CONVERGED_MSE_FACTOR, iclEvals } from "./report.ts";

/** One run's distance from phase (c) and the extrapolated time to it. */
export interface PhaseTrend {
  run: string;
  /** Model shape, `layers×dModel×heads`. */
  model: string;
  step: number;
  epoch: number;
  /** Last-prediction MSE at the last evaluation, and the converged level (2.2 × oracle). */
  lastMse: number;
  target: number;
  /** The worst concept's decodability at the best layer (phase c: ≥ 0.9 for every concept). */
  cdMin: number;
  /**
   * Exponent b of lastMse ∝ step^b fitted over the evaluations in the run's last half of steps
   * (at least 3 points; null when fewer). Negative while the error falls.
   */
  slope: number | null;
  /** Steps at which the fitted trend reaches the target (null: not falling, or no fit). */
  stepsToTarget: number | null;
  /** Training seconds per step, from the run's provenance (null when it recorded none). */
  secondsPerStep: number | null;
  /** Hours from the last step to stepsToTarget at secondsPerStep (null when either is null). */
  hoursToTarget: number | null;
}

/**
 * Measures each stored ICL run's trend toward phase (c).
 *
 * @example
 * ```ts
 * import { openResults } from "../store/results.ts";
 *
 * const store = openResults();
 * const ids = store.runs({ experiment: "icl_synthetic" }).map((r) => r.id);
 * console.table(phaseTrends(store, ids));
 * ```
 */
export function phaseTrends(store: ResultsStore, ids: string[]): PhaseTrend[] {
  return ids.map((id) => {
    const run = store.run(id);
    if (!run) throw new Error(`no run ${id}`);
    const cfg = run.config as IclConfig;
    const evals = iclEvals(store, id);
    const last = evals.at(-1);
    if (!last) throw new Error(`run ${id} has no evaluations yet`);
    const lastOf = (e: (typeof evals)[number]) => e.mse.byExamples[e.mse.byExamples.length - 1];
    const oracle = store.artifact<{ oracle: number }>(id, "baselines")?.oracle ?? NaN;
    const target = CONVERGED_MSE_FACTOR * oracle;
    const best = last.cdY.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
    const recent = evals.filter((e) => e.step >= last.step / 2);
    const fit = recent.length >= 3
      ? fitLogLog(recent.map((e) => e.step), recent.map(lastOf))
      : null;
    const slope = fit && Number.isFinite(fit.slope) ? fit.slope : null;
    const lastMse = lastOf(last);
    // From the last measured point along the fitted exponent: the level is the data's, the rate the fit's.
    const stepsToTarget = slope !== null && slope < 0 && target > 0
      ? (lastMse <= target ? last.step : last.step * (target / lastMse) ** (1 / slope))
      : null;
    const sps = secondsPerStep(store, id);
    return {
      run: run.name,
      model: transformerShape(cfg.model),
      step: last.step,
      epoch: last.epoch,
      lastMse,
      target,
      cdMin: Math.min(...best.perConcept),
      slope,
      stepsToTarget,
      secondsPerStep: sps,
      hoursToTarget: stepsToTarget !== null && sps !== null
        ? ((stepsToTarget - last.step) * sps) / 3600
        : null,
    };
  });
}

/**
 * A stored run's training seconds per step over the closed segments of its provenance that
 * trained (null when none recorded wall time): the price a trend or a capacity row puts on steps.
 *
 * @example
 * ```ts
 * import { openResults } from "../store/results.ts";
 *
 * const store = openResults();
 * const [run] = store.runs({ experiment: "icl_synthetic" });
 * if (run) console.log(secondsPerStep(store, run.id));
 * ```
 */
export function secondsPerStep(store: ResultsStore, id: string): number | null {
  // Both sums from the same segments, so a segment without wall time drops out of both.
  let seconds = 0, trained = 0;
  for (const s of store.provenance(id)) {
    if (s.toStep === undefined || !s.wallSeconds || s.toStep <= s.fromStep) continue;
    seconds += s.wallSeconds;
    trained += s.toStep - s.fromStep;
  }
  return trained > 0 ? seconds / trained : null;
}

/**
 * A trend's hours for a table: "–" without an extrapolation, "> 10,000" past any useful horizon
 * (a nearly flat trend extrapolates to absurd numbers), else two significant digits.
 *
 * @example
 * ```ts
 * import { openResults } from "../store/results.ts";
 *
 * const store = openResults();
 * const ids = store.runs({ experiment: "icl_synthetic" }).map((r) => r.id);
 * for (const t of phaseTrends(store, ids)) console.log(t.run, trendHours(t));
 * ```
 */
export function trendHours(t: PhaseTrend): string {
  if (t.hoursToTarget === null) return "–";
  if (t.hoursToTarget > 10_000) return "> 10,000";
  return String(+t.hoursToTarget.toPrecision(2));
}
