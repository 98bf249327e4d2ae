/**
 * The resource model's figures as Vega-Lite specs, from computed rows; the paper's digitised
 * values are overlaid as points labelled "paper (digitised)".
 *
 * @module
 */
import {
  concat,
  lineChart,
  overlay,
  type Row,
  scatterChart,
  type VegaLiteSpec,
} from "../plot/specs.ts";
import type { ChinchillaLink } from "./chinchilla_link.ts";
import { fitLogLog } from "../numeric/fit.ts";
import type { ModuleAnalysis } from "./modules.ts";
import type { PaperValues } from "./paper_values.ts";
import type { ParityResult } from "./sparse_parity.ts";
import type { ExperimentSummary } from "./summaries.ts";

const PAPER = "paper (digitised)";
const LOGLOG = { logX: true, logY: true } as const;
/** Layers on shared axes and one shared colour scale (ours, the paper's and fits get distinct colours). */
const overlaid = (specs: VegaLiteSpec[], opts: { title?: string } = {}): VegaLiteSpec => ({
  ...overlay(specs, opts),
  resolve: { scale: { color: "shared" } },
});
/** Chart options of an MSE-vs-neurons log-log panel. */
const mseVsNeurons = (color: string, title?: string) =>
  ({ ...SMALL, ...LOGLOG, x: "neurons", y: "mse", color, title }) as const;
const SMALL = { width: 260, height: 200 };

/** Rows of the power law y = c·x^slope through the geometric centre of (x, y), over x's range. */
function powerLawRows(
  x: number[],
  y: number[],
  slope: number,
  label: string,
  xKey: string,
  yKey: string,
): Row[] {
  const ok = x.map((v, i) => [v, y[i]]).filter(([a, b]) => a > 0 && b > 0);
  if (ok.length < 1 || !Number.isFinite(slope)) return [];
  const lx = ok.reduce((s, [a]) => s + Math.log(a), 0) / ok.length;
  const ly = ok.reduce((s, [, b]) => s + Math.log(b), 0) / ok.length;
  const lo = Math.min(...ok.map(([a]) => a)), hi = Math.max(...ok.map(([a]) => a));
  return [lo, hi].map((v) => ({
    [xKey]: v,
    [yKey]: Math.exp(ly + slope * (Math.log(v) - lx)),
    source: label,
  }));
}

function oursVsPaper(
  ours: Row[],
  paper: Row[],
  o: {
    x: string;
    y: string;
    title: string;
    logX?: boolean;
    logY?: boolean;
    xTitle?: string;
    yTitle?: string;
  },
) {
  const base = {
    ...SMALL,
    x: o.x,
    y: o.y,
    color: "source",
    logX: o.logX,
    logY: o.logY,
    xTitle: o.xTitle,
    yTitle: o.yTitle,
  };
  const layers = [lineChart(ours, { ...base, points: true })];
  if (paper.length) layers.push(scatterChart(paper, { ...base, size: 70 }));
  return overlaid(layers, { title: o.title });
}

/**
 * Fig. 2: allocated neurons and MSE against α, and MSE against neurons (with our fit and N⁻¹).
 *
 * @example
 * ```ts
 * import { show } from "toolkit";
 * import { paperValues } from "./mod.ts";
 * import type { ExperimentSummary } from "./mod.ts";
 *
 * declare const summary: ExperimentSummary; // summariseExperiment("single", …)
 * await show(singleFigure(summary, await paperValues()));
 * ```
 */
export function singleFigure(
  s: ExperimentSummary,
  paper?: PaperValues,
): VegaLiteSpec {
  const ser = s.series[0];
  const ours = ser.x.map((a, i) => ({
    alpha: a,
    neurons: ser.neurons[i],
    mse: ser.mse[i],
    source: "ours",
  }));
  const pp = paper
    ? paper.single.alphas.map((a, i) => ({
      alpha: a,
      neurons: paper.single.neurons[i],
      mse: paper.single.mse[i],
      source: PAPER,
    }))
    : [];
  const fit = powerLawRows(
    ser.neurons,
    ser.mse,
    s.slope,
    `ours: N^${s.slope.toFixed(2)}`,
    "neurons",
    "mse",
  );
  const ref = powerLawRows(ser.neurons, ser.mse, -1, "N^-1", "neurons", "mse");
  return concat([
    oursVsPaper(ours, pp, { ...LOGLOG, x: "alpha", y: "neurons", title: "allocated neurons vs α" }),
    oursVsPaper(ours, pp, { ...LOGLOG, x: "alpha", y: "mse", title: "MSE vs α" }),
    overlaid([
      scatterChart([...ours, ...pp], mseVsNeurons("source")),
      lineChart([...fit, ...ref], { ...mseVsNeurons("source"), dashed: true }),
    ], { title: "MSE vs allocated neurons" }),
  ], { title: "Single task y = x² (Fig. 2)" });
}

/**
 * Fig. 3: neuron ratio N1/N2 and inverse MSE ratio MSE2/MSE1 against α per β (the paper's
 * ratios as points), and task loss against total neurons per β.
 *
 * @example
 * ```ts
 * import { show } from "toolkit";
 * import type { ExperimentSummary, PaperValues } from "./mod.ts";
 *
 * declare const summary: ExperimentSummary, paper: PaperValues;
 * await show(parallelFigure(summary, paper));
 * ```
 */
export function parallelFigure(
  s: ExperimentSummary,
  paper?: PaperValues,
): VegaLiteSpec {
  const rows = s.ratios.map((r) => ({ ...r, beta: `β=${r.beta}` }));
  const pp = paper
    ? paper.parallel.betas.flatMap((b, i) =>
      paper.parallel.alphas.map((a) => ({
        alpha: a,
        neuron_ratio: paper.parallel.neuron_ratio[i],
        beta: `β=${b}`,
        source: PAPER,
      }))
    )
    : [];
  // The paper's ratios: hollow diamonds in their β's colour.
  const paperMarks = {
    ...scatterChart(pp, {
      ...SMALL,
      x: "alpha",
      y: "neuron_ratio",
      color: "beta",
      ...LOGLOG,
      tooltip: ["source"],
    }),
    mark: { type: "point", shape: "diamond", filled: false, size: 80 },
  };
  const o = { ...SMALL, ...LOGLOG, x: "alpha", color: "beta" };
  const total = s.rows.map((r) => ({ neurons: r.neurons, mse: r.mse, beta: `β=${r.beta}` }));
  return concat([
    overlaid([
      lineChart(rows, { ...o, y: "neuron_ratio", points: true, yTitle: "N1 / N2" }),
      paperMarks,
    ], { title: `neuron ratio vs α (◇ ${PAPER})` }),
    lineChart(rows, {
      ...o,
      y: "inverse_mse_ratio",
      points: true,
      yTitle: "MSE2 / MSE1",
      title: "inverse loss ratio vs α",
    }),
    scatterChart(total, mseVsNeurons("beta", "task loss vs total neurons")),
  ], { title: "Two parallel tasks x1², x2² (Fig. 3)" });
}

/**
 * Fig. 4: neurons per hidden layer against α, held-out and training MSE against total neurons
 * (paper's end points), and the neurons correlated with g(x) per layer.
 *
 * @example
 * ```ts
 * import { show } from "toolkit";
 * import type { ExperimentSummary, PaperValues } from "./mod.ts";
 *
 * declare const summary: ExperimentSummary, paper: PaperValues;
 * await show(sequentialFigure(summary, paper));
 * ```
 */
export function sequentialFigure(
  s: ExperimentSummary,
  paper?: PaperValues,
): VegaLiteSpec {
  const depth = Math.max(...s.rows.map((r) => String(r.layers).split("/").length));
  const perLayer = s.rows.flatMap((r) =>
    String(r.layers).split("/").map((v, h) => ({
      alpha: r.alpha,
      neurons: Number(v),
      layer: `layer ${h + 1}`,
    }))
  );
  const gRows = s.rows.flatMap((r) =>
    Array.from(
      { length: depth },
      (_, h) => ({
        alpha: r.alpha,
        neurons: Number(r[`g_layer${h + 1}`] ?? 0),
        layer: `layer ${h + 1}`,
      }),
    )
  );
  const ours = s.rows.flatMap((r) => [
    { neurons: r.neurons, mse: r.mse, source: "ours (held-out)" },
    { neurons: r.neurons, mse: r.train_mse, source: "ours (training points)" },
  ]);
  const pq = paper?.sequential;
  const pp = pq
    ? [{ neurons: pq.neurons_first, mse: pq.mse_first, source: PAPER }, {
      neurons: pq.neurons_last,
      mse: pq.mse_last,
      source: PAPER,
    }]
    : [];
  const o = { ...SMALL, x: "alpha", y: "neurons", color: "layer", logX: true, points: true };
  return concat([
    lineChart(perLayer, { ...o, title: "allocated neurons per layer vs α" }),
    scatterChart([...ours, ...pp], mseVsNeurons("source", "MSE vs total neurons")),
    lineChart(gRows, {
      ...o,
      yTitle: "neurons with abs(r) > 0.99 with g",
      title: "neurons computing g(x)",
    }),
  ], { title: "Sequential task √((x1−x2)² + (x3−x4)²) (Fig. 4)" });
}

/**
 * Appendix: MSE against allocated neurons for each target, one panel per depth.
 *
 * @example
 * ```ts
 * import { show } from "toolkit";
 * import type { ExperimentSummary } from "./mod.ts";
 *
 * declare const summary: ExperimentSummary;
 * await show(functionsFigure(summary));
 * ```
 */
export function functionsFigure(s: ExperimentSummary): VegaLiteSpec {
  const depths = [...new Set(s.rows.map((r) => r.depth as number))].sort();
  return concat(
    depths.map((d) =>
      lineChart(
        s.rows.filter((r) => r.depth === d).map((r) => ({
          neurons: r.neurons,
          mse: r.mse,
          target: r.fn,
        })),
        {
          ...SMALL,
          x: "neurons",
          y: "mse",
          color: "target",
          logX: true,
          logY: true,
          points: true,
          title: `depth ${d}`,
        },
      )
    ),
    { title: "Appendix: ten targets, MSE vs allocated neurons" },
  );
}

/**
 * Appendix module analysis: the module errors of one network, and the cancellation factor
 * against the number of modules across α.
 *
 * @example
 * ```ts
 * import { show } from "toolkit";
 * import { moduleSweep } from "./mod.ts";
 * import type { ModuleAnalysis } from "./mod.ts";
 *
 * declare const analysis: ModuleAnalysis; // moduleAnalysis(net, task)
 * declare const rows: ReturnType<typeof moduleSweep>;
 * await show(modulesFigure(analysis, rows));
 * ```
 */
export function modulesFigure(
  one: ModuleAnalysis,
  acrossAlpha: { modules: number; mean_module_mse: number; summed_error_mse: number }[],
): VegaLiteSpec {
  const long = acrossAlpha.filter((r) => r.modules > 0).flatMap((r) => [
    { modules: r.modules, mse: r.mean_module_mse, quantity: "mean module error" },
    { modules: r.modules, mse: r.summed_error_mse, quantity: "summed module errors" },
  ]);
  const spec = concat([
    lineChart(one.curves, {
      ...SMALL,
      x: "x",
      y: "error",
      color: "module",
      title: `module errors (${one.modules.length} modules)`,
    }),
    scatterChart(long, {
      ...SMALL,
      x: "modules",
      y: "mse",
      ...LOGLOG,
      color: "quantity",
      yTitle: "MSE",
      title: "module vs summed error",
    }),
  ], { title: "Modules: neuron pairs and their errors" });
  return { ...spec, resolve: { scale: { color: "independent" } } };
}

/**
 * Chinchilla's 50 shapes: d_model and d_model·n_layers against parameters, with the fitted slopes.
 *
 * @example
 * ```ts
 * import { show } from "toolkit";
 * import { chinchillaLink } from "./mod.ts";
 *
 * await show(chinchillaFigure(await chinchillaLink()));
 * ```
 */
export function chinchillaFigure(link: ChinchillaLink): VegaLiteSpec {
  const rows = link.rows.flatMap((r) => [
    { params: r.params, value: r.d_model, quantity: "d_model" },
    { params: r.params, value: r.width_depth, quantity: "d_model·n_layers" },
  ]);
  const fitRows = (key: "d_model" | "width_depth", label: string) => {
    const f = fitLogLog(link.rows.map((r) => r.params), link.rows.map((r) => r[key]));
    return powerLawRows(
      link.rows.map((r) => r.params),
      link.rows.map((r) => r[key]),
      f.slope,
      label,
      "params",
      "value",
    )
      .map((r) => ({ ...r, quantity: r.source }));
  };
  const fits = [
    ...fitRows("d_model", `slope ${link.widthSlope.toFixed(3)}`),
    ...fitRows("width_depth", `slope ${link.widthDepthSlope.toFixed(3)}`),
  ];
  const o = {
    x: "params",
    y: "value",
    color: "quantity",
    logX: true,
    logY: true,
    width: 360,
    height: 240,
  };
  return overlaid([scatterChart(rows, o), lineChart(fits, { ...o, dashed: true })], {
    title: "Chinchilla shapes: width and width·depth vs parameters",
  });
}

/**
 * Beyond the paper: MSE against width without sparsity penalties, one line per task, with N⁻¹.
 *
 * @example
 * ```ts
 * import { show } from "toolkit";
 * import type { ExperimentSummary } from "./mod.ts";
 *
 * declare const summary: ExperimentSummary;
 * await show(widthFigure(summary));
 * ```
 */
export function widthFigure(s: ExperimentSummary): VegaLiteSpec {
  const rows: Row[] = s.rows.map((r) => ({ width: r.width, mse: r.mse, task: String(r.task) }));
  return lineChart(rows, {
    x: "width",
    y: "mse",
    color: "task",
    logX: true,
    logY: true,
    points: true,
    width: 360,
    height: 240,
    title: "No penalty: MSE vs width",
  });
}

/**
 * Beyond the paper: multitask sparse parity — expected loss and learned subtasks against width,
 * with the quantization model's predicted slope −zipf.
 *
 * @example
 * ```ts
 * import { show } from "toolkit";
 * import type { ParityResult } from "./mod.ts";
 *
 * declare const result: ParityResult;
 * await show(parityFigure(result));
 * ```
 */
export function parityFigure(r: ParityResult): VegaLiteSpec {
  const ours = r.widths.map((w) => ({ width: w.width, loss: w.loss, source: "ours" }));
  const pred = powerLawRows(
    r.widths.map((w) => w.width),
    r.widths.map((w) => w.loss),
    r.predicted,
    `predicted slope ${r.predicted}`,
    "width",
    "loss",
  );
  const o = { ...SMALL, x: "width", logX: true };
  return concat([
    overlaid([
      lineChart(ours, { ...o, y: "loss", color: "source", logY: true, points: true }),
      lineChart(pred, { ...o, y: "loss", color: "source", logY: true, dashed: true }),
    ], { title: "expected loss vs width" }),
    lineChart(r.widths.map((w) => ({ width: w.width, learned: w.learned })), {
      ...o,
      y: "learned",
      points: true,
      title: "subtasks learned",
    }),
  ], {
    title: `Multitask sparse parity (${r.config.tasks} subtasks, Zipf exponent ${r.config.zipf})`,
  });
}
