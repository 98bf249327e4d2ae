/**
 * Paper 1 (synthetic) figures: rows from stored runs, then Vega-Lite specs. Each function
 * reads only what the experiment stored; nothing is drawn that the code did not compute.
 *
 * @module
 */
import type { ResultsStore } from "../store/results.ts";
import {
  concat,
  heatmap,
  lineChart,
  type Row,
  scatterChart,
  type VegaLiteSpec,
} from "../plot/specs.ts";
import type { HeadAblationRow, PatchMatrix } from "./measure.ts";
import { iclEvals, iclSnapshots } from "./report.ts";
import type { BaselineRow } from "../probes/baselines.ts";
import { writeFigure } from "../plot/render.ts";

function names(store: ResultsStore, runId: string): string[] {
  return store.artifact<{ conceptNames: string[] }>(runId, "meta")?.conceptNames ?? [];
}

/**
 * Fig. 2 (top) / Fig. 8: normalised test MSE per concept vs epoch (log x).
 *
 * @example
 * ```ts
 * import { type ResultsStore, show } from "toolkit";
 *
 * declare const store: ResultsStore, runId: string;
 * await show(mseCurveFigure(store, runId));
 * ```
 */
export function mseCurveFigure(
  store: ResultsStore,
  runId: string,
  opts: { title?: string } = {},
): VegaLiteSpec {
  const n = names(store, runId);
  const rows: Row[] = iclEvals(store, runId).flatMap((e) =>
    e.mse.perConcept.map((m, c) => ({ epoch: e.epoch, concept: n[c] ?? String(c), mse: m }))
  );
  return lineChart(rows, {
    x: "epoch",
    y: "mse",
    color: "concept",
    logX: true,
    points: true,
    title: opts.title ?? "Test MSE per concept (normalised)",
    yTitle: "MSE / Var(y)",
  });
}

/**
 * Figs. 9–10: concept decodability per concept vs epoch at one layer (default: the best final layer).
 *
 * @example
 * ```ts
 * import { type ResultsStore, show } from "toolkit";
 *
 * declare const store: ResultsStore, runId: string;
 * await show(cdCurveFigure(store, runId, { layer: 2 }));
 * ```
 */
export function cdCurveFigure(
  store: ResultsStore,
  runId: string,
  opts: { layer?: number; token?: "x" | "y"; title?: string } = {},
): VegaLiteSpec {
  const evals = iclEvals(store, runId), n = names(store, runId);
  const key = opts.token === "x" ? "cdX" : "cdY";
  const fin = evals[evals.length - 1][key];
  const layer = opts.layer ?? fin.reduce((a, b) => (b.accuracy > a.accuracy ? b : a)).layer;
  const rows: Row[] = evals.flatMap((e) => {
    const r = e[key].find((x) => x.layer === layer)!;
    return [
      { epoch: e.epoch, concept: "all", cd: r.accuracy },
      ...r.perConcept.map((a, c) => ({ epoch: e.epoch, concept: n[c] ?? String(c), cd: a })),
    ];
  });
  return lineChart(rows, {
    x: "epoch",
    y: "cd",
    color: "concept",
    logX: true,
    points: true,
    yDomain: [0, 1],
    title: opts.title ?? `Concept decodability, layer ${layer} (${opts.token ?? "y"} token)`,
  });
}

/**
 * Fig. 11: decodability by layer (0 = embeddings) at several epochs, one line per epoch.
 *
 * @example
 * ```ts
 * import { type ResultsStore, show } from "toolkit";
 *
 * declare const store: ResultsStore, runId: string;
 * await show(cdByLayerFigure(store, runId));
 * ```
 */
export function cdByLayerFigure(
  store: ResultsStore,
  runId: string,
  opts: { token?: "x" | "y"; maxLines?: number } = {},
): VegaLiteSpec {
  const evals = iclEvals(store, runId);
  const key = opts.token === "x" ? "cdX" : "cdY";
  const pick = evals.filter((_, i) =>
    i % Math.max(1, Math.ceil(evals.length / (opts.maxLines ?? 6))) === 0 || i === evals.length - 1
  );
  const rows: Row[] = pick.flatMap((e) =>
    e[key].map((r) => ({
      layer: r.layer,
      epoch: `epoch ${+e.epoch.toPrecision(3)}`,
      cd: r.accuracy,
    }))
  );
  return lineChart(rows, {
    x: "layer",
    y: "cd",
    color: "epoch",
    points: true,
    yDomain: [0, 1],
    title: `Decodability by layer (${opts.token ?? "y"} token)`,
  });
}

/**
 * Fig. 2 (bottom): UMAP of the representations at the snapshot layer, one panel per snapshot.
 *
 * @example
 * ```ts
 * import { type ResultsStore, show } from "toolkit";
 *
 * declare const store: ResultsStore, runId: string;
 * await show(umapFigure(store, runId));
 * ```
 */
export function umapFigure(store: ResultsStore, runId: string): VegaLiteSpec {
  const panels = iclSnapshots(store, runId).map((s) =>
    scatterChart(s.umap.map((p) => ({ x: p.x, y: p.y, concept: String(p.label) })), {
      x: "x",
      y: "y",
      color: "concept",
      title: `epoch ${+s.epoch.toPrecision(3)}`,
      width: 200,
      height: 200,
      size: 18,
    })
  );
  return concat(panels, { title: "UMAP of layer representations" });
}

/**
 * Rows of one patching matrix (source × target ΔMSE).
 *
 * @example
 * ```ts
 * import type { PatchMatrix } from "toolkit/icl";
 *
 * declare const matrix: PatchMatrix;
 * const rows = patchRows(matrix, ["A", "B", "C", "D"]);
 * ```
 */
export function patchRows(p: PatchMatrix, conceptNames: string[]): Row[] {
  // Rounded to 1e-4: float noise (e.g. the shift diagonal, exactly 0 in exact arithmetic) would
  // otherwise print as 1e-10.
  return p.delta.flatMap((row, s) =>
    row.map((v, t) => ({
      source: conceptNames[s] ?? String(s),
      target: conceptNames[t] ?? String(t),
      dmse: Math.round(v * 1e4) / 1e4,
    }))
  );
}

/**
 * Fig. 7: patching matrices (ΔMSE of the query, source × target) at each snapshot for one
 * mode and scope.
 *
 * @example
 * ```ts
 * import { type ResultsStore, show } from "toolkit";
 *
 * declare const store: ResultsStore, runId: string;
 * await show(patchFigure(store, runId, { mode: "shift", scope: "query" }));
 * ```
 */
export function patchFigure(
  store: ResultsStore,
  runId: string,
  opts: { mode?: string; scope?: string } = {},
): VegaLiteSpec {
  const n = names(store, runId);
  const mode = opts.mode ?? "replace", scope = opts.scope ?? "query";
  const panels = iclSnapshots(store, runId).flatMap((s) => {
    const p = s.patches.find((x) => x.mode === mode && x.scope === scope);
    return p
      ? [
        heatmap(patchRows(p, n), {
          x: "target",
          y: "source",
          value: "dmse",
          title: `epoch ${+s.epoch.toPrecision(3)}: ${mode} (${scope})`,
          width: 160,
          height: 160,
        }),
      ]
      : [];
  });
  return concat(panels, { title: "Activation patching: ΔMSE (patched − clean)" });
}

/**
 * Patching matrices at every layer for one mode and scope (from {@link patchingByLayer}, or the
 * `patchByLayer@STEP` artifact that `deno task icl:patch` stores): where the concept is used.
 *
 * @example
 * ```ts
 * import { show } from "toolkit";
 * import { type LoadedIclRun, patchingByLayer } from "toolkit/icl";
 *
 * declare const run: LoadedIclRun;
 * await show(patchLayersFigure(await patchingByLayer(run), ["A", "B", "C", "D"], { mode: "shift" }));
 * ```
 */
export function patchLayersFigure(
  matrices: PatchMatrix[],
  conceptNames: string[],
  opts: { mode?: string; scope?: string; title?: string } = {},
): VegaLiteSpec {
  const mode = opts.mode ?? "shift", scope = opts.scope ?? "query";
  const panels = matrices.filter((m) => m.mode === mode && m.scope === scope)
    .map((m) =>
      heatmap(patchRows(m, conceptNames), {
        x: "target",
        y: "source",
        value: "dmse",
        title: `layer ${m.layer}: ${mode} (${scope})`,
        width: 130,
        height: 130,
      })
    );
  return concat(panels, {
    title: opts.title ?? "Activation patching by layer: ΔMSE (patched − clean)",
  });
}

/**
 * Error vs number of in-context examples: the model at the end beside the baselines.
 *
 * @example
 * ```ts
 * import { type ResultsStore, show } from "toolkit";
 *
 * declare const store: ResultsStore, runId: string;
 * await show(examplesFigure(store, runId));
 * ```
 */
export function examplesFigure(store: ResultsStore, runId: string): VegaLiteSpec {
  const evals = iclEvals(store, runId);
  const fin = evals[evals.length - 1];
  const base = store.artifact<{ rows: BaselineRow[] }>(runId, "baselines")?.rows ?? [];
  const rows: Row[] = [
    ...fin.mse.byExamples.map((m, k) => ({ k, method: "transformer (end)", mse: m })),
    ...base.filter((r) => r.concept === "all" && r.method !== "zero").map((r) => ({
      k: r.k,
      method: r.method,
      mse: r.mseNormalised,
    })),
  ];
  return lineChart(rows, {
    x: "k",
    y: "mse",
    color: "method",
    logY: true,
    points: true,
    title: "Error vs number of in-context examples",
    xTitle: "in-context examples",
    yTitle: "MSE / Var(y)",
  });
}

/**
 * Head ablation (appendix): ΔMSE per (layer, head) for each concept.
 *
 * @example
 * ```ts
 * import { type ResultsStore, show } from "toolkit";
 *
 * declare const store: ResultsStore, runId: string;
 * await show(headAblationFigure(store, runId));
 * ```
 */
export function headAblationFigure(store: ResultsStore, runId: string): VegaLiteSpec {
  const n = names(store, runId);
  const rows = store.artifact<HeadAblationRow[]>(runId, "headAblation") ?? [];
  const panels = [...new Set(rows.map((r) => r.concept))].map((c) =>
    heatmap(
      rows.filter((r) => r.concept === c).map((r) => ({
        layer: r.layer,
        head: r.head,
        dmse: r.delta,
      })),
      { x: "head", y: "layer", value: "dmse", title: n[c] ?? String(c), width: 120, height: 140 },
    )
  );
  return concat(panels, { title: "Single-head ablation: ΔMSE per concept" });
}

/**
 * Fig. 8: per-concept MSE curves of several runs (seeds) side by side. `titles` names the
 * panels (default "seed S"), e.g. to compare a run with a branch of it.
 *
 * @example
 * ```ts
 * import { type ResultsStore, show } from "toolkit";
 *
 * declare const store: ResultsStore, runIds: string[], parentId: string, branchId: string;
 * await show(seedsFigure(store, runIds));
 * await show(seedsFigure(store, [parentId, branchId], { titles: ["lr 1e-3", "lr 3e-4"], title: "lr" }));
 * ```
 */
export function seedsFigure(
  store: ResultsStore,
  runIds: string[],
  opts: { titles?: string[]; title?: string } = {},
): VegaLiteSpec {
  return concat(
    runIds.map((id, i) => {
      const title = opts.titles?.[i] ?? `seed ${store.run(id)?.config?.seed}`;
      return { ...mseCurveFigure(store, id, { title }), width: 220, height: 180 };
    }),
    { title: opts.title ?? "Per-concept MSE across seeds" },
  );
}

/**
 * Writes every figure of a run as SVG (`PREFIX_mse.svg`, `_cd.svg`, …); returns the paths.
 *
 * @example
 * ```ts
 * import type { ResultsStore } from "toolkit";
 *
 * declare const store: ResultsStore, runId: string;
 * const paths = await writeIclFigures(store, runId, "results/figures/icl_seed0");
 * ```
 */
export async function writeIclFigures(
  store: ResultsStore,
  runId: string,
  prefix: string,
): Promise<string[]> {
  const figs: [string, VegaLiteSpec][] = [
    ["mse", mseCurveFigure(store, runId)],
    ["cd", cdCurveFigure(store, runId)],
    ["cd_by_layer", cdByLayerFigure(store, runId)],
    ["umap", umapFigure(store, runId)],
    ["patch_replace", patchFigure(store, runId, { mode: "replace" })],
    ["patch_shift", patchFigure(store, runId, { mode: "shift" })],
    ["examples", examplesFigure(store, runId)],
    ["heads", headAblationFigure(store, runId)],
  ];
  const out: string[] = [];
  for (const [name, spec] of figs) out.push(await writeFigure(spec, `${prefix}_${name}`));
  return out;
}
