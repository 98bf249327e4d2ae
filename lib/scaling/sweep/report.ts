/**
 * The small-scale sweep's part of paper 2's reproduction report: the widest stored sweep
 * (`cpu-wider`, else `cpu-wide`, else `cpu`) that is complete in the results database (read,
 * not retrained; every seed whose grid is complete, with seed intervals from ≥ 2), else — when
 * training is allowed — the seconds-long `smoke` sweep (plumbing only, labelled so). It lists the
 * tokens per parameter and corpus epochs of each optimum, and of the `gpu` preset's budgets under
 * the fitted law.
 *
 * @module
 */
import { initBackend } from "../../backend/backend.ts";
import { markdownTable } from "../../plot/display.ts";
import type { ReportSection, ReproduceOptions } from "../../util/report.ts";
import {
  completeSeeds,
  runScalingSweep,
  type ScalingSweepResult,
  sweepComparisons,
  sweepPlan,
} from "./run.ts";
import { optimumTokens, plannedOptimumTokens, type SweepOptimumTokens } from "./analysis.ts";
import { scalingSweepConfig } from "./config.ts";
import { writeSweepFigures } from "./figures.ts";
import { runsProvenanceSentence } from "../../store/describe.ts";

/**
 * Reads the widest complete stored sweep (`cpu-wider`, else `cpu-wide`, else `cpu`); otherwise
 * runs the seconds-long `smoke` sweep if `train` is set, else returns only a note. Writes the
 * figures of what it reports and returns a report fragment: markdown, figure paths, comparisons.
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
  const stored = ["cpu-wider", "cpu-wide", "cpu"].find(complete);
  let result: ScalingSweepResult | null = null;
  if (stored) {
    const seeds = completeSeeds(scalingSweepConfig(stored), opts.store);
    result = await runScalingSweep(scalingSweepConfig(stored, { seeds }), {
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
    markdown: sweepMarkdown(result) + "\n\n" + sweepTokensMarkdown(result) + "\n\nRests on: " +
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
    ` C_T = ${r.config.budgets.map((b) => b.toExponential(1)).join(", ")} FLOP on ${
      CORPUS_LABEL[r.corpus.name] ?? r.corpus.name
    }` +
    ` (${
      (r.corpus.trainTokens / 1e6).toFixed(2)
    }M training tokens), ${r.config.schedule} schedule, ${seedCount(r)}.` +
    ` ${interior} of ${r.analysis.optimal.total.length} IsoFLOP minima fall inside the sizes.` +
    ` N_opt ∝ C^a: a = ${a(f.total)}${spread("total")} with total counting (paper 0.49),` +
    ` ${a(f.nonEmbedding)}${spread("nonEmbedding")} with non-embedding counting (paper 0.74);` +
    ` IsoFLOPs at fixed C_\\E give ${a(f.nonEmbeddingIsoFlop)}.${seedSentence(r)}${toy}`;
}

const CORPUS_LABEL: Record<string, string> = {
  brown: "the Brown corpus",
  "nlp-corpus": "nlp-corpus (shuffled sentences)",
  "brown+nlp-corpus": "Brown + nlp-corpus",
};

function seedCount(r: ScalingSweepResult): string {
  const n = r.seeds.perSeed.length;
  return n === 1 ? `one seed (${r.seeds.perSeed[0].seed})` : `${n} seeds (losses averaged)`;
}

/** The seed intervals, or why there are none. */
function seedSentence(r: ScalingSweepResult): string {
  const s = r.seeds;
  if (!s.total && !s.nonEmbedding) {
    return s.perSeed.length < 2
      ? " No seed interval: one seed (train another with `--seeds 0,1`)."
      : " No seed interval: fewer than 2 seeds have 2 interior minima.";
  }
  const iv = (k: "total" | "nonEmbedding") => {
    const x = s[k];
    return x
      ? `${x.mean.toFixed(3)} ± ${x.sd.toFixed(3)} (range ${x.min.toFixed(2)}–${
        x.max.toFixed(2)
      }, 95% t-interval ${x.ci[0].toFixed(2)}–${x.ci[1].toFixed(2)})`
      : "n/a";
  };
  const per = s.perSeed.map((p) =>
    `seed ${p.seed}: ${p.total?.toFixed(3) ?? "n/a"} / ${p.nonEmbedding?.toFixed(3) ?? "n/a"}`
  ).join("; ");
  return ` Fitted on each seed alone (${per}), the exponents over ${
    s.total?.n ?? s.nonEmbedding?.n
  } seeds are ${iv("total")} (total) and ${iv("nonEmbedding")} (non-embedding).`;
}

/**
 * Tokens per parameter and corpus epochs of each compute-optimal point — the trained budgets
 * (IsoFLOP minima) and the `gpu` preset's budgets under the fitted N_T,opt ∝ C_T^a law (an
 * extrapolation) — as two Markdown tables with a sentence on whether the corpus limits them.
 *
 * @example
 * ```ts
 * import type { ScalingSweepResult } from "toolkit/scaling";
 *
 * declare const result: ScalingSweepResult;
 * console.log(sweepTokensMarkdown(result));
 * ```
 */
export function sweepTokensMarkdown(r: ScalingSweepResult): string {
  const train = r.corpus.trainTokens;
  const rows = optimumTokens(r.analysis.optimal.total, train);
  const inside = rows.filter((x) => x.interior);
  const law = r.analysis.fits.total;
  const gpu = scalingSweepConfig("gpu").budgets;
  const planned = law ? plannedOptimumTokens(law, gpu, train) : [];
  const table = (xs: SweepOptimumTokens[]) =>
    markdownTable(xs.map((x) => ({
      "C_T (FLOP)": x.C.toExponential(2),
      "N_T,opt": x.extrapolated
        ? `${fmtN(x.N_total)} (law)`
        : `${fmtN(x.N_total)}${x.interior ? "" : " (edge: a bound)"}`,
      "N_\\E,opt": x.N_nonEmbedding === null ? "—" : fmtN(x.N_nonEmbedding),
      "D_opt = C/(6·N_T,opt)": fmtN(x.D),
      "D/N_T": x.tokensPerParam < 0.1
        ? x.tokensPerParam.toPrecision(2)
        : x.tokensPerParam.toFixed(2),
      [`epochs of ${r.corpus.name}`]: x.epochs.toFixed(2),
    })));
  const maxEpochs = Math.max(0, ...planned.map((p) => p.epochs));
  const head = `Tokens per parameter of each optimum (D/N_T; Chinchilla ≈ 20) and passes over the` +
    ` ${(train / 1e6).toFixed(2)}M training tokens:

${table(rows)}`;
  if (!law) return head;
  return head +
    `

The \`gpu\` preset's budgets under the fitted law N_T,opt = ${law.coefficient.toPrecision(3)}·C_T^${
      law.exponent.toFixed(3)
    } (an extrapolation from ${law.n} minima over ${
      (Math.max(...inside.map((x) => x.C)) / Math.min(...inside.map((x) => x.C))).toFixed(1)
    }× of compute):

${table(planned)}

` +
    (maxEpochs > 4
      ? `At ${
        planned.find((p) => p.epochs > 4)!.C.toExponential(0)
      } and above the optimum alone reads the training text more than 4 times (up to ${
        maxEpochs.toFixed(1)
      }), where repeated tokens are worth measurably less than fresh ones (Muennighoff et al. 2023),` +
        ` and the smaller sizes of each IsoFLOP profile read it many more times: the corpus limits` +
        ` those budgets. \`--corpus brown+nlp-corpus\` reads ≈2.5× as many training tokens;` +
        ` \`deno task scaling:sweep --preset gpu --corpus brown+nlp-corpus --plan\` lists every` +
        ` cell's epochs on it.`
      : `Even the largest budget's optimum reads the training text at most ${
        maxEpochs.toFixed(1)
      } times: the corpus does not limit these budgets at the optimum (the smallest sizes of a` +
        ` profile read it more often).`);
}

/** 1234567 → "1.23M", 45678 → "45.7k". */
function fmtN(x: number): string {
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)}k`;
  return x.toFixed(0);
}
