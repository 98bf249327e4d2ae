/**
 * One call per experiment: preset → sweep (stored, resumable) → summary. What the commands, the
 * notebook and the reproduction all call.
 *
 * @module
 */
import type { ResultsStore } from "../store/results.ts";
import { type AllocationConfig, resolveAllocationConfig } from "./config.ts";
import { type Experiment, type Preset, presetSweep } from "./presets.ts";
import { type ExperimentSummary, summariseExperiment } from "./summaries.ts";
import { runSweep, type SweepConfig } from "./sweep.ts";

/** Options of {@link runExperiment}. */
export interface ExperimentOptions {
  /** Default `cpu`. */
  preset?: Preset;
  /** Results database (runs are skipped when stored); none: nothing is stored. */
  store?: ResultsStore;
  /** Overrides of the preset's grid (e.g. `{ seeds: [0, 1, 2] }`). */
  overrides?: Partial<Omit<SweepConfig, "name">>;
  /** Parallel Web Workers (default 1). */
  workers?: number;
  /** Progress lines on stderr (default: unless TOOLKIT_QUIET=1). */
  progress?: boolean;
  /** Allocation rule (threshold, rule, correlation level). */
  allocation?: Partial<AllocationConfig>;
}

/**
 * Runs (or loads) an experiment's sweep and summarises it.
 *
 * @example
 * ```ts
 * const single = await runExperiment("single", { preset: "smoke" });
 * console.log(single.json); // { alphas, neurons, mse, slope, slope_ci }
 * ```
 */
export async function runExperiment(
  experiment: Experiment,
  opts: ExperimentOptions = {},
): Promise<ExperimentSummary> {
  const sweep = presetSweep(experiment, opts.preset ?? "cpu", opts.overrides);
  // Every setting is checked before any run trains (a bad threshold must not cost a sweep).
  resolveAllocationConfig(opts.allocation ?? {});
  const outcomes = await runSweep(sweep, {
    store: opts.store,
    workers: opts.workers,
    progress: opts.progress,
  });
  return summariseExperiment(experiment, outcomes, { allocation: opts.allocation });
}
