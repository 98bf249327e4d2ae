import { lazy } from "../deps.ts";
import type { VegaLiteSpec } from "./specs.ts";

/**
 * Renders a Vega-Lite spec to an SVG string, headless (vega's `View#toSVG`, no browser).
 *
 * @example
 * ```ts
 * import { lineChart } from "toolkit";
 *
 * const rows = [{ step: 1, loss: 2.3 }, { step: 2, loss: 1.9 }];
 * const svg = await toSVG(lineChart(rows, { x: "step", y: "loss" }));
 * ```
 */
export async function toSVG(spec: VegaLiteSpec): Promise<string> {
  const [vega, vl] = await Promise.all([lazy.vega(), lazy.vegaLite()]);
  const compiled = vl.compile(spec as never).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Writes a figure to disk: `PATH.svg` (the picture) and `PATH.vl.json` (the spec, data
 * included, so the figure can be re-styled without re-running the experiment).
 * Returns the SVG's path.
 *
 * @example
 * ```ts
 * import { lineChart } from "toolkit";
 *
 * const rows = [{ step: 1, loss: 2.3 }, { step: 2, loss: 1.9 }];
 * const spec = lineChart(rows, { x: "step", y: "loss" });
 * await writeFigure(spec, "results/figures/loss");
 * ```
 */
export async function writeFigure(spec: VegaLiteSpec, path: string): Promise<string> {
  const stem = path.replace(/\.svg$/, "");
  const dir = stem.includes("/") ? stem.slice(0, stem.lastIndexOf("/")) : ".";
  await Deno.mkdir(dir, { recursive: true });
  const svg = await toSVG(spec);
  await Deno.writeTextFile(`${stem}.svg`, svg);
  await Deno.writeTextFile(`${stem}.vl.json`, JSON.stringify(spec));
  return `${stem}.svg`;
}
