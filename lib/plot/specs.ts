/**
 * Vega-Lite spec builders. Figures are data first: an experiment returns rows, and these turn
 * rows into a spec that {@link ../plot/render.ts} draws as SVG or a notebook displays.
 *
 * @module
 */

/** A Vega-Lite (v5) specification, as plain JSON. */
// deno-lint-ignore no-explicit-any
export type VegaLiteSpec = Record<string, any>;
/** One data row of a figure. */
export type Row = Record<string, number | string | boolean | null>;

/** Options shared by the chart builders. */
export interface ChartOptions {
  /** Field on the x axis. */
  x: string;
  /** Field on the y axis. */
  y: string;
  /** Field that colours the series (nominal). */
  color?: string;
  title?: string;
  xTitle?: string;
  yTitle?: string;
  /** Log-scale axes. */
  logX?: boolean;
  logY?: boolean;
  /** Chart size in pixels (default 360 × 240). */
  width?: number;
  height?: number;
  /** Draw points on lines. */
  points?: boolean;
  /** Dashed stroke (for reference curves such as the paper's values). */
  dashed?: boolean;
  /** Extra tooltip fields. */
  tooltip?: string[];
  /** Fixed y domain, e.g. [0, 1] for accuracies. */
  yDomain?: [number, number];
}

const SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

function axis(
  field: string,
  title: string | undefined,
  log: boolean | undefined,
  domain?: [number, number],
) {
  // deno-lint-ignore no-explicit-any
  const scale: Record<string, any> = log ? { type: "log" } : { type: "linear", zero: false };
  if (domain) scale.domain = domain;
  return { field, type: "quantitative", title: title ?? field, scale };
}

function encoding(o: ChartOptions) {
  // deno-lint-ignore no-explicit-any
  const enc: Record<string, any> = {
    x: axis(o.x, o.xTitle, o.logX),
    y: axis(o.y, o.yTitle, o.logY, o.yDomain),
    tooltip: [o.x, o.y, ...(o.color ? [o.color] : []), ...(o.tooltip ?? [])].map((f) => ({
      field: f,
    })),
  };
  if (o.color) enc.color = { field: o.color, type: "nominal" };
  return enc;
}

function base(rows: Row[], o: ChartOptions): VegaLiteSpec {
  return {
    $schema: SCHEMA,
    ...(o.title ? { title: o.title } : {}),
    width: o.width ?? 360,
    height: o.height ?? 240,
    data: { values: rows },
  };
}

/**
 * A line chart (one line per `color` value).
 *
 * @example
 * ```ts
 * const spec = lineChart([{ step: 1, loss: 2 }, { step: 2, loss: 1 }], { x: "step", y: "loss", logY: true });
 * ```
 */
export function lineChart(rows: Row[], opts: ChartOptions): VegaLiteSpec {
  return {
    ...base(rows, opts),
    mark: {
      type: "line",
      point: opts.points ?? false,
      ...(opts.dashed ? { strokeDash: [6, 4] } : {}),
    },
    encoding: encoding(opts),
  };
}

/**
 * A scatter plot.
 *
 * @example
 * ```ts
 * const spec = scatterChart([{ n: 2, mse: 1e-4 }], { x: "n", y: "mse", logX: true, logY: true });
 * ```
 */
export function scatterChart(rows: Row[], opts: ChartOptions & { size?: number }): VegaLiteSpec {
  return {
    ...base(rows, opts),
    mark: { type: "point", filled: true, size: opts.size ?? 40 },
    encoding: encoding(opts),
  };
}

/**
 * A heat map of `value` over the (x, y) grid, e.g. an activation-patching matrix.
 *
 * @example
 * ```ts
 * const spec = heatmap([{ src: "a", dst: "b", dmse: 0.1 }], { x: "dst", y: "src", value: "dmse" });
 * ```
 */
export function heatmap(
  rows: Row[],
  opts: {
    x: string;
    y: string;
    value: string;
    title?: string;
    scheme?: string;
    width?: number;
    height?: number;
    diverging?: boolean;
    /** d3-format of the cell labels (default ".2~g"). */
    format?: string;
  },
): VegaLiteSpec {
  return {
    $schema: SCHEMA,
    ...(opts.title ? { title: opts.title } : {}),
    width: opts.width ?? 220,
    height: opts.height ?? 220,
    data: { values: rows },
    layer: [
      {
        mark: "rect",
        encoding: {
          x: { field: opts.x, type: "ordinal" },
          y: { field: opts.y, type: "ordinal" },
          color: {
            field: opts.value,
            type: "quantitative",
            scale: opts.diverging ?? true
              ? { scheme: opts.scheme ?? "redblue", domainMid: 0, reverse: true }
              : { scheme: opts.scheme ?? "viridis" },
          },
        },
      },
      {
        mark: { type: "text", fontSize: 10 },
        encoding: {
          x: { field: opts.x, type: "ordinal" },
          y: { field: opts.y, type: "ordinal" },
          text: { field: opts.value, type: "quantitative", format: opts.format ?? ".2~g" },
        },
      },
    ],
  };
}

/**
 * Overlays several single-view specs on shared axes (e.g. our curve and the paper's points).
 * Each layer keeps its own data.
 *
 * @example
 * ```ts
 * declare const ours: Row[], paper: Row[]; // the same columns: n, loss, source
 * const o = { x: "n", y: "loss", color: "source" };
 * const both = overlay([lineChart(ours, o), scatterChart(paper, o)], { title: "ours vs paper" });
 * ```
 */
export function overlay(specs: VegaLiteSpec[], opts: { title?: string } = {}): VegaLiteSpec {
  const layers = specs.map(({ $schema: _s, title: _t, width: _w, height: _h, ...rest }) => rest);
  return {
    $schema: SCHEMA,
    ...(opts.title ? { title: opts.title } : {}),
    width: specs[0]?.width ?? 360,
    height: specs[0]?.height ?? 240,
    layer: layers,
    resolve: { scale: { color: "independent" } },
  };
}

/**
 * Places specs side by side (`hconcat`) or stacked (`vconcat`).
 *
 * @example
 * ```ts
 * const specA = lineChart([{ k: 1, mse: 0.5 }], { x: "k", y: "mse" });
 * const specB = scatterChart([{ k: 1, mse: 0.4 }], { x: "k", y: "mse" });
 * const fig = concat([specA, specB]);
 * ```
 */
export function concat(
  specs: VegaLiteSpec[],
  opts: { direction?: "h" | "v"; title?: string } = {},
): VegaLiteSpec {
  const parts = specs.map(({ $schema: _s, ...rest }) => rest);
  return {
    $schema: SCHEMA,
    ...(opts.title ? { title: opts.title } : {}),
    [opts.direction === "v" ? "vconcat" : "hconcat"]: parts,
  };
}
