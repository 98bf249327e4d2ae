/**
 * From trained runs to the paper's quantities: one row per run (allocated neurons, MSE, subtask
 * split, intermediate neurons), grouped series over α, and the log-log slopes with intervals.
 *
 * @module
 */
import type { Row } from "../plot/specs.ts";
import { allocationOf, intermediateNeurons, subtaskAllocationOf } from "./allocation.ts";
import type { AllocationConfig } from "./config.ts";
import { fitLogLog } from "../numeric/fit.ts";
import { tInterval95 } from "../numeric/stats.ts";
import { type SlopeEstimate, slopeWithCi } from "./fits.ts";
import { type Experiment, FIT_MIN_NEURONS } from "./presets.ts";
import { netOf, runData, type RunOutcome } from "./train.ts";
import { toyTask } from "./toy_tasks.ts";

/**
 * One run as a flat row: `task`, `beta`, `fn`, `depth`, `width`, `alpha`, `seed`, `neurons`
 * (allocated, all hidden layers), `layers` ("n1/n2/…"), `mse` (held-out task loss), `train_mse`;
 * parallel task: `n1`, `n2`, `mse1`, `mse2`, `mixed`; sequential task: `g_layer<h>` (neurons
 * with |r| above the level with g(x) in hidden layer h), `g_best`.
 */
export type RunRow = Row & { alpha: number; seed: number; neurons: number; mse: number };

/**
 * Analyses every run of a sweep into rows.
 *
 * @example
 * ```ts
 * import type { RunOutcome } from "./mod.ts";
 *
 * declare const outcomes: RunOutcome[];
 * const rows = runRows(outcomes, { threshold: 1e-3 });
 * ```
 */
export function runRows(
  outcomes: RunOutcome[],
  allocation: Partial<AllocationConfig> = {},
): RunRow[] {
  return outcomes.map((o) => {
    const c = o.config, task = toyTask(c.task), net = netOf(c, o.theta);
    const a = allocationOf(net, allocation);
    const row: RunRow = {
      task: task.name,
      kind: c.task.kind,
      beta: c.task.beta ?? null,
      fn: c.task.fn ?? null,
      depth: c.depth,
      width: c.width,
      alpha: c.alpha,
      seed: c.seed,
      neurons: a.total,
      layers: a.perLayer.join("/"),
      mse: o.testLoss,
      train_mse: o.trainMse.reduce(
        (s, v, k) => s + task.lossWeights[k] * v,
        0,
      ),
    };
    if (c.task.kind === "parallel") {
      const s = subtaskAllocationOf(net, task, allocation);
      Object.assign(row, {
        n1: s.perSubtask[0],
        n2: s.perSubtask[1],
        mse1: o.testMse[0],
        mse2: o.testMse[1],
        mixed: s.mixed,
      });
    }
    if (c.task.kind === "sequential") {
      const r = intermediateNeurons(net, task, runData(c).test, allocation);
      r.counts.g.forEach((v, h) => (row[`g_layer${h + 1}`] = v));
      row.g_best = Math.max(...r.best.g);
    }
    return row;
  });
}

/** A series over α (or width) with its slope. */
export interface Series {
  /** Group label: the task (and depth) it belongs to. */
  label: string;
  /** The swept values (α, or the width for the width experiment), ascending. */
  x: number[];
  /** Mean allocated neurons and mean MSE over seeds at each x. */
  neurons: number[];
  mse: number[];
  slope: SlopeEstimate;
}

/** An experiment's summary: rows, per-group series, and the combined slope. */
export interface ExperimentSummary {
  experiment: Experiment;
  /** The trained runs (configs and parameters), in sweep order. */
  outcomes: RunOutcome[];
  rows: RunRow[];
  series: Series[];
  /** The series' slope (one group), or the mean of the groups' slopes with a t-interval over groups. */
  slope: number;
  slopeCi: [number, number];
  /**
   * Parallel task only: N1/N2 and MSE1/MSE2 per (β, α), means over seeds, with the seeds and a
   * 95% t-interval of N1/N2 over them (`neuron_ratio_lo`, `neuron_ratio_hi`; NaN with one seed).
   */
  ratios: Row[];
  /**
   * Parallel task only, per β: `drift`, the slope of log(N1/N2) against log α (0 when the ratio
   * is constant, as the paper claims), the mean of the per-seed slopes with a 95% t-interval over
   * seeds (`drift_lo`, `drift_hi`; NaN with one seed).
   */
  drift: Row[];
  /** The JSON the `deno task resource:*` commands print. */
  json: Record<string, unknown>;
}

/** N1/N2 of a parallel-task row (N2 counted as at least 1). */
const neuronRatio = (r: RunRow) => (r.n1 as number) / Math.max(1, r.n2 as number);
const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const uniq = (v: number[]) => [...new Set(v)].sort((a, b) => a - b);

function groupKey(e: Experiment, r: RunRow): string {
  if (e === "functions") return `${r.fn} depth ${r.depth}`;
  return String(r.task);
}

function seriesOf(
  e: Experiment,
  label: string,
  rows: RunRow[],
  minNeurons: number,
): Series {
  const xKey = e === "width" ? "width" : "alpha";
  // The width sweep regresses on width (every neuron is used); the others on allocated neurons.
  const nKey = e === "width" ? "width" : "neurons";
  const x = uniq(rows.map((r) => r[xKey] as number));
  const at = (v: number) => rows.filter((r) => r[xKey] === v);
  const mse = x.map((v) => mean(at(v).map((r) => r.mse)));
  // Without a penalty the loss stops at an optimisation floor: fit only up to the widest point
  // before it (the width of the lowest mean MSE).
  const maxX = e === "width" ? x[mse.indexOf(Math.min(...mse))] : Infinity;
  const fitted = rows.filter((r) => (r[xKey] as number) <= maxX);
  return {
    label,
    x,
    neurons: x.map((v) => mean(at(v).map((r) => r.neurons))),
    mse,
    slope: slopeWithCi(
      fitted.map((r) => ({ seed: r.seed, neurons: r[nKey] as number, loss: r.mse })),
      { minNeurons },
    ),
  };
}

/**
 * Summarises an experiment's runs: rows, series per group (single: one; parallel: one per β with
 * total neurons and task loss; sequential: one, fitted on N ≥ 25; functions: one per target and
 * depth; width: one per task, MSE against width from width 2 up to the optimisation floor), the
 * combined slope, and the JSON output.
 *
 * @example
 * ```ts
 * import type { RunOutcome } from "./mod.ts";
 *
 * declare const outcomes: RunOutcome[];
 * const s = summariseExperiment("single", outcomes);
 * console.log(s.slope, s.slopeCi);
 * ```
 */
export function summariseExperiment(
  experiment: Experiment,
  outcomes: RunOutcome[],
  opts: { allocation?: Partial<AllocationConfig>; minNeurons?: number } = {},
): ExperimentSummary {
  const rows = runRows(outcomes, opts.allocation);
  const minNeurons = opts.minNeurons ?? FIT_MIN_NEURONS[experiment];
  const labels = [...new Set(rows.map((r) => groupKey(experiment, r)))];
  const series = labels.map((l) =>
    seriesOf(experiment, l, rows.filter((r) => groupKey(experiment, r) === l), minNeurons)
  );
  const ok = series.map((s) => s.slope.slope).filter(Number.isFinite);
  let slope = NaN, slopeCi: [number, number] = [NaN, NaN];
  if (series.length === 1) ({ slope, ci: slopeCi } = series[0].slope);
  else if (ok.length) ({ mean: slope, ci: slopeCi } = tInterval95(ok));
  const ratios: Row[] = [];
  if (experiment === "parallel") {
    for (const beta of uniq(rows.map((r) => r.beta as number))) {
      for (const alpha of uniq(rows.map((r) => r.alpha))) {
        const g = rows.filter((r) => r.beta === beta && r.alpha === alpha);
        if (!g.length) continue;
        const nr = g.map(neuronRatio);
        const lr = g.map((r) => (r.mse1 as number) / (r.mse2 as number));
        const t = tInterval95(nr);
        ratios.push({
          beta,
          alpha,
          seeds: g.length,
          n1: mean(g.map((r) => r.n1 as number)),
          n2: mean(g.map((r) => r.n2 as number)),
          neuron_ratio: mean(nr),
          neuron_ratio_lo: t.ci[0],
          neuron_ratio_hi: t.ci[1],
          mse_ratio: mean(lr),
          inverse_mse_ratio: mean(lr.map((v) => 1 / v)),
        });
      }
    }
  }
  const drift: Row[] = [];
  if (experiment === "parallel") {
    for (const beta of uniq(rows.map((r) => r.beta as number))) {
      const slopes = uniq(rows.map((r) => r.seed)).flatMap((seed) => {
        const g = rows.filter((r) => r.beta === beta && r.seed === seed);
        if (new Set(g.map((r) => r.alpha)).size < 2) return [];
        return [fitLogLog(g.map((r) => r.alpha), g.map(neuronRatio)).slope];
      });
      if (!slopes.length) continue;
      const t = tInterval95(slopes);
      drift.push({
        beta,
        seeds: slopes.length,
        drift: t.mean,
        drift_lo: t.ci[0],
        drift_hi: t.ci[1],
      });
    }
  }
  const xs = uniq(series.flatMap((s) => s.x));
  const avgAt = (f: (s: Series, i: number) => number) =>
    xs.map((v) => mean(series.filter((s) => s.x.includes(v)).map((s) => f(s, s.x.indexOf(v)))));
  const json: Record<string, unknown> = {
    [experiment === "width" ? "widths" : "alphas"]: xs,
    neurons: avgAt((s, i) => s.neurons[i]),
    mse: avgAt((s, i) => s.mse[i]),
    slope,
    slope_ci: slopeCi,
  };
  if (series.length > 1) {
    json.groups = Object.fromEntries(series.map((s) => [s.label, {
      x: s.x,
      neurons: s.neurons,
      mse: s.mse,
      slope: s.slope.slope,
      slope_ci: s.slope.ci,
    }]));
  }
  if (ratios.length) json.ratios = ratios;
  if (drift.length) json.drift = drift;
  return { experiment, outcomes, rows, series, slope, slopeCi, ratios, drift, json };
}

/**
 * One row per series: its label, slope, 95% interval, how the interval was made, and points used.
 *
 * @example
 * ```ts
 * import { showTable } from "toolkit";
 *
 * declare const summary: ExperimentSummary;
 * await showTable(slopeTable(summary));
 * ```
 */
export function slopeTable(s: ExperimentSummary): Row[] {
  return s.series.map((x) => ({
    series: x.label,
    slope: x.slope.slope,
    ci_low: x.slope.ci[0],
    ci_high: x.slope.ci[1],
    ci: x.slope.method,
    points: x.slope.points,
  }));
}

/**
 * The run of a summary whose α is closest (in log scale) to `alpha` (first seed).
 *
 * @example
 * ```ts
 * declare const single: ExperimentSummary;
 * const run = runNearAlpha(single, 64);
 * ```
 */
export function runNearAlpha(
  s: ExperimentSummary,
  alpha: number,
): RunOutcome {
  const d = (o: RunOutcome) => Math.abs(Math.log(o.config.alpha / alpha));
  return s.outcomes.reduce((best, o) => (d(o) < d(best) ? o : best), s.outcomes[0]);
}
