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
import { resourceChinchillaLink } from "./chinchilla_link.ts";
import { runResourceExperiment } from "./experiment.ts";
import { resourcePreset } from "./presets.ts";
import { resourceSweepRunIds, resourceSweepStored } from "./sweep.ts";
import { runsProvenanceSentence } from "../store/describe.ts";
import {
  resourceChinchillaFigure,
  resourceFunctionsFigure,
  resourceModulesFigure,
  resourceParallelFigure,
  resourceParityFigure,
  resourceSequentialFigure,
  resourceSingleFigure,
  resourceWidthFigure,
} from "./figures.ts";
import { resourceModuleAnalysis, resourceModuleSweep } from "./modules.ts";
import {
  resourceChoices,
  resourcePaperComparisons,
  type ResourceResults,
} from "./paper_comparison.ts";
import { resourcePaperValues } from "./paper_values.ts";
import {
  QUICK_RESOURCE_PARITY,
  runResourceParity,
  SMOKE_RESOURCE_PARITY,
} from "./sparse_parity.ts";
import { resourceRunNearAlpha } from "./summaries.ts";
import { resourceNetOf } from "./train.ts";
import { resourceTask } from "./toy_tasks.ts";

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
  const r: ResourceResults = {};
  // The reference `cpu` grids when they are stored (here or in the committed archive): read, not
  // retrained; else the quick grids, trained now.
  const used: Record<string, string> = {};
  const gridIds: string[] = [];
  const experiment = async (name: "single" | "parallel" | "sequential" | "functions") => {
    const cpu = resourcePreset(name, "cpu");
    const stored = opts.seed === undefined && preset === "quick" &&
      resourceSweepStored(opts.store, cpu);
    used[name] = stored ? "cpu (stored)" : preset;
    if (stored) gridIds.push(...resourceSweepRunIds(cpu));
    return await runResourceExperiment(
      name,
      stored ? { preset: "cpu", store: opts.store } : { ...common, ...overrides },
    );
  };
  r.single = await experiment("single");
  r.parallel = await experiment("parallel");
  r.sequential = await experiment("sequential");
  r.functions = await experiment("functions");
  r.width = await runResourceExperiment("width", { ...common, ...overrides });
  r.chinchilla = await resourceChinchillaLink();
  r.parity = await runResourceParity(
    preset === "smoke" ? SMOKE_RESOURCE_PARITY : QUICK_RESOURCE_PARITY,
    {
      store: opts.store,
    },
  );
  const paper = await resourcePaperValues();
  const modRows = resourceModuleSweep(r.single.outcomes);
  const mid = resourceRunNearAlpha(r.single, 64);
  const oneModule = resourceModuleAnalysis(
    resourceNetOf(mid.config, mid.theta),
    resourceTask(mid.config.task),
  );
  const dir = opts.outDir;
  const figures = [
    await writeFigure(resourceSingleFigure(r.single, paper), `${dir}/resource_single`),
    await writeFigure(resourceModulesFigure(oneModule, modRows), `${dir}/resource_modules`),
    await writeFigure(resourceParallelFigure(r.parallel, paper), `${dir}/resource_parallel`),
    await writeFigure(resourceSequentialFigure(r.sequential, paper), `${dir}/resource_sequential`),
    await writeFigure(resourceFunctionsFigure(r.functions), `${dir}/resource_functions`),
    await writeFigure(resourceChinchillaFigure(r.chinchilla), `${dir}/resource_chinchilla`),
    await writeFigure(resourceWidthFigure(r.width), `${dir}/resource_width_sweep`),
    await writeFigure(resourceParityFigure(r.parity), `${dir}/resource_sparse_parity`),
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
    "Choices where the paper is silent:",
    "",
    markdownTable(resourceChoices()),
  ].join("\n");
  return {
    title: "Paper 3 — A Resource Model for Neural Scaling Law (Song et al. 2024)",
    markdown,
    figures,
    comparisons: resourcePaperComparisons(r, paper),
  };
}
