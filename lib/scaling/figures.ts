/**
 * Figures of the paper-2 analysis: each function turns computed results into rows and the rows
 * into a Vega-Lite spec (with the `lib/plot` builders). Paper values appear only as labelled
 * reference lines.
 *
 * @module
 */
import { lineChart, overlay, type Row, scatterChart, type VegaLiteSpec } from "../plot/mod.ts";
import type { Approach3Bootstrap } from "./bootstrap.ts";
import type { EnvelopePoint } from "./compute_envelope.ts";
import type { ScalingPoints } from "./data.ts";
import type { Approach3Fit } from "./fit.ts";
import { frontierLogspace, type FrontierResult } from "./frontier.ts";
import { type ChinchillaCoeffs, chinchillaOptimalAllocation } from "./laws.ts";
import {
  analyticOptimalCompute,
  localExponentAsymptotes,
  localExponentG,
} from "./local_exponent.ts";
import type { ChinchillaModelShape, OmegaFit } from "./omega_fit.ts";
import { evalScalingPowerLaw } from "./power_law.ts";

const fmt = (x: number, digits = 3) => Number(x.toPrecision(digits)).toLocaleString("en-US");

/** Gives a single-series layer a fixed colour (so independent colour scales stay distinct). */
function tint(spec: VegaLiteSpec, color: string): VegaLiteSpec {
  if (spec.encoding?.color) spec.encoding.color.scale = { range: [color] };
  return spec;
}

/**
 * Finishing touches on a spec: wide legend labels, a colour-legend title per layer, and no
 * `zero` on log scales (Vega-Lite warns about it on every render).
 */
function finish(spec: VegaLiteSpec, legendTitles: (string | null)[] = []): VegaLiteSpec {
  const strip = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(strip);
    else if (node && typeof node === "object") {
      const o = node as Record<string, unknown>;
      const scale = o.scale as Record<string, unknown> | undefined;
      if (scale && scale.type === "log") delete scale.zero;
      Object.values(o).forEach(strip);
    }
  };
  strip(spec);
  (spec.layer ?? []).forEach((l: VegaLiteSpec, i: number) => {
    if (legendTitles[i] !== undefined && l.encoding?.color) {
      l.encoding.color.title = legendTitles[i];
    }
  });
  return { ...spec, config: { ...(spec.config ?? {}), legend: { labelLimit: 380 } } };
}

/**
 * N_T versus N_\E: Chinchilla's 50 shapes, our fitted curves and the identity.
 *
 * @example
 * ```ts
 * import { show } from "toolkit";
 * import { type ChinchillaModelShape, fitOmega } from "toolkit/scaling";
 *
 * declare const shapes: ChinchillaModelShape[]; // loadChinchillaModelShapes()
 * await show(omegaFigure(shapes, [fitOmega(shapes), fitOmega(shapes, { exponent: 1 / 3 })]));
 * ```
 */
export function omegaFigure(shapes: ChinchillaModelShape[], fits: OmegaFit[]): VegaLiteSpec {
  const o = {
    x: "N_T",
    y: "N_nonE",
    logX: true,
    logY: true,
    color: "series",
    xTitle: "N_T, total parameters",
    yTitle: "N_\\E, non-embedding parameters",
  };
  const pts: Row[] = shapes.map((s) => ({
    N_T: s.params,
    N_nonE: s.nonEmbedding,
    series: "Chinchilla configs",
  }));
  const ne = [...frontierLogspace(6, 10.3, 60)];
  const lines: Row[] = ne.map((n) => ({ N_T: n, N_nonE: n, series: "N_T = N_\\E" }));
  for (const f of fits) {
    const label = `ours: N_T = N_\\E + ${fmt(f.omega, 5)}·N_\\E^${fmt(f.exponent, 3)}`;
    for (const n of ne) {
      lines.push({ N_T: n + f.omega * n ** f.exponent, N_nonE: n, series: label });
    }
  }
  return finish(
    overlay([
      lineChart(lines, { ...o, width: 460, height: 300 }),
      scatterChart(pts, { ...o, size: 30 }),
    ], { title: "Total vs non-embedding parameters (Chinchilla's 50 shapes)" }),
    ["curves", "data"],
  );
}

/**
 * Loss versus compute for every simulated model (colour: log10 N) and the compute-efficient
 * frontier points.
 *
 * @example
 * ```ts
 * import { show } from "toolkit";
 * import type { FrontierResult } from "toolkit/scaling";
 *
 * declare const frontiers: Record<"epoch", Record<"nonEmbedding", FrontierResult>>;
 * await show(frontierLossFigure(frontiers.epoch.nonEmbedding));
 * ```
 */
export function frontierLossFigure(f: FrontierResult, opts: { title?: string } = {}): VegaLiteSpec {
  const total = f.config.counting === "total";
  const rows: Row[] = [];
  f.models.forEach((m, i) => {
    const n = total ? m.nTotal : m.nNonEmbedding;
    for (let k = 0; k < f.tokens.length; k += 10) {
      const c = 6 * n * f.tokens[k];
      if (c < 1e10 || c > 1e23) continue;
      const loss = f.coeffs.E + f.coeffs.A / m.nTotal ** f.coeffs.alpha +
        f.coeffs.B / f.tokens[k] ** f.coeffs.beta;
      rows.push({ C: c, loss, model: i, log10N: Math.log10(n) });
    }
  });
  const cLabel = total ? "C_T" : "C_\\E";
  const axes = {
    x: "C",
    y: "loss",
    logX: true,
    logY: true,
    xTitle: `${cLabel} = 6·N·D (FLOP)`,
    yTitle: "loss (nats)",
  };
  const curves = lineChart(rows, { ...axes, width: 420, height: 300 });
  curves.encoding.color = {
    field: "log10N",
    type: "quantitative",
    scale: { scheme: "plasma" },
    title: "log10 N",
  };
  curves.encoding.detail = { field: "model", type: "nominal" };
  const frontier = scatterChart(
    f.points.map((p) => ({ C: p.compute, loss: p.loss, series: "compute-efficient frontier" })),
    { ...axes, color: "series", size: 14 },
  );
  frontier.encoding.color.scale = { range: ["red"] };
  return finish(
    overlay([curves, frontier], {
      title: opts.title ?? `Loss vs ${cLabel} (${total ? "total" : "non-embedding"} counting)`,
    }),
    ["log10 N", null],
  );
}

/**
 * N* versus C for several frontiers: the simulated optimal points and each least-squares fit.
 *
 * @example
 * ```ts
 * import { show } from "toolkit";
 * import type { FrontierResult } from "toolkit/scaling";
 *
 * declare const f: FrontierResult; // simulateFrontier(EPOCH_COEFFS)
 * await show(frontierExponentFigure([{ label: "Epoch, N_\\E", frontier: f }]));
 * ```
 */
export function frontierExponentFigure(
  runs: { label: string; frontier: FrontierResult }[],
  opts: { title?: string } = {},
): VegaLiteSpec {
  const pts: Row[] = [], lines: Row[] = [];
  for (const { label, frontier } of runs) {
    const name = `${label}: a = ${frontier.fit.exponent.toFixed(3)}`;
    for (const p of frontier.points) pts.push({ C: p.compute, N: p.nOpt, series: name });
    const cs = frontier.points.map((p) => p.compute);
    for (const c of [cs[0], cs[cs.length - 1]]) {
      lines.push({ C: c, N: evalScalingPowerLaw(frontier.fit, c), series: name });
    }
  }
  const o = {
    x: "C",
    y: "N",
    color: "series",
    logX: true,
    logY: true,
    xTitle: "C (FLOP)",
    yTitle: "N* (compute-optimal)",
  };
  return finish(
    overlay([
      scatterChart(pts, { ...o, size: 16, width: 460, height: 320 }),
      lineChart(lines, o),
    ], { title: opts.title ?? "Compute-optimal N* vs C, with least-squares fits" }),
    ["simulated optimum", "least-squares fit"],
  );
}

/**
 * The analytic local exponent g against C_\E for each coefficient set, with its two asymptotes
 * (dashed), and, where given, the simulated frontiers' fitted exponents over their budgets.
 *
 * @example
 * ```ts
 * import { show } from "toolkit";
 * import { EPOCH_COEFFS } from "toolkit/scaling";
 *
 * await show(localExponentFigure([{ label: "Epoch", coeffs: EPOCH_COEFFS }], { omega: 47491 }));
 * ```
 */
export function localExponentFigure(
  sets: { label: string; coeffs: ChinchillaCoeffs; frontier?: FrontierResult }[],
  opts: { omega: number },
): VegaLiteSpec {
  const curve: Row[] = [], asym: Row[] = [], fits: Row[] = [];
  const ns = [...frontierLogspace(2, 11, 120)];
  for (const { label, coeffs, frontier } of sets) {
    const cs = ns.map((n) => analyticOptimalCompute(n, coeffs, opts.omega));
    ns.forEach((n, i) =>
      curve.push({
        C: cs[i],
        g: localExponentG(n, coeffs, opts.omega),
        series: `${label}: g(N_\\E)`,
      })
    );
    const a = localExponentAsymptotes(coeffs);
    for (const [k, v] of [["β/(β+α/3)", a.small], ["β/(α+β)", a.large]] as const) {
      for (const c of [cs[0], cs[cs.length - 1]]) {
        asym.push({ C: c, g: v, series: `${label}: ${k} = ${v.toFixed(3)}` });
      }
    }
    if (frontier) {
      const pc = frontier.points.map((p) => p.compute);
      for (const c of [pc[0], pc[pc.length - 1]]) {
        fits.push({
          C: c,
          g: frontier.fit.exponent,
          series: `${label}: frontier fit ${frontier.fit.exponent.toFixed(3)}`,
        });
      }
    }
  }
  const o = {
    x: "C",
    y: "g",
    color: "series",
    logX: true,
    xTitle: "C_\\E (FLOP)",
    yTitle: "g = d log N*_\\E / d log C_\\E",
  };
  // One colour per coefficient set across the layers.
  const palette = ["#4c78a8", "#f58518", "#54a24b", "#e45756"];
  const colored = (rows: Row[], spec: VegaLiteSpec) => {
    const domain = [...new Set(rows.map((r) => r.series as string))];
    const range = domain.map((d) =>
      palette[sets.findIndex((s) => d.startsWith(`${s.label}:`)) % palette.length]
    );
    spec.encoding.color.scale = { domain, range };
    return spec;
  };
  const layers = [
    colored(curve, lineChart(curve, { ...o, width: 460, height: 300 })),
    colored(asym, lineChart(asym, { ...o, dashed: true })),
  ];
  if (fits.length) layers.push(colored(fits, lineChart(fits, { ...o, points: true })));
  return finish(overlay(layers, { title: "Local exponent g and its asymptotes" }), [
    "analytic g",
    "asymptotes",
    "frontier fits (over their budgets)",
  ]);
}

/**
 * Loss along a frontier against compute, in Kaplan's form (L) and with the offset (L − E),
 * each with its least-squares power law.
 *
 * @example
 * ```ts
 * import { show } from "toolkit";
 * import type { FrontierResult } from "toolkit/scaling";
 *
 * declare const f: FrontierResult, slopes: { withoutOffset: number; withOffset: number };
 * await show(lossComputeFigure(f, slopes));
 * ```
 */
export function lossComputeFigure(
  f: FrontierResult,
  slopes: { withoutOffset: number; withOffset: number },
): VegaLiteSpec {
  const rows: Row[] = [];
  for (const p of f.points) {
    rows.push({
      C: p.compute,
      loss: p.loss,
      series: `L (slope ${slopes.withoutOffset.toFixed(3)})`,
    });
    rows.push({
      C: p.compute,
      loss: p.loss - f.coeffs.E,
      series: `L − E (slope ${slopes.withOffset.toFixed(3)})`,
    });
  }
  return finish(scatterChart(rows, {
    x: "C",
    y: "loss",
    color: "series",
    logX: true,
    logY: true,
    size: 14,
    width: 420,
    height: 280,
    title: `Loss–compute along the ${f.config.counting === "total" ? "C_T" : "C_\\E"} frontier`,
    xTitle: "C (FLOP)",
    yTitle: "loss (nats)",
  }));
}

/**
 * Real data (loss vs training FLOP, coloured by model size) with the compute-optimal loss of
 * our fit (solid) and of Epoch AI's published fit (dashed, labelled as theirs).
 *
 * @example
 * ```ts
 * import { show } from "toolkit";
 * import { type Approach3Fit, PAPER_SCALING_NUMBERS, type ScalingPoints } from "toolkit/scaling";
 *
 * declare const points: ScalingPoints, fit: Approach3Fit;
 * await show(dataFitFigure(points, fit, PAPER_SCALING_NUMBERS.epochRefit));
 * ```
 */
export function dataFitFigure(
  points: ScalingPoints,
  fit: ChinchillaCoeffs,
  epoch: ChinchillaCoeffs,
): VegaLiteSpec {
  const data: Row[] = points.n.map((n, i) => ({
    C: 6 * n * points.d[i],
    loss: points.loss[i],
    log10N: Math.log10(n),
  }));
  const cs = data.map((r) => r.C as number), ls = data.map((r) => r.loss as number);
  const grid = [...frontierLogspace(Math.log10(Math.min(...cs)), Math.log10(Math.max(...cs)), 60)];
  const line = (label: string, c: ChinchillaCoeffs) =>
    grid.map((C) => ({ C, loss: chinchillaOptimalAllocation(C, c).loss, series: label }));
  const axes = {
    x: "C",
    y: "loss",
    logX: true,
    logY: true,
    xTitle: "training FLOP",
    yTitle: "loss (nats)",
    yDomain: [Math.min(...ls) * 0.95, Math.max(...ls) * 1.05] as [number, number],
  };
  const sc = scatterChart(data, { ...axes, size: 18, width: 460, height: 300 });
  sc.encoding.color = {
    field: "log10N",
    type: "quantitative",
    scale: { scheme: "viridis" },
    title: "log10 N",
  };
  return finish(
    overlay([
      sc,
      tint(lineChart(line("ours", fit), { ...axes, color: "series" }), "#e45756"),
      tint(
        lineChart(line("Epoch AI (published)", epoch), { ...axes, color: "series", dashed: true }),
        "#222222",
      ),
    ], { title: "Chinchilla's Figure-4 points and the fitted compute-optimal loss" }),
    ["log10 N", "our fit", "paper's fit"],
  );
}

/**
 * N_opt versus C from our fit with its bootstrap band, Epoch AI's published fit (dashed), and
 * the empirical lower-envelope runs.
 *
 * @example
 * ```ts
 * import { show } from "toolkit";
 * import { type Approach3Bootstrap, type Approach3Fit, type computeEnvelopeFit, PAPER_SCALING_NUMBERS } from "toolkit/scaling";
 *
 * declare const fit: Approach3Fit, bootstrap: Approach3Bootstrap;
 * declare const envelope: ReturnType<typeof computeEnvelopeFit>;
 * await show(nOptFigure(fit, bootstrap, envelope.points, PAPER_SCALING_NUMBERS.epochRefit));
 * ```
 */
export function nOptFigure(
  fit: Approach3Fit,
  bootstrap: Approach3Bootstrap,
  envelope: EnvelopePoint[],
  epoch: ChinchillaCoeffs,
): VegaLiteSpec {
  const grid = [...frontierLogspace(18, 25, 40)];
  const tail = (1 - bootstrap.level) / 2;
  const band: Row[] = grid.map((C) => {
    const ns = bootstrap.draws.A.map((A, i) =>
      chinchillaOptimalAllocation(C, {
        A,
        B: bootstrap.draws.B[i],
        E: bootstrap.draws.E[i],
        alpha: bootstrap.draws.alpha[i],
        beta: bootstrap.draws.beta[i],
      }).nOpt
    ).sort((a, b) => a - b);
    const q = (p: number) =>
      ns[Math.min(ns.length - 1, Math.max(0, Math.round(p * (ns.length - 1))))];
    return { C, lo: q(tail), hi: q(1 - tail) };
  });
  const line = (label: string, c: ChinchillaCoeffs) =>
    grid.map((C) => ({
      C,
      N: chinchillaOptimalAllocation(C, c).nOpt,
      series: `${label}: a = ${(c.beta / (c.alpha + c.beta)).toFixed(3)}`,
    }));
  const axes = {
    x: "C",
    y: "N",
    logX: true,
    logY: true,
    color: "series",
    xTitle: "C (FLOP)",
    yTitle: "N_opt (parameters)",
  };
  const bandSpec: VegaLiteSpec = {
    data: { values: band },
    mark: { type: "area", opacity: 0.25, color: "steelblue" },
    encoding: {
      x: { field: "C", type: "quantitative", scale: { type: "log" }, title: axes.xTitle },
      y: { field: "lo", type: "quantitative", scale: { type: "log" }, title: axes.yTitle },
      y2: { field: "hi" },
    },
  };
  const env = envelope.map((p) => ({
    C: p.compute,
    N: p.n,
    series: "lowest-loss run per compute bin",
  }));
  return finish(
    overlay([
      { ...bandSpec, width: 460, height: 300 },
      tint(lineChart(line("ours", fit), axes), "#e45756"),
      tint(lineChart(line("Epoch AI (published)", epoch), { ...axes, dashed: true }), "#222222"),
      tint(scatterChart(env, { ...axes, size: 30 }), "#54a24b"),
    ], {
      title: `N_opt vs C (band: ${
        Math.round(bootstrap.level * 100)
      }% bootstrap interval of our fit)`,
    }),
    [null, "our fit", "paper's fit", "data"],
  );
}
