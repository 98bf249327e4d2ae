/**
 * The capacity search toward phase (c): runs that differ only in the model's shape (same task,
 * seed, optimiser and batch), compared at one epoch — when each left the initial plateau, how far
 * its error fell, whether a concept split off, and what the epochs cost in training time. Which
 * shape reaches phase (c) soonest in wall-clock is the question; at a common early epoch this
 * says which shape descends fastest per second, not whether any of them reaches (c).
 *
 * @module
 */
import type { ResultsStore } from "../store/results.ts";
import { asymmetryRows } from "./asymmetry.ts";
import type { IclConfig } from "./config.ts";
import { groupRuns, runShape } from "./group.ts";
import { conceptTestScale, iclEvals } from "./report.ts";
import { secondsPerStep } from "./trend.ts";

/** One run of the capacity search, at the compared epoch. */
export interface CapacityRow {
  run: string;
  /** Model shape, `layers×dModel×heads`. */
  model: string;
  /** The evaluation compared: the last one at or before the asked epoch. */
  epoch: number;
  /** Epoch at which the run left the plateau (mean relative MSE first below 0.9; null: not yet). */
  escapeEpoch: number | null;
  /** Mean over concepts of MSE ÷ the concept's own test E[y²], at `epoch`. */
  meanMse: number;
  /** Largest minus smallest concept's relative MSE at `epoch` (a split shows as a spread). */
  spread: number;
  /** Last-prediction MSE at `epoch` (oracle ≈ 0.0034). */
  lastMse: number;
  /** The first concept to lead the others over the whole run (null: none yet), and when. */
  firstLead: { epoch: number; concept: number } | null;
  /** Training seconds per step from the run's provenance (null when it recorded none). */
  secondsPerStep: number | null;
  /** Training hours to `epoch` at `secondsPerStep`. */
  hoursToEpoch: number | null;
}

/**
 * Measures stored runs for the capacity search at a common epoch (default 40: the `cpu`
 * preset's 6,000 steps).
 *
 * @example
 * ```ts
 * import { openResults } from "toolkit";
 *
 * const store = openResults();
 * const ids = store.runs({ experiment: "icl_synthetic" }).map((r) => r.id);
 * for (const group of sameButModel(store, ids)) console.table(capacityRows(store, group));
 * ```
 */
export function capacityRows(
  store: ResultsStore,
  ids: string[],
  opts: { atEpoch?: number } = {},
): CapacityRow[] {
  const atEpoch = opts.atEpoch ?? 40;
  const asym = asymmetryRows(store, ids);
  return ids.map((id, i) => {
    const cfg = store.run(id)!.config as IclConfig;
    const scale = conceptTestScale(cfg);
    const evals = iclEvals(store, id).filter((e) => e.epoch <= atEpoch + 1e-9);
    const e = evals.at(-1);
    if (!e) throw new Error(`run ${id} has no evaluation at or before epoch ${atEpoch}`);
    const rel = e.mse.perConcept.map((m, c) => m / scale[c]);
    const sps = secondsPerStep(store, id);
    return {
      run: asym[i].run,
      model: runShape(store, id),
      epoch: e.epoch,
      escapeEpoch: asym[i].escapeEpoch,
      meanMse: rel.reduce((a, b) => a + b, 0) / rel.length,
      spread: Math.max(...rel) - Math.min(...rel),
      lastMse: e.mse.byExamples[e.mse.byExamples.length - 1],
      firstLead: asym[i].firstLead,
      secondsPerStep: sps,
      hoursToEpoch: sps === null ? null : (e.step * sps) / 3600,
    };
  });
}

/**
 * The runs among `ids` that a capacity comparison may put side by side: grouped by everything
 * but the model shape and the step count (variant, task, seed, batch, optimiser, init; the
 * evaluation epochs are trimmed to each run's steps, so they are left out too), each group with
 * two or more shapes kept.
 *
 * @example
 * ```ts
 * import { openResults } from "toolkit";
 *
 * const store = openResults();
 * const groups = sameButModel(store, store.runs({ experiment: "icl_synthetic" }).map((r) => r.id));
 * ```
 */
export function sameButModel(store: ResultsStore, ids: string[]): string[][] {
  return groupRuns(store, ids, { free: "model" })
    .filter((g) => new Set(g.map((id) => runShape(store, id))).size >= 2);
}
