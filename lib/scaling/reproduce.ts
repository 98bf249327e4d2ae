/**
 * Paper 2's section of `deno task reproduce`: the reconciliation analysis and the real-data
 * fit at the quick preset, figures as SVG (`scaling_*.svg`), numbers against the paper's.
 *
 * @module
 */
import { writeFigure } from "../plot/mod.ts";
import type { ReportSection, ReproduceOptions } from "../util/report.ts";
import { dataFitComparisons, reconcileComparisons } from "./comparisons.ts";
import {
  dataFitFigure,
  frontierExponentFigure,
  frontierLossFigure,
  localExponentFigure,
  lossComputeFigure,
  nOptFigure,
  omegaFigure,
} from "./figures.ts";
import {
  type DatasetFitResult,
  fitScalingDataset,
  loadChinchillaFig4Points,
} from "./fit_dataset.ts";
import { EPOCH_COEFFS, HOFFMANN_COEFFS } from "./laws.ts";
import { type ChinchillaModelShape, fitOmega, loadChinchillaModelShapes } from "./omega_fit.ts";
import { PAPER_SCALING_NUMBERS } from "./paper_numbers.ts";
import { scalingPreset } from "./presets.ts";
import { reconcileKaplanChinchilla, type ReconcileSummary } from "./reconcile.ts";
import { sweepReport } from "./sweep/report.ts";

/**
 * Runs paper 2's analysis (quick preset: Epoch's 4,500-start grid, 200 bootstrap resamples;
 * smoke: a 108-start grid, 20 resamples) and returns its report section.
 *
 * @example
 * ```ts
 * import type { ResultsStore } from "toolkit";
 *
 * declare const store: ResultsStore;
 * const section = await reproduce({ outDir: "results/figures", preset: "smoke", store });
 * ```
 */
export async function reproduce(opts: ReproduceOptions): Promise<ReportSection> {
  const preset = scalingPreset(opts.preset);
  const seed = opts.seed ?? 0;
  const runId = opts.store.startRun({
    experiment: "scaling",
    name: opts.preset,
    config: { preset, seed },
  });
  const reconciled = await reconcileKaplanChinchilla();
  const { summary } = reconciled;
  const shapes = await loadChinchillaModelShapes();
  const points = await loadChinchillaFig4Points();
  const data = fitScalingDataset(points, {
    dropHighestLoss: 5,
    fit: { grid: preset.grid },
    bootstrap: { samples: preset.bootstrapSamples, starts: preset.bootstrapStarts, seed },
  });
  const figs = scalingFigures(shapes, reconciled, data);
  const figures: string[] = [];
  for (const [name, spec] of figs) {
    figures.push(await writeFigure(spec, `${opts.outDir}/scaling_${name}`));
  }
  // §4 sweep: the stored cpu sweep if complete; quick trains the seconds-long smoke sweep otherwise.
  const sweep = await sweepReport({
    outDir: opts.outDir,
    store: opts.store,
    train: opts.preset === "quick",
  });
  figures.push(...sweep.figures);
  const comparisons = [
    ...reconcileComparisons(summary),
    ...dataFitComparisons(data.summary),
    ...sweep.comparisons,
  ];
  opts.store.setArtifact(runId, "reconcile", summary);
  opts.store.setArtifact(runId, "dataFit", data.summary);
  opts.store.finishRun(runId, { epoch: summary.epoch.nonEmbedding.exponent, a: data.summary.a });
  const markdown = scalingMarkdown(opts.preset, summary, data.summary, sweep.markdown);
  return {
    title: "Paper 2: reconciling Kaplan and Chinchilla scaling laws",
    markdown,
    figures,
    comparisons,
  };
}

/** Paper 2's figures (name, Vega-Lite spec): ω, the simulated frontiers, the real-data fit. */
function scalingFigures(
  shapes: ChinchillaModelShape[],
  { summary, frontiers }: Awaited<ReturnType<typeof reconcileKaplanChinchilla>>,
  data: ReturnType<typeof fitScalingDataset>,
): [string, Record<string, unknown>][] {
  return [
    ["omega", omegaFigure(shapes, [fitOmega(shapes), fitOmega(shapes, { exponent: 1 / 3 })])],
    ["frontier_loss_nonembedding", frontierLossFigure(frontiers.epoch.nonEmbedding)],
    ["frontier_loss_total", frontierLossFigure(frontiers.epoch.total)],
    [
      "frontier_exponents",
      frontierExponentFigure([
        { label: "Epoch, N_\\E", frontier: frontiers.epoch.nonEmbedding },
        { label: "Epoch, N_T", frontier: frontiers.epoch.total },
        { label: "Chinchilla, N_\\E", frontier: frontiers.chinchilla.nonEmbedding },
        { label: "Chinchilla, N_T", frontier: frontiers.chinchilla.total },
      ]),
    ],
    [
      "local_exponent",
      localExponentFigure([
        { label: "Epoch", coeffs: EPOCH_COEFFS, frontier: frontiers.epoch.nonEmbedding },
        {
          label: "Chinchilla",
          coeffs: HOFFMANN_COEFFS,
          frontier: frontiers.chinchilla.nonEmbedding,
        },
      ], { omega: summary.omega }),
    ],
    [
      "loss_compute",
      lossComputeFigure(frontiers.epoch.nonEmbedding, summary.epoch.nonEmbedding.lossSlopes),
    ],
    ["data_fit", dataFitFigure(data.kept, data.fit, PAPER_SCALING_NUMBERS.epochRefit)],
    [
      "n_opt",
      nOptFigure(data.fit, data.bootstrap, data.envelope.points, PAPER_SCALING_NUMBERS.epochRefit),
    ],
  ];
}

/** The report's prose: ω, the frontier exponents, the real-data fit, then the sweep's part. */
function scalingMarkdown(
  preset: string,
  summary: ReconcileSummary,
  d: DatasetFitResult,
  sweepMarkdown: string,
): string {
  const e = summary.epoch, c = summary.chinchilla;
  return [
    `Pearce & Song's analysis (preset \`${preset}\`). ω fitted to Chinchilla's 50 shapes (row 14,940M as in` +
    ` the table): ${summary.omegaFit.free.omega.toFixed(0)} with exponent ${
      summary.omegaFit.free.exponent.toFixed(4)
    };` +
    ` ${summary.omegaFit.fixedThird.omega.toFixed(0)} with the exponent fixed at 1/3.`,
    `Frontier simulation (20 models, 1,000 token counts, 100 budgets, nearest-compute matching): N* ∝ C^a with` +
    ` a = ${e.nonEmbedding.exponent.toFixed(3)} (Epoch) / ${
      c.nonEmbedding.exponent.toFixed(3)
    } (Chinchilla) for` +
    ` non-embedding counting, ${e.total.exponent.toFixed(3)} / ${
      c.total.exponent.toFixed(3)
    } for total counting.` +
    ` The analytic g matches the numeric continuous frontier to ${
      e.localExponentCheck.maxSlopeError.toExponential(1)
    }.`,
    `Real data (Chinchilla's Figure-4 points, 5 highest-loss dropped, ${d.points} points, ${d.starts} L-BFGS starts,` +
    ` ${d.bootstrap.samples} bootstrap resamples): A = ${d.A.toFixed(1)}, B = ${
      d.B.toFixed(1)
    }, E = ${d.E.toFixed(4)},` +
    ` α = ${d.alpha.toFixed(4)}, β = ${d.beta.toFixed(4)}, a = ${d.a.toFixed(3)}.`,
    sweepMarkdown,
  ].join("\n\n");
}
