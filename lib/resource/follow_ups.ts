/**
 * The follow-up grids of issue 19 (see `FOLLOW_UP_GRIDS` in presets.ts), read from a store when
 * they are stored — never trained here — and turned into tables and "ours vs paper" rows: the
 * appendix targets over ten α with one choice changed at a time, and the parallel tasks' N1/N2
 * over seeds and with longer training.
 *
 * @module
 */
import type { Row } from "../plot/specs.ts";
import type { ResultsStore } from "../store/results.ts";
import { compare, type Comparison } from "../util/report.ts";
import type { AllocationConfig } from "./config.ts";
import type { PaperValues } from "./paper_values.ts";
import { FOLLOW_UP_GRIDS, type FollowUpGrid, followUpSweep } from "./presets.ts";
import { type ExperimentSummary, summariseExperiment } from "./summaries.ts";
import { runSweep, sweepStored } from "./sweep.ts";

/** A stored follow-up grid and its summary. */
export interface FollowUp {
  name: string;
  grid: FollowUpGrid;
  summary: ExperimentSummary;
}

/**
 * The follow-up grids that are stored (locally or in the archive), summarised; the others are
 * left out (train them with their `command`).
 *
 * @example
 * ```ts
 * import { openResults } from "toolkit";
 *
 * const done = await storedFollowUps(openResults());
 * console.log(done.map((f) => f.name));
 * ```
 */
export async function storedFollowUps(
  store: ResultsStore,
  opts: { allocation?: Partial<AllocationConfig> } = {},
): Promise<FollowUp[]> {
  const out: FollowUp[] = [];
  for (const [name, grid] of Object.entries(FOLLOW_UP_GRIDS)) {
    const sweep = followUpSweep(name);
    if (!sweepStored(store, sweep)) continue;
    const outcomes = await runSweep(sweep, { store, progress: false });
    out.push({
      name,
      grid,
      summary: summariseExperiment(grid.experiment, outcomes, { allocation: opts.allocation }),
    });
  }
  return out;
}

/** Whether a slope counts as "∝ N⁻¹": within ±50% of −1 (in [−1.5, −0.5]). */
export function followsInverseN(slope: number): boolean {
  return slope >= -1.5 && slope <= -0.5;
}

const fmt = (v: number) => (Number.isFinite(v) ? +v.toFixed(2) : NaN);

/**
 * One row per (functions grid, target): allocated neurons and held-out MSE at the smallest and
 * largest α, the slope with its 95% bootstrap interval, and whether it follows N⁻¹ (slope within
 * ±50% of −1, i.e. in [−1.5, −0.5]: how the paper's depth-1 "failures" are counted here — a
 * failure is a target whose MSE does not fall as N⁻¹, steeper or shallower).
 *
 * @example
 * ```ts
 * declare const followUps: FollowUp[];
 * const rows = functionsAblationRows(followUps);
 * ```
 */
export function functionsAblationRows(followUps: FollowUp[]): Row[] {
  return followUps.filter((f) => f.grid.experiment === "functions").flatMap((f) =>
    f.summary.series.map((s) => ({
      grid: f.name,
      change: f.grid.question,
      target: s.label.replace(" depth 1", ""),
      neurons: `${Math.round(s.neurons[0])} → ${Math.round(s.neurons[s.neurons.length - 1])}`,
      mse: `${s.mse[0].toExponential(1)} → ${s.mse[s.mse.length - 1].toExponential(1)}`,
      slope: fmt(s.slope.slope),
      ci_low: fmt(s.slope.ci[0]),
      ci_high: fmt(s.slope.ci[1]),
      follows_inverse_n: followsInverseN(s.slope.slope),
    }))
  );
}

/**
 * One row per (parallel grid, β, α): N1/N2 over seeds with its 95% t-interval, and the MSE ratio.
 *
 * @example
 * ```ts
 * declare const followUps: FollowUp[];
 * const rows = parallelRatioRows(followUps);
 * ```
 */
export function parallelRatioRows(followUps: FollowUp[]): Row[] {
  return followUps.filter((f) => f.grid.experiment === "parallel").flatMap((f) =>
    f.summary.ratios.map((r) => ({
      grid: f.name,
      steps: f.summary.outcomes[0].config.steps,
      beta: r.beta,
      alpha: r.alpha,
      seeds: r.seeds,
      n1: fmt(r.n1 as number),
      n2: fmt(r.n2 as number),
      neuron_ratio: fmt(r.neuron_ratio as number),
      ci_low: fmt(r.neuron_ratio_lo as number),
      ci_high: fmt(r.neuron_ratio_hi as number),
      inverse_mse_ratio: fmt(r.inverse_mse_ratio as number),
    }))
  );
}

/**
 * "Ours vs paper" rows of the follow-up grids: the mean slope of the ten targets at depth 1
 * over ten α and its flat targets against the paper's depth-1 failures; the slope of each
 * ablation against −1; the drift of N1/N2 over α (0 if the ratio is constant, as the paper says)
 * with its interval over seeds; the sequential task's held-out MSE with a larger batch.
 *
 * @example
 * ```ts
 * import { paperValues } from "./mod.ts";
 *
 * declare const followUps: FollowUp[];
 * const rows = followUpComparisons(followUps, await paperValues());
 * ```
 */
export function followUpComparisons(followUps: FollowUp[], paper: PaperValues): Comparison[] {
  const out: Comparison[] = [];
  const ci = (c: [number, number]) =>
    Number.isFinite(c[0]) ? `95% CI [${c[0].toFixed(2)}, ${c[1].toFixed(2)}]` : "no CI";
  for (const f of followUps) {
    const s = f.summary;
    if (f.grid.experiment === "functions") {
      const w = f.summary.outcomes[0].config.width;
      if (s.series.length >= 3) {
        out.push(
          compare(
            `functions, depth 1, α = 2^0…2^9, width ${w}: mean slope over the targets`,
            s.slope,
            paper.functions.slope_claimed,
            { rel: 0.15, note: `${ci(s.slopeCi)} over targets; ${f.grid.command}` },
          ),
        );
        const flat = s.series.filter((x) => !followsInverseN(x.slope.slope)).map((x) =>
          x.label.replace(" depth 1", "")
        );
        const fails = paper.functions.depth1_fails;
        const agree = fails.filter((t) => flat.includes(t));
        out.push({
          quantity:
            `functions, depth 1, α = 2^0…2^9, width ${w}: targets not ∝ N⁻¹ (slope outside [−1.5, −0.5])`,
          ours: flat.join(", ") || "none",
          paper: fails.join(", "),
          verdict: agree.length === fails.length && flat.length === fails.length
            ? "match"
            : agree.length
            ? "close"
            : "differs",
          note: `${agree.length} of the paper's ${fails.length} failures; ${
            flat.length - agree.length
          } others`,
        });
      }
      // x³ (a paper depth-1 failure) and x² (a success): the ablation targets.
      for (const x of s.series.filter((x) => /^x\^[23] /.test(x.label))) {
        const c = x.slope.ci;
        out.push({
          quantity: `functions ${x.label}, ${f.grid.question}: slope`,
          ours: fmt(x.slope.slope),
          paper: -1,
          verdict: c[0] <= -1 && -1 <= c[1]
            ? "match"
            : followsInverseN(x.slope.slope)
            ? "close"
            : "differs",
          note: `${ci(c)}; ${f.grid.command}`,
        });
      }
    } else if (f.grid.experiment === "sequential") {
      const p = paper.sequential;
      for (const r of s.rows) {
        const at = r.alpha === p.alphas[0]
          ? p.mse_first
          : r.alpha === p.alphas[p.alphas.length - 1]
          ? p.mse_last
          : undefined;
        const gap = `held-out / last-batch MSE ${(r.mse / (r.train_mse as number)).toFixed(2)}`;
        const quantity = `sequential, ${f.grid.question}: held-out MSE at α=${r.alpha}`;
        if (at === undefined) {
          out.push({
            quantity,
            ours: +r.mse.toPrecision(3),
            paper: "—",
            verdict: "n/a",
            note: gap,
          });
        } else {
          const x = Math.max(r.mse / at, at / r.mse);
          out.push({
            quantity,
            ours: +r.mse.toPrecision(3),
            paper: at,
            verdict: x <= 1.5 ? "match" : x <= 3 ? "close" : "differs",
            note: `×${x.toFixed(2)}${r.mse < at ? " lower" : " higher"}; ${gap}; ${f.grid.command}`,
          });
        }
      }
    } else if (f.grid.experiment === "parallel") {
      const steps = s.outcomes[0].config.steps;
      for (const d of s.drift) {
        const lo = d.drift_lo as number, hi = d.drift_hi as number;
        const has = Number.isFinite(lo);
        out.push({
          quantity:
            `parallel β=${d.beta}, ${steps} steps: drift d log(N1/N2) / d log α (${d.seeds} seed${
              d.seeds === 1 ? "" : "s"
            })`,
          ours: fmt(d.drift as number),
          paper: 0,
          verdict: has ? (lo <= 0 && 0 <= hi ? "match" : "differs") : "n/a",
          note: `${has ? ci([lo, hi]) : "one seed: no interval"}; ${f.grid.command}`,
        });
      }
    }
  }
  return out;
}
