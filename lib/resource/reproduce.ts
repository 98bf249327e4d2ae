/**
 * Paper 3's quick reproduction for `deno task reproduce`: the single, parallel and sequential
 * tasks, a few appendix targets, the no-penalty width sweep, multitask sparse parity and the
 * Chinchilla arithmetic at the `quick` preset (a few minutes on 2 cores), with SVG figures and
 * "ours vs paper" rows.
 *
 * @module
 */
import { writeFigure } from "../plot/render.ts";
import { markdownTable } from "../plot/display.ts";
import type { ReportSection, ReproduceOptions } from "../util/report.ts";
import { chinchillaLink } from "./chinchilla_link.ts";
import { runExperiment } from "./experiment.ts";
import { followUpSweep, presetSweep } from "./presets.ts";
import { sweepRunIds, sweepStored } from "./sweep.ts";
import { runsProvenanceSentence } from "../store/describe.ts";
import {
  chinchillaFigure,
  functionsFigure,
  modulesFigure,
  parallelFigure,
  parityFigure,
  sequentialFigure,
  singleFigure,
  widthFigure,
} from "./figures.ts";
import { moduleAnalysis, moduleSweep } from "./modules.ts";
import { type ExperimentResults, paperComparisons, silentChoices } from "./paper_comparison.ts";
import { paperValues } from "./paper_values.ts";
import {
  followUpComparisons,
  functionsAblationRows,
  parallelRatioRows,
  storedFollowUps,
} from "./follow_ups.ts";
import { QUICK_PARITY, runParity, SMOKE_PARITY } from "./sparse_parity.ts";
import { runNearAlpha } from "./summaries.ts";
import { netOf } from "./train.ts";
import { toyTask } from "./toy_tasks.ts";

/**
 * Runs the quick reproduction and returns the report section.
 *
 * @example
 * ```ts
 * import { openResults } from "toolkit";
 *
 * const section = await reproduce({ outDir: "results/figures", preset: "smoke", store: openResults(":memory:") });
 * ```
 */
export async function reproduce(opts: ReproduceOptions): Promise<ReportSection> {
  const preset = opts.preset === "smoke" ? "smoke" : "quick";
  const common = { preset, store: opts.store } as const;
  const overrides = opts.seed !== undefined ? { overrides: { seeds: [opts.seed] } } : {};
  const r: ExperimentResults = {};
  // The reference `cpu` grids when they are stored (here or in the committed archive): read, not
  // retrained; else the quick grids, trained now.
  const used: Record<string, string> = {};
  const gridIds: string[] = [];
  const experiment = async (name: "single" | "parallel" | "sequential" | "functions") => {
    const cpu = presetSweep(name, "cpu");
    const stored = opts.seed === undefined && preset === "quick" &&
      sweepStored(opts.store, cpu);
    used[name] = stored ? "cpu (stored)" : preset;
    if (stored) gridIds.push(...sweepRunIds(cpu));
    return await runExperiment(
      name,
      stored ? { preset: "cpu", store: opts.store } : { ...common, ...overrides },
    );
  };
  r.single = await experiment("single");
  r.parallel = await experiment("parallel");
  r.sequential = await experiment("sequential");
  r.functions = await experiment("functions");
  r.width = await runExperiment("width", { ...common, ...overrides });
  r.chinchilla = await chinchillaLink();
  r.parity = await runParity(
    preset === "smoke" ? SMOKE_PARITY : QUICK_PARITY,
    {
      store: opts.store,
    },
  );
  const paper = await paperValues();
  // Issue 19's follow-up grids: read when stored (they are archived), never trained here.
  const followUps = opts.seed === undefined && preset === "quick"
    ? await storedFollowUps(opts.store)
    : [];
  const ablation = functionsAblationRows(followUps), ratios = parallelRatioRows(followUps);
  const followUpMarkdown = followUps.length
    ? [
      "Follow-up grids (stored; `FOLLOW_UP_GRIDS` in `lib/resource/presets.ts` gives each " +
      "one's command).",
      "",
      ...(ablation.length
        ? [
          "The appendix targets at depth 1 over ten α, one choice at a time:",
          "",
          markdownTable(ablation),
          "",
        ]
        : []),
      ...(ratios.length
        ? [
          "The parallel tasks' N1/N2 with 95% t-intervals over seeds, and after more steps:",
          "",
          markdownTable(ratios),
          "",
        ]
        : []),
      "Rests on: " + runsProvenanceSentence(
        opts.store,
        followUps.flatMap((f) => sweepRunIds(followUpSweep(f.name))),
      ),
      "",
    ]
    : [];
  const modRows = moduleSweep(r.single.outcomes);
  const mid = runNearAlpha(r.single, 64);
  const oneModule = moduleAnalysis(
    netOf(mid.config, mid.theta),
    toyTask(mid.config.task),
  );
  const dir = opts.outDir;
  const figures = [
    await writeFigure(singleFigure(r.single, paper), `${dir}/resource_single`),
    await writeFigure(modulesFigure(oneModule, modRows), `${dir}/resource_modules`),
    await writeFigure(parallelFigure(r.parallel, paper), `${dir}/resource_parallel`),
    await writeFigure(sequentialFigure(r.sequential, paper), `${dir}/resource_sequential`),
    await writeFigure(functionsFigure(r.functions), `${dir}/resource_functions`),
    await writeFigure(chinchillaFigure(r.chinchilla), `${dir}/resource_chinchilla`),
    await writeFigure(widthFigure(r.width), `${dir}/resource_width_sweep`),
    await writeFigure(parityFigure(r.parity), `${dir}/resource_sparse_parity`),
  ];
  const s = r.single.series[0];
  const markdown = [
    `Presets (see \`lib/resource/presets.ts\`): ${
      Object.entries(used).map(([k, v]) => `${k} ${v}`).join(", ")
    }; ` +
    `full-batch Adam in float64 on α·MSE + λ·L1, ` +
    `allocation threshold 1e-3 on incoming and outgoing weights. The \`cpu\` and \`paper\` presets of ` +
    "`deno task resource:*` run the paper's full grids; stored `cpu` grids are read instead of the quick ones.",
    ...(gridIds.length ? ["", "Rests on: " + runsProvenanceSentence(opts.store, gridIds)] : []),
    "",
    "Single task y = x²:",
    "",
    markdownTable(s.x.map((a, i) => ({ alpha: a, neurons: s.neurons[i], mse: s.mse[i] }))),
    "",
    `Slope of log MSE vs log N: ${r.single.slope.toFixed(3)} (95% CI ${
      r.single.slopeCi.map((v) => v.toFixed(2)).join(" … ")
    }).`,
    "",
    "Parallel tasks, per (β, α):",
    "",
    markdownTable(r.parallel.ratios),
    "",
    ...followUpMarkdown,
    "Choices where the paper is silent:",
    "",
    markdownTable(silentChoices()),
  ].join("\n");
  return {
    title: "Paper 3 — A Resource Model for Neural Scaling Law (Song et al. 2024)",
    markdown,
    figures,
    comparisons: [...paperComparisons(r, paper), ...followUpComparisons(followUps, paper)],
  };
}
