/**
 * The small-scale sweep's part of paper 2's reproduction report: the stored `cpu-wide` or else
 * `cpu` sweep when it is complete in the results database (read, not retrained), else — when
 * training is allowed — the seconds-long `smoke` sweep (plumbing only, labelled so).
 *
 * @module
 */
import { initBackend } from "../../backend/backend.ts";
import type { ReportSection, ReproduceOptions } from "../../util/report.ts";
import { runScalingSweep, type ScalingSweepResult, sweepComparisons, sweepPlan } from "./run.ts";
import { scalingSweepConfig } from "./config.ts";
import { writeSweepFigures } from "./figures.ts";
import { runsProvenanceSentence } from "../../store/describe.ts";

/**
 * Reads the stored `cpu-wide` (else `cpu`) sweep when it is complete; otherwise runs the
 * seconds-long `smoke` sweep if `train` is set, else returns only a note. Writes the figures of
 * what it reports and returns a report fragment: markdown, figure paths, comparisons.
 *
 * @example
 * ```ts
 * import type { ResultsStore } from "toolkit";
 *
 * declare const store: ResultsStore;
 * const part = await sweepReport({ outDir: "results/figures", store, train: true });
 * ```
 */
export async function sweepReport(
  opts: Pick<ReproduceOptions, "outDir" | "store"> & { train: boolean },
): Promise<Omit<ReportSection, "title"> & { result: ScalingSweepResult | null }> {
  await initBackend({ quiet: true });
  const complete = (preset: string) =>
    sweepPlan(scalingSweepConfig(preset)).cells.every((c) =>
      opts.store.run(c.runId)?.status === "done"
    );
  const stored = ["cpu-wide", "cpu"].find(complete);
  let result: ScalingSweepResult | null = null;
  if (stored) {
    result = await runScalingSweep(scalingSweepConfig(stored), {
      preset: stored,
      store: opts.store,
      analyzeOnly: true,
      progress: false,
    });
  } else if (opts.train) {
    result = await runScalingSweep(scalingSweepConfig("smoke"), {
      preset: "smoke",
      store: opts.store,
      progress: false,
    });
  }
  if (!result) {
    return {
      markdown: "The small-scale sweep (§4) is not in the results database: train it with" +
        " `deno task scaling:sweep` (about 30 min on 2 idle cores).",
      figures: [],
      comparisons: [],
      result,
    };
  }
  const figures = await writeSweepFigures(result, opts.outDir);
  return {
    // Which runs the verdicts rest on, and how they were made.
    markdown: sweepMarkdown(result) + "\n\nRests on: " +
      runsProvenanceSentence(opts.store, sweepPlan(result.config).cells.map((c) => c.runId)),
    figures,
    comparisons: sweepComparisons(result),
    result,
  };
}

/**
 * A paragraph describing a sweep's result (scale, exponents, caveats).
 *
 * @example
 * ```ts
 * import type { ScalingSweepResult } from "toolkit/scaling";
 *
 * declare const result: ScalingSweepResult;
 * console.log(sweepMarkdown(result));
 * ```
 */
export function sweepMarkdown(r: ScalingSweepResult): string {
  const f = r.analysis.fits;
  const a = (x: { exponent: number } | null) => (x ? x.exponent.toFixed(3) : "n/a");
  const interior = r.analysis.optimal.total.filter((o) => o.interior).length;
  const spread = (k: "total" | "nonEmbedding") => {
    const xs = r.jackknife.map((j) => j[k]).filter((x): x is number => x !== null);
    return xs.length
      ? ` (leave-one-size-out ${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`
      : "";
  };
  const sizes = r.sizes.map((s) => (s.total / 1e6).toFixed(2)).join(", ");
  const toy = r.preset === "smoke"
    ? " This is the seconds-long `smoke` sweep (the stored `cpu` sweep is incomplete): it shows the" +
      " plumbing, not scaling; run `deno task scaling:sweep` for the real one."
    : "";
  return `Small-scale sweep (§4), preset \`${r.preset}\`: ${r.sizes.length} GPT-2-vocabulary models` +
    ` (${sizes}M total parameters, context ${r.config.context}) × ${r.config.budgets.length} budgets` +
    ` (${r.runs.length} runs${r.missing ? `, ${r.missing} missing` : ""})` +
    ` C_T = ${
      r.config.budgets.map((b) => b.toExponential(1)).join(", ")
    } FLOP on the Brown corpus` +
    ` (${
      (r.corpus.trainTokens / 1e6).toFixed(2)
    }M training tokens), ${r.config.schedule} schedule.` +
    ` ${interior} of ${r.analysis.optimal.total.length} IsoFLOP minima fall inside the sizes.` +
    ` N_opt ∝ C^a: a = ${a(f.total)}${spread("total")} with total counting (paper 0.49),` +
    ` ${a(f.nonEmbedding)}${spread("nonEmbedding")} with non-embedding counting (paper 0.74);` +
    ` IsoFLOPs at fixed C_\\E give ${a(f.nonEmbeddingIsoFlop)}.${toy}`;
}
