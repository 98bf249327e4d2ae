/**
 * `deno task reproduce` section for paper 1's language-model part: the `quick` (or `smoke`)
 * preset of the experiment — a stored finished run is reused — its figures (`icl_lm_*.svg`)
 * and the comparison with the paper's Llama-3.1-8B numbers.
 *
 * @module
 */
import { writeFigure } from "../plot/render.ts";
import { checkpointDir } from "../store/paths.ts";
import { markdownTable } from "../plot/display.ts";
import {
  compare,
  type Comparison,
  type ReportSection,
  type ReproduceOptions,
} from "../util/report.ts";
import { iclLmConfig } from "./config.ts";
import { type IclLmResult, loadOrRunIclLm } from "./experiment.ts";
import {
  iclLmAccuracyRows,
  iclLmFinetuneTableRows,
  iclLmInterventionFigure,
  iclLmTdAccuracyFigure,
  iclLmTdLayerFigure,
  iclLmTrainingFigure,
  iclLmUmapFigure,
} from "./figures.ts";
import { ICL_LM_PAPER } from "./paper_values.ts";

/**
 * Smallest effects counted as "yes": 2 accuracy points (≈3 standard errors of a difference
 * between two accuracies of ≈2% over 720 prompts), 0.02 of TD; a TD peak counts only at
 * ≥ 1.5 × chance (1 / number of concepts).
 */
const EFFECT = { accuracy: 0.02, td: 0.02, tdOverChance: 1.5 };

/**
 * Our numbers beside the paper's: TD peak depth, R², intervention effects, LoRA first vs last
 * (qualitative rows count an effect only from {@link EFFECT}'s sizes).
 *
 * @example
 * ```ts
 * import type { IclLmResult } from "toolkit/icl-lm";
 *
 * declare const result: IclLmResult;
 * const rows = iclLmComparisons(result);
 * ```
 */
export function iclLmComparisons(res: IclLmResult): Comparison[] {
  const out: Comparison[] = [];
  const s = res.summary;
  for (const m of res.base) {
    const task = m.task as PaperTask;
    out.push(tdDepthRow(task, m));
    out.push(
      compare(`${task}: R² of accuracy on TD`, m.fit.r2, ICL_LM_PAPER.r2[task], {
        rel: 0.15,
        note: `${m.fit.n} (concept, shots) points`,
      }),
    );
    const iv = s.intervention[task];
    if (iv) out.push(...interventionRows(task, iv));
    const ft = s.finetune;
    if (ft) out.push(...finetuneRows(task, ft));
  }
  return out;
}

/** A task of the paper's tables. */
type PaperTask = keyof typeof ICL_LM_PAPER.r2;
type BaseModelResult = IclLmResult["base"][number];
type InterventionSummary = NonNullable<IclLmResult["summary"]["intervention"][string]>;
type FinetuneSummary = NonNullable<IclLmResult["summary"]["finetune"]>;

// A qualitative row: the paper says yes; ours is yes when the effect clears its size.
function yesNo(quantity: string, ours: boolean, note: string): Comparison {
  return {
    quantity,
    ours: ours ? "yes" : "no",
    paper: "yes",
    verdict: ours ? "match" : "differs",
    note,
  };
}

// The TD peak's relative depth beside the paper's (a peak at chance level counts as differing).
function tdDepthRow(task: PaperTask, m: BaseModelResult): Comparison {
  const L = m.tdMeanByLayer.length - 1;
  const chance = 1 / m.concepts.length;
  const depth = `ours layer ${m.tdLayer} of ${L} (TD ${m.tdAtLayer.toFixed(2)}, chance ${
    chance.toFixed(2)
  }); paper ${ICL_LM_PAPER.tdLayer[task]} of 32`;
  return m.tdAtLayer >= EFFECT.tdOverChance * chance
    ? compare(
      `${task}: TD peak depth (layer / layers)`,
      m.tdLayer / L,
      ICL_LM_PAPER.tdLayer[task] / ICL_LM_PAPER.nLayers,
      {
        rel: 0.15,
        note: depth,
      },
    )
    : {
      quantity: `${task}: TD peak depth (layer / layers)`,
      ours: "TD at chance",
      paper: ICL_LM_PAPER.tdLayer[task] / ICL_LM_PAPER.nLayers,
      verdict: "differs",
      note: depth,
    };
}

// The intervention rows: positive helps, negative hurts, well-separated concepts react more.
function interventionRows(task: PaperTask, iv: InterventionSummary): Comparison[] {
  return [
    yesNo(
      `${task}: positive intervention helps well-separated concepts`,
      iv.well_separated.positive >= EFFECT.accuracy,
      `Δ ${fmtPct(iv.well_separated.positive)} (paper +14%)`,
    ),
    yesNo(
      `${task}: negative intervention hurts well-separated concepts`,
      iv.well_separated.negative <= -EFFECT.accuracy,
      `Δ ${fmtPct(iv.well_separated.negative)} (paper −15%)`,
    ),
    yesNo(
      `${task}: well-separated concepts react more than overlapping ones`,
      Math.abs(iv.well_separated.negative) >= Math.abs(iv.overlapping.negative) + EFFECT.accuracy,
      `negative Δ ${fmtPct(iv.well_separated.negative)} vs ${
        fmtPct(iv.overlapping.negative)
      } (paper −15% vs −6%)`,
    ),
  ];
}

// The LoRA rows: fine-tuning the first third beats the last third, in accuracy and in TD.
function finetuneRows(task: PaperTask, ft: FinetuneSummary): Comparison[] {
  const f = ft.first.tasks[task], l = ft.last.tasks[task], b = ft.base[task];
  const pf = ICL_LM_PAPER.finetune;
  return [
    yesNo(
      `${task}: LoRA on the first third beats the last third (accuracy)`,
      f.accuracy >= l.accuracy + EFFECT.accuracy,
      `${pct(b.accuracy)} → first ${pct(f.accuracy)}, last ${pct(l.accuracy)} (paper ${
        pct(pf.base[task].accuracy)
      } → ${pct(pf.first[task].accuracy)} / ${pct(pf.last[task].accuracy)})`,
    ),
    yesNo(
      `${task}: LoRA on the first third raises TD more`,
      f.td - b.td >= l.td - b.td + EFFECT.td,
      `TD ${b.td.toFixed(2)} → first ${f.td.toFixed(2)}, last ${l.td.toFixed(2)} (paper ${
        ICL_LM_PAPER.finetune.base[task].td
      } → ${ICL_LM_PAPER.finetune.first[task].td} / ${ICL_LM_PAPER.finetune.last[task].td})`,
    ),
  ];
}

function pct(x: number): string {
  return Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : "n/a";
}

function fmtPct(x: number): string {
  return Number.isFinite(x) ? `${x >= 0 ? "+" : ""}${(100 * x).toFixed(1)}%` : "n/a";
}

/**
 * Runs (or reuses) the preset, writes the figures and returns the report section.
 *
 * @example
 * ```ts
 * import { openResults } from "toolkit";
 *
 * const section = await reproduce({ outDir: "results/figures", preset: "smoke", store: openResults(":memory:") });
 * ```
 */
export async function reproduce(opts: ReproduceOptions): Promise<ReportSection> {
  const cfg = iclLmConfig(opts.preset, opts.seed !== undefined ? { seed: opts.seed } : {});
  const res = await loadOrRunIclLm(cfg, {
    store: opts.store,
    name: opts.preset,
    checkpointDir: checkpointDir("icl_lm", opts.outDir.replace(/\/figures$/, "")),
    progress: false,
  });
  const dir = opts.outDir;
  const figures = [
    await writeFigure(iclLmTrainingFigure(res), `${dir}/icl_lm_training`),
    await writeFigure(iclLmTdLayerFigure(res), `${dir}/icl_lm_fig3_td_by_layer`),
    await writeFigure(iclLmUmapFigure(res), `${dir}/icl_lm_fig3_umap`),
    await writeFigure(iclLmTdAccuracyFigure(res), `${dir}/icl_lm_fig4_td_vs_accuracy`),
    await writeFigure(iclLmInterventionFigure(res), `${dir}/icl_lm_fig20_interventions`),
  ];
  const s = res.summary;
  const accRows = iclLmAccuracyRows(res);
  const markdown = [
    `Preset \`${opts.preset}\`: ${s.model.source}; ${s.model.nLayers} layers, d ${s.model.dModel}, ${
      s.model.params.toLocaleString("en")
    } parameters ` +
    `(paper: ${ICL_LM_PAPER.model}, 32 layers). Tasks: POS (Brown sentences with hand tags, not PTB WSJ) and bitwise, ` +
    `shots ${
      cfg.evalShots.join("/")
    }, ${cfg.perConcept} prompts per concept and shot count, greedy exact match.`,
    "",
    `TD layer: ${res.base.map((m) => `${m.task} ${m.tdLayer}`).join(", ")}; R²: ${
      res.base.map((m) => `${m.task} ${m.fit.r2.toFixed(3)}`).join(", ")
    }.`,
    "",
    "Accuracy per concept and shot count, and the concept's TD at the TD layer:",
    "",
    ...res.base.flatMap((m) => [markdownTable(accRows.filter((r) => r.task === m.task)), ""]),
    ...(s.finetune
      ? ["Table 1 (ours beside the paper's):", "", markdownTable(iclLmFinetuneTableRows(s)), ""]
      : []),
    `Phase times (s): ${Object.entries(s.seconds).map(([k, v]) => `${k} ${v}`).join(", ")}. ` +
    "The quick preset trains a small LM for minutes; the ≈30-minute `cpu` preset (`deno task icl:lm --preset cpu`) is the one the notebook reports.",
  ].join("\n");
  return {
    title: "Paper 1 — concept encoding in language models (Han et al.)",
    markdown,
    figures,
    comparisons: iclLmComparisons(res),
  };
}
