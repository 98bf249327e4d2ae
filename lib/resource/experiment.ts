/**
 * One call per experiment: preset → sweep (stored, resumable) → summary. What the commands, the
 * notebook and the reproduction all call.
 *
 * @module
 */
import type { ResultsStore } from "../store/results.ts";
import { resolveResourceAllocation, type ResourceAllocationConfig } from "./config.ts";
import { type ResourceExperiment, type ResourcePreset, resourcePreset } from "./presets.ts";
import { type ResourceExperimentSummary, summariseResourceExperiment } from "./summaries.ts";
import { type ResourceSweepConfig, runResourceSweep } from "./sweep.ts";

/** Options of {@link runResourceExperiment}. */
export interface ResourceExperimentOptions {
  /** Default `cpu`. */
  preset?: ResourcePreset;
  /** Results database (runs are skipped when stored); none: nothing is stored. */
  store?: ResultsStore;
  /** Overrides of the preset's grid (e.g. `{ seeds: [0, 1, 2] }`). */
  overrides?: Partial<Omit<ResourceSweepConfig, "name">>;
  /** Parallel Web Workers (default 1). */
  workers?: number;
  /** Progress lines on stderr (default: unless TOOLKIT_QUIET=1). */
  progress?: boolean;
  /** Allocation rule (threshold, rule, correlation level). */
  allocation?: Partial<ResourceAllocationConfig>;
}

/**
 * Runs (or loads) an experiment's sweep and summarises it.
 *
 * @example
 * ```ts
 * const single = await runResourceExperiment("single", { preset: "smoke" });
 * console.log(single.json); // { alphas, neurons, mse, slope, slope_ci }
 * ```
 */
export async function runResourceExperiment(
  experiment: ResourceExperiment,
  opts: ResourceExperimentOptions = {},
): Promise<ResourceExperimentSummary> {
  const sweep = resourcePreset(experiment, opts.preset ?? "cpu", opts.overrides);
  // Every setting is checked before any run trains (a bad threshold must not cost a sweep).
  resolveResourceAllocation(opts.allocation ?? {});
  const outcomes = await runResourceSweep(sweep, {
    store: opts.store,
    workers: opts.workers,
    progress: opts.progress,
  });
  return summariseResourceExperiment(experiment, outcomes, { allocation: opts.allocation });
}
