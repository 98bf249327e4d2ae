/**
 * Figures of the language-model part, data first: each `…Rows` function turns a result into
 * rows, each `…Figure` function turns rows into a Vega-Lite spec with the paper's values named
 * beside ours (in titles or as labelled rows; never drawn as our data).
 *
 * - Fig. 3: TD per layer (peak mid-depth in the paper) and the UMAP of the TD layer.
 * - Fig. 4: TD vs accuracy over (concept, shots) points, with R².
 * - Fig. 20: mean-vector interventions, accuracy change per concept.
 * - Table 1: TD and accuracy before and after LoRA on the first / last third of the layers.
 *
 * @module
 */
import {
  concat,
  heatmap,
  lineChart,
  overlay,
  type Row,
  scatterChart,
  type VegaLiteSpec,
} from "../plot/specs.ts";
import type { IclLmResult } from "./experiment.ts";
import { ICL_LM_PAPER } from "./paper_values.ts";

type TaskKey = keyof typeof ICL_LM_PAPER.r2;
const paperKey = (task: string) => task as TaskKey;

/**
 * TD per layer: one row per (task, shots, layer) plus the mean over shot counts.
 *
 * @example
 * ```ts
 * import type { IclLmResult } from "toolkit/icl-lm";
 *
 * declare const result: IclLmResult; // await runIclLm(…)
 * const rows = iclLmTdLayerRows(result); // [{ task: "pos", shots: "k=1", layer: 0, td: 0.14 }, …]
 * ```
 */
export function iclLmTdLayerRows(res: Pick<IclLmResult, "base">): Row[] {
  return res.base.flatMap((m) => [
    ...m.td.map((t) => ({ task: m.task, shots: `k=${t.shots}`, layer: t.layer, td: t.accuracy })),
    ...m.tdMeanByLayer.map((td, layer) => ({ task: m.task, shots: "mean", layer, td })),
  ]);
}

/**
 * Fig. 3: TD vs layer per task (one line per shot count), titled with our peak and the paper's.
 *
 * @example
 * ```ts
 * import { show } from "toolkit";
 * import type { IclLmResult } from "toolkit/icl-lm";
 *
 * declare const result: IclLmResult; // await runIclLm(…)
 * await show(iclLmTdLayerFigure(result));
 * ```
 */
export function iclLmTdLayerFigure(res: Pick<IclLmResult, "base">): VegaLiteSpec {
  const rows = iclLmTdLayerRows(res);
  return concat(res.base.map((m) => {
    const p = ICL_LM_PAPER.tdLayer[paperKey(m.task)];
    return lineChart(rows.filter((r) => r.task === m.task), {
      x: "layer",
      y: "td",
      color: "shots",
      points: true,
      yDomain: [0, 1],
      yTitle: "task decodability (k-NN)",
      title: `${m.task}: TD peaks at layer ${m.tdLayer} of ${
        m.tdMeanByLayer.length - 1
      } (paper: ${p} of ${ICL_LM_PAPER.nLayers})`,
      width: 300,
    });
  }));
}

/**
 * Fig. 3 (right): UMAP of the last-token states at the TD layer (largest shot count), per task.
 *
 * @example
 * ```ts
 * import { show } from "toolkit";
 * import type { IclLmResult } from "toolkit/icl-lm";
 *
 * declare const result: IclLmResult; // await runIclLm(…)
 * await show(iclLmUmapFigure(result));
 * ```
 */
export function iclLmUmapFigure(res: Pick<IclLmResult, "umap" | "base">): VegaLiteSpec {
  return concat(
    res.base.filter((m) => res.umap[m.task]).map((m) =>
      scatterChart(res.umap[m.task].map((r) => ({ ...r, concept: String(r.label) })), {
        x: "x",
        y: "y",
        color: "concept",
        title: `${m.task}: UMAP at layer ${m.tdLayer}`,
        width: 260,
        height: 220,
      })
    ),
  );
}

/**
 * TD-vs-accuracy points, one per (task, concept ≠ Null, shots), and the fitted line's ends.
 *
 * @example
 * ```ts
 * import type { IclLmResult } from "toolkit/icl-lm";
 *
 * declare const result: IclLmResult; // await runIclLm(…)
 * const { points, lines } = iclLmTdAccuracyRows(result);
 * ```
 */
export function iclLmTdAccuracyRows(
  res: Pick<IclLmResult, "base">,
): { points: Row[]; lines: Row[] } {
  const points = res.base.flatMap((m) =>
    m.points.map((p) => ({
      task: m.task,
      concept: p.concept,
      shots: p.shots,
      td: p.td,
      accuracy: p.accuracy,
    }))
  );
  const lines = res.base.flatMap((m) => {
    const tds = m.points.map((p) => p.td).filter(Number.isFinite);
    if (!tds.length || !Number.isFinite(m.fit.slope)) return [];
    return [Math.min(...tds), Math.max(...tds)].map((td) => ({
      task: m.task,
      td,
      accuracy: m.fit.intercept + m.fit.slope * td,
    }));
  });
  return { points, lines };
}

/**
 * Fig. 4: accuracy vs TD per task with the least-squares line; titles give R² ours vs paper.
 *
 * @example
 * ```ts
 * import { show } from "toolkit";
 * import type { IclLmResult } from "toolkit/icl-lm";
 *
 * declare const result: IclLmResult; // await runIclLm(…)
 * await show(iclLmTdAccuracyFigure(result));
 * ```
 */
export function iclLmTdAccuracyFigure(res: Pick<IclLmResult, "base">): VegaLiteSpec {
  const { points, lines } = iclLmTdAccuracyRows(res);
  return concat(res.base.map((m) => {
    const o = {
      x: "td",
      y: "accuracy",
      xTitle: "task decodability at the TD layer",
      yTitle: "exact-match accuracy",
      width: 280,
    };
    return overlay([
      scatterChart(points.filter((r) => r.task === m.task), {
        ...o,
        color: "concept",
        tooltip: ["shots"],
        size: 60,
      }),
      lineChart(lines.filter((r) => r.task === m.task), { ...o, dashed: true }),
    ], {
      title: `${m.task}: R² ${m.fit.r2.toFixed(3)} (paper, Llama-3.1-8B: ${
        ICL_LM_PAPER.r2[paperKey(m.task)]
      })`,
    });
  }));
}

/**
 * Intervention rows: accuracy change per (task, concept, condition), and per-concept details.
 *
 * @example
 * ```ts
 * import type { IclLmResult } from "toolkit/icl-lm";
 *
 * declare const result: IclLmResult; // await runIclLm(…)
 * const rows = iclLmInterventionRows(result); // [{ task, concept, condition: "positive", delta }, …]
 * ```
 */
export function iclLmInterventionRows(res: Pick<IclLmResult, "interventions">): Row[] {
  return Object.entries(res.interventions).flatMap(([task, iv]) =>
    iv.perConcept.flatMap((c) => [
      {
        task,
        concept: c.concept,
        condition: "positive (correct mean)",
        delta: c.positive - c.base,
        base: c.base,
        td: c.td,
        group: c.wellSeparated ? "well separated" : "overlapping",
      },
      {
        task,
        concept: c.concept,
        condition: "negative (Null mean)",
        delta: c.negative - c.base,
        base: c.base,
        td: c.td,
        group: c.wellSeparated ? "well separated" : "overlapping",
      },
    ])
  );
}

/**
 * Fig. 20: heat maps of the accuracy change per concept under the positive and negative
 * interventions, per task; titles give the paper's group averages.
 *
 * @example
 * ```ts
 * import { show } from "toolkit";
 * import type { IclLmResult } from "toolkit/icl-lm";
 *
 * declare const result: IclLmResult; // await runIclLm(…)
 * await show(iclLmInterventionFigure(result));
 * ```
 */
export function iclLmInterventionFigure(res: Pick<IclLmResult, "interventions">): VegaLiteSpec {
  const rows = iclLmInterventionRows(res);
  const p = ICL_LM_PAPER.intervention;
  return concat(
    Object.keys(res.interventions).map((task) =>
      heatmap(rows.filter((r) => r.task === task), {
        x: "condition",
        y: "concept",
        value: "delta",
        title: `${task}: Δ accuracy at layer ${res.interventions[task].layer}`,
        width: 200,
      })
    ),
    {
      title: `paper: well separated +${p.wellSeparated.positive * 100}% / ${
        p.wellSeparated.negative * 100
      }%, overlapping +${p.overlapping.positive * 100}% / ${p.overlapping.negative * 100}%`,
    },
  );
}

/**
 * Table 1 rows: TD and accuracy per task for the base model and both LoRA arms, ours beside
 * the paper's.
 *
 * @example
 * ```ts
 * import { showTable } from "toolkit";
 * import type { IclLmResult } from "toolkit/icl-lm";
 *
 * declare const result: IclLmResult; // await runIclLm(…)
 * await showTable(iclLmFinetuneTableRows(result.summary));
 * ```
 */
export function iclLmFinetuneTableRows(summary: IclLmResult["summary"]): Row[] {
  const ft = summary.finetune;
  if (!ft) return [];
  const arms = [["pretrained", ft.base, undefined], [
    "first third",
    ft.first.tasks,
    ft.first.layers,
  ], ["last third", ft.last.tasks, ft.last.layers]] as const;
  const paper = {
    "pretrained": ICL_LM_PAPER.finetune.base,
    "first third": ICL_LM_PAPER.finetune.first,
    "last third": ICL_LM_PAPER.finetune.last,
  };
  return arms.flatMap(([setting, tasks, layers]) =>
    Object.entries(tasks).map(([task, v]) => ({
      task,
      setting,
      layers: layers ? layers.join(",") : "",
      td: v.td,
      accuracy: v.accuracy,
      paper_td: paper[setting][paperKey(task)].td,
      paper_accuracy: paper[setting][paperKey(task)].accuracy,
    }))
  );
}

/**
 * The task LM's training: loss per logged step and, when evaluated during training, the
 * held-out accuracy per task (a small probe set: 4 prompts per concept and shot count).
 *
 * @example
 * ```ts
 * import { show } from "toolkit";
 * import type { IclLmResult } from "toolkit/icl-lm";
 *
 * declare const result: IclLmResult; // await runIclLm(…)
 * await show(iclLmTrainingFigure(result));
 * ```
 */
export function iclLmTrainingFigure(
  res: Pick<IclLmResult, "history" | "trainAccuracy">,
): VegaLiteSpec {
  const loss = lineChart(res.history.map((h) => ({ step: h.step, loss: h.loss })), {
    x: "step",
    y: "loss",
    yTitle: "train loss (nats/token, outputs)",
    title: "task LM training loss",
    width: 300,
  });
  if (!res.trainAccuracy?.length) return loss;
  return concat([
    loss,
    lineChart(res.trainAccuracy.map((r) => ({ ...r })), {
      x: "step",
      y: "accuracy",
      color: "task",
      points: true,
      yDomain: [0, 1],
      yTitle: "held-out accuracy (probe set)",
      title: "accuracy during training",
      width: 300,
    }),
  ]);
}

/**
 * Accuracy table rows: one per (task, concept), a column per shot count and the mean.
 *
 * @example
 * ```ts
 * import { showTable } from "toolkit";
 * import type { IclLmResult } from "toolkit/icl-lm";
 *
 * declare const result: IclLmResult; // await runIclLm(…)
 * await showTable(iclLmAccuracyRows(result));
 * ```
 */
export function iclLmAccuracyRows(res: Pick<IclLmResult, "base">): Row[] {
  return res.base.flatMap((m) =>
    m.concepts.map((concept) => ({
      task: m.task,
      concept,
      ...Object.fromEntries(
        m.accuracy.filter((a) => a.concept === concept).map((a) => [`k=${a.shots}`, a.accuracy]),
      ),
      mean: m.accuracyPerConcept[concept],
      td: m.tdPerConcept[concept],
    }))
  );
}

/**
 * R² rows: ours per task beside the paper's models.
 *
 * @example
 * ```ts
 * import { showTable } from "toolkit";
 * import type { IclLmResult } from "toolkit/icl-lm";
 *
 * declare const result: IclLmResult; // await runIclLm(…)
 * await showTable(iclLmR2Rows(result));
 * ```
 */
export function iclLmR2Rows(res: Pick<IclLmResult, "base" | "summary">): Row[] {
  const ours = Object.fromEntries(res.base.map((m) => [m.task, m.fit.r2]));
  return [
    {
      model: `ours: ${res.summary.model.source}`,
      pos: ours.pos ?? null,
      bitwise: ours.bitwise ?? null,
    },
    { model: `paper: ${ICL_LM_PAPER.model}`, ...ICL_LM_PAPER.r2 },
    ...ICL_LM_PAPER.r2OtherModels.map((r) => ({ ...r, model: `paper: ${r.model}` })),
  ];
}

/**
 * Intervention group averages, ours beside the paper's.
 *
 * @example
 * ```ts
 * import { showTable } from "toolkit";
 * import type { IclLmResult } from "toolkit/icl-lm";
 *
 * declare const result: IclLmResult; // await runIclLm(…)
 * await showTable(iclLmInterventionSummaryRows(result));
 * ```
 */
export function iclLmInterventionSummaryRows(res: Pick<IclLmResult, "interventions">): Row[] {
  const p = ICL_LM_PAPER.intervention;
  return Object.entries(res.interventions).flatMap(([task, iv]) =>
    (["wellSeparated", "overlapping"] as const).map((g) => ({
      task,
      group: g === "wellSeparated" ? "well separated" : "overlapping",
      concepts: iv[g].concepts.join(", "),
      positive: iv[g].positive,
      negative: iv[g].negative,
      paper_positive: p[g].positive,
      paper_negative: p[g].negative,
    }))
  );
}
