/**
 * `deno task reproduce` section for paper 1 (synthetic): runs the `quick` preset (or `smoke`),
 * writes its figures, and reports it beside any longer runs already stored (e.g. from
 * `deno task icl:train --preset cpu`), with the acceptance checks against the paper.
 *
 * @module
 */
import type { Comparison, ReportSection, ReproduceOptions } from "../util/report.ts";
import { markdownTable } from "../plot/display.ts";
import { iclConfig } from "./config.ts";
import { ICL_EXPERIMENT, runIclExperiment } from "./experiment.ts";
import { writeIclFigures } from "./figures.ts";
import { type IclRunSummary, STAIRCASE_RATIO, summarizeIclRun } from "./report.ts";

/** Acceptance checks of one run, as comparison rows (qualitative, so `verdict` is match/differs). */
export function iclChecks(s: IclRunSummary, label: string): Comparison[] {
  const diag = s.patch_matrix_final.map((r, i) => r[i]);
  const off = s.patch_matrix_final.flatMap((r, i) => r.filter((_, j) => j !== i));
  const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / Math.max(1, a.length);
  const minCd = Math.min(...s.cd_final_per_concept);
  return [
    { quantity: `${label}: decodability ≥ 0.9 for every concept (best layer ${s.cd_best_layer})`, ours: +minCd.toFixed(3), paper: "≈1.0 after convergence", verdict: minCd >= 0.9 ? "match" : "differs" },
    { quantity: `${label}: last-prediction MSE vs oracle`, ours: +s.final_mse_last.toPrecision(3), paper: `oracle ${+s.oracle_mse.toPrecision(3)}`, verdict: s.final_mse_last <= 3 * s.oracle_mse + 0.01 ? "match" : "differs" },
    { quantity: `${label}: patching (replace) mean ΔMSE diagonal vs off-diagonal`, ours: `${+mean(diag).toPrecision(3)} vs ${+mean(off).toPrecision(3)}`, paper: "diagonal < 0 < off-diagonal", verdict: mean(diag) < mean(off) ? "match" : "differs", note: "replace at the x token also erases x; see the shift matrix" },
    {
      quantity: `${label}: separate per-concept drops (staircase)`,
      ours: (s.first_separation ? `concept ${s.first_separation.concept} leads from epoch ${+s.first_separation.epoch.toPrecision(3)}` : "curves fall together") +
        `; drop epochs ${s.drop_epochs_per_concept.map((d) => (d === null ? "–" : +d.toPrecision(3))).join(" / ")}`,
      paper: "one concept first (epoch ~10), others later (~10, ~40); 2 of 3 seeds",
      verdict: "n/a",
      note: `lead = MSE below ${STAIRCASE_RATIO} × the others' median`,
    },
  ];
}

/**
 * Runs the quick reproduction of paper 1's synthetic experiment.
 *
 * @example
 * ```ts
 * const section = await reproduce({ outDir: "results/figures", preset: "smoke", store: openResults(":memory:") });
 * ```
 */
export async function reproduce(opts: ReproduceOptions): Promise<ReportSection> {
  const preset = opts.preset === "smoke" ? "smoke" : "quick";
  const cfg = iclConfig(preset, { seed: opts.seed ?? 0 });
  const dir = opts.outDir.replace(/\/figures$/, "") + "/checkpoints";
  const quick = await runIclExperiment(cfg, { store: opts.store, dir, name: `${preset}-fourBases-seed${cfg.seed}`, progress: true });
  const figures = await writeIclFigures(opts.store, quick.runId, `${opts.outDir}/icl_${preset}`);
  const longer = opts.store.runs({ experiment: ICL_EXPERIMENT, status: "done" })
    .filter((r) => r.id !== quick.runId && !r.name.startsWith("smoke") && !r.name.startsWith("quick"))
    .map((r) => ({ name: r.name, s: summarizeIclRun(opts.store, r.id) }));
  const rows = [{ name: `${preset} (this run)`, s: quick }, ...longer].map(({ name, s }) => ({
    run: name,
    steps: s.steps,
    "MSE per concept": s.final_mse_per_concept.map((x) => x.toFixed(3)).join(" / "),
    "last MSE": +s.final_mse_last.toPrecision(3),
    oracle: +s.oracle_mse.toPrecision(3),
    "CD (best layer)": `${s.cd_final.toFixed(2)} (L${s.cd_best_layer})`,
    "drop epochs": s.drop_epochs_per_concept.map((d) => d ?? "–").join(" / "),
  }));
  const markdown = [
    `Preset \`${preset}\`: ${cfg.model.nLayers} layers, d_model ${cfg.model.dModel}, ${cfg.train.steps} steps of batch ${cfg.batchSize} ` +
    `(the paper: 12 layers, d_model 256, 80,000 steps of batch 128). This scale is far too short for the concept staircase: ` +
    `it checks the pipeline. Longer stored runs (\`deno task icl:train --preset cpu\`) are listed too.`,
    "",
    markdownTable(rows),
  ].join("\n");
  const comparisons = [quick, ...longer.map((l) => l.s)].flatMap((s, i) => iclChecks(s, i === 0 ? preset : longer[i - 1].name));
  return { title: "Paper 1 — concept encoding and decoding (synthetic ICL)", markdown, figures, comparisons };
}
