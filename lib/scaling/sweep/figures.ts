/**
 * Figures of the small-scale sweep: loss versus model size at each compute budget (IsoFLOP
 * profiles with their parabolas and minima), and N_opt versus C with the fitted power laws for
 * both countings. Paper values appear only as labelled slope references.
 *
 * @module
 */
import {
  lineChart,
  overlay,
  type Row,
  scatterChart,
  type VegaLiteSpec,
  writeFigure,
} from "../../plot/mod.ts";
import type { ParamCounting } from "../frontier.ts";
import { evalScalingPowerLaw } from "../power_law.ts";
import type { ScalingSweepResult } from "./run.ts";
import { PAPER_SWEEP_EXPONENTS } from "./run.ts";
import { isoFlopParabola, type SweepAnalysis, type SweepOptimum } from "./analysis.ts";

const LABEL: Record<ParamCounting, { n: string; c: string }> = {
  total: { n: "N_T", c: "C_T" },
  nonEmbedding: { n: "N_\\E", c: "C_\\E" },
};

/**
 * Finishing touches: log scales without `zero` (Vega-Lite warns when a log scale asks for
 * zero), one shared colour scale with its domain in a fixed order (so colours agree across
 * layers and one legend remains), and wide legend labels.
 */
function finishSpec(spec: VegaLiteSpec, domain: string[]): VegaLiteSpec {
  (spec.layer ?? [spec]).forEach((layer: VegaLiteSpec) => {
    for (const ch of ["x", "y"]) {
      const enc = layer.encoding?.[ch];
      if (enc?.scale?.type === "log") enc.scale = { type: "log" };
    }
    const color = layer.encoding?.color;
    if (color?.field) color.scale = { domain };
    if (layer.encoding?.fill?.condition) layer.encoding.fill.condition.scale = { domain };
  });
  return {
    ...spec,
    resolve: { scale: { color: "shared" } },
    config: { legend: { labelLimit: 400 } },
  };
}

/**
 * Loss versus N (log axis) at each budget of one counting: the runs (hollow: interpolated
 * between two runs of a size), each profile's parabola in log N, and its minimum (black).
 *
 * @example
 * ```ts
 * import { show } from "toolkit";
 * import type { ScalingSweepResult } from "toolkit/scaling";
 *
 * declare const result: ScalingSweepResult;
 * await show(sweepIsoFlopFigure(result.analysis, "total"));
 * ```
 */
export function sweepIsoFlopFigure(analysis: SweepAnalysis, counting: ParamCounting): VegaLiteSpec {
  const { n: nLabel, c: cLabel } = LABEL[counting];
  const budget = (c: number) => `${cLabel} = ${c.toExponential(2)}`;
  const domain = analysis.profiles[counting].map((p) => budget(p.compute));
  const pts: Row[] = [], curves: Row[] = [], minima: Row[] = [];
  for (const p of analysis.profiles[counting]) {
    for (const q of p.points) {
      pts.push({
        N: q.n,
        loss: q.loss,
        budget: budget(p.compute),
        tokens: q.tokens,
        interpolated: q.interpolated,
      });
    }
    if (!p.fit) continue;
    const ns = p.points.map((q) => q.n);
    const lo = Math.min(...ns), hi = Math.max(...ns);
    for (let i = 0; i <= 40; i++) {
      const N = lo * (hi / lo) ** (i / 40);
      curves.push({ N, loss: isoFlopParabola(p.fit, N), budget: budget(p.compute) });
    }
    minima.push({
      N: p.fit.nOpt,
      loss: p.fit.lossOpt,
      budget: budget(p.compute),
      interior: p.fit.interior,
    });
  }
  const axes = {
    x: "N",
    y: "loss",
    logX: true,
    color: "budget",
    xTitle: `${nLabel} (parameters)`,
    yTitle: "validation loss (nats/token)",
  };
  const points = scatterChart(pts, { ...axes, size: 50, tooltip: ["tokens", "interpolated"] });
  points.mark = { type: "point", size: 50 };
  points.encoding.fill = {
    condition: { test: "!datum.interpolated", field: "budget", type: "nominal" },
    value: "white",
  };
  const mins = scatterChart(minima, { ...axes, size: 120, tooltip: ["interior"] });
  mins.mark = { type: "point", shape: "diamond", filled: true, size: 120, color: "black" };
  delete mins.encoding.color;
  return finishSpec(
    overlay([
      { ...lineChart(curves, axes), width: 460, height: 300 },
      points,
      mins,
    ], {
      title: `IsoFLOP profiles, ${
        counting === "total" ? "total" : "non-embedding"
      } counting (◆ parabola minimum)`,
    }),
    domain,
  );
}

/**
 * N_opt versus C for both countings: the IsoFLOP optima as N_T vs C_T and, the same optima,
 * as N_\E vs C_\E (hollow: minimum at the edge of the sizes, left out of the fits), the
 * minima of IsoFLOPs at fixed C_\E when there are any, the fitted power laws, and the paper's
 * exponents as dashed slope references drawn through our optima's geometric mean.
 *
 * @example
 * ```ts
 * import { show } from "toolkit";
 * import type { ScalingSweepResult } from "toolkit/scaling";
 *
 * declare const result: ScalingSweepResult;
 * await show(sweepOptimaFigure(result.analysis));
 * ```
 */
export function sweepOptimaFigure(analysis: SweepAnalysis): VegaLiteSpec {
  const pts: Row[] = [], fits: Row[] = [], paper: Row[] = [];
  const series = [
    {
      key: "total",
      rows: analysis.optimal.total,
      name: "total: N_T vs C_T",
      paper: PAPER_SWEEP_EXPONENTS.total,
    },
    {
      key: "nonEmbedding",
      rows: analysis.optimal.total,
      name: "non-embedding: N_\\E vs C_\\E",
      paper: PAPER_SWEEP_EXPONENTS.nonEmbedding,
    },
    {
      key: "nonEmbeddingIsoFlop",
      rows: analysis.optimal.nonEmbedding,
      name: "non-embedding, IsoFLOPs at fixed C_\\E",
      paper: null,
    },
  ] as const;
  for (const s of series) {
    const nonE = s.key !== "total";
    const at = (r: SweepOptimum) => ({
      C: nonE ? r.C_nonEmbedding : r.C_total,
      N: nonE ? r.N_nonEmbedding : r.N_total,
    });
    for (const r of s.rows) {
      pts.push({ ...at(r), series: s.name, interior: r.interior, loss: r.loss });
    }
    const fit = analysis.fits[s.key];
    const inside = s.rows.filter((r) => r.interior).map(at);
    if (!fit || inside.length < 2) continue;
    const cs = inside.map((p) => p.C);
    const lo = Math.min(...cs) / 1.5, hi = Math.max(...cs) * 1.5;
    for (const C of [lo, hi]) {
      fits.push({
        C,
        N: evalScalingPowerLaw(fit, C),
        series: `ours, ${s.name}: a = ${fit.exponent.toFixed(3)}`,
      });
    }
    if (s.paper === null) continue;
    const gm = (xs: number[]) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
    const gmC = gm(cs), gmN = gm(inside.map((p) => p.N));
    for (const C of [lo, hi]) {
      paper.push({
        C,
        N: gmN * (C / gmC) ** s.paper,
        series: `paper's a = ${s.paper} (slope only)`,
      });
    }
  }
  const axes = {
    x: "C",
    y: "N",
    logX: true,
    logY: true,
    color: "series",
    xTitle: "C = 6·N·D (FLOP, N in the same counting)",
    yTitle: "N_opt (parameters)",
  };
  const points = scatterChart(pts, { ...axes, size: 70, tooltip: ["interior", "loss"] });
  points.mark = { type: "point", size: 70 };
  points.encoding.fill = {
    condition: { test: "datum.interior", field: "series", type: "nominal" },
    value: "white",
  };
  const layers = [
    { ...scatterChart([], axes), width: 460, height: 300 },
    ...(fits.length ? [lineChart(fits, axes)] : []),
    ...(paper.length ? [lineChart(paper, { ...axes, dashed: true })] : []),
    points,
  ];
  const domain = [...new Set([...pts, ...fits, ...paper].map((r) => String(r.series)))];
  return finishSpec(
    overlay(layers, {
      title: "Compute-optimal size versus compute (hollow: minimum at an edge, not fitted)",
    }),
    domain,
  );
}

/**
 * Writes the sweep's figures as `scaling_sweep_isoflop_total.svg`,
 * `scaling_sweep_isoflop_nonembedding.svg` and `scaling_sweep_optima.svg` (+ their specs) under
 * `outDir`; returns the SVG paths.
 *
 * @example
 * ```ts
 * import type { ScalingSweepResult } from "toolkit/scaling";
 *
 * declare const result: ScalingSweepResult;
 * await writeSweepFigures(result, "results/figures");
 * ```
 */
export async function writeSweepFigures(
  result: ScalingSweepResult,
  outDir: string,
): Promise<string[]> {
  const prefix = result.preset === "cpu" ? "scaling_sweep" : `scaling_sweep_${result.preset}`;
  return [
    await writeFigure(
      sweepIsoFlopFigure(result.analysis, "total"),
      `${outDir}/${prefix}_isoflop_total`,
    ),
    await writeFigure(
      sweepIsoFlopFigure(result.analysis, "nonEmbedding"),
      `${outDir}/${prefix}_isoflop_nonembedding`,
    ),
    await writeFigure(sweepOptimaFigure(result.analysis), `${outDir}/${prefix}_optima`),
  ];
}
