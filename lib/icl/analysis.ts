/**
 * Analyses of a stored run after training: find it by name, reload its model from the run's
 * checkpoint, and measure the patching matrix at every layer (the run itself patches at one layer, chosen
 * before training; where the concept ends up encoded is only known afterwards).
 *
 * @module
 */
import { RegressionTransformer } from "../model/regression_transformer.ts";
import { decodeSafetensors, loadCheckpoint } from "../store/checkpoint.ts";
import type { ResultsStore } from "../store/results.ts";
import { loadParams } from "../train/trainer.ts";
import type { PatchMode } from "../interventions/patching.ts";
import type { RegressionTask } from "../tasks/regression_batch.ts";
import { ConfigError } from "../util/validate.ts";
import type { IclConfig } from "./config.ts";
import { ICL_EXPERIMENT } from "./config.ts";
import { iclTask } from "./task.ts";
import { patchingMatrix, type PatchMatrix } from "./measure.ts";
import { iclEvals } from "./report.ts";

/** A stored run's model at its last checkpoint, with the run's config and task. */
export interface LoadedIclRun {
  runId: string;
  config: IclConfig;
  task: RegressionTask;
  model: RegressionTransformer;
  /** The training step of the checkpoint. */
  step: number;
}

/**
 * The stored run of this name that has trained furthest (its last evaluated step), or undefined.
 * A run extended with `extendFrom` keeps its name, so one name can hold runs of several lengths;
 * this picks the one to show without knowing which `--steps` made it.
 *
 * @example
 * ```ts
 * import { openResults } from "toolkit";
 * import { summarizeIclRun } from "toolkit/icl";
 *
 * const store = openResults();
 * const id = longestIclRun(store, "cpu-fourBases-seed1");
 * if (id) console.log(summarizeIclRun(store, id).steps);
 * ```
 */
export function longestIclRun(store: ResultsStore, name: string): string | undefined {
  let best: { id: string; step: number } | undefined;
  for (const r of store.runs({ experiment: ICL_EXPERIMENT })) {
    if (r.name !== name) continue;
    const step = iclEvals(store, r.id).at(-1)?.step ?? -1;
    if (step >= 0 && (!best || step > best.step)) best = { id: r.id, step };
  }
  return best?.id;
}

/**
 * Finds a stored run by id or by name (the one of that name trained furthest) and loads its model from the
 * checkpoint in `dir`. Dispose `model` when done.
 *
 * @example
 * ```ts
 * import { openResults } from "toolkit";
 *
 * const run = await loadIclRun(openResults(), "cpu-fourBases-seed1", { dir: "results/checkpoints" });
 * ```
 */
export async function loadIclRun(
  store: ResultsStore,
  idOrName: string,
  opts: { dir: string },
): Promise<LoadedIclRun> {
  const rec = store.run(idOrName) ?? store.run(longestIclRun(store, idOrName) ?? "");
  if (!rec) throw new ConfigError("run", "the id or name of a stored run", idOrName);
  // A local checkpoint, else the one archived with the run (read in memory, nothing written).
  const archived = () => {
    const bytes = store.archivedCheckpoint(rec.id);
    return bytes ? decodeSafetensors(bytes) : null;
  };
  const ckpt = (await loadCheckpoint(`${opts.dir}/${rec.id}.safetensors`)) ?? archived();
  if (!ckpt) {
    throw new Error(`run ${rec.id} has no checkpoint in ${opts.dir} and none in the archive`);
  }
  const config = rec.config as IclConfig;
  const task = iclTask(config);
  const model = new RegressionTransformer(JSON.parse(ckpt.metadata.model), { seed: config.seed });
  loadParams(model.params, ckpt);
  return { runId: rec.id, config, task, model, step: Number(ckpt.metadata.step) };
}

/**
 * Mean ΔMSE of a patching matrix on and off the diagonal, and, given a cluster per concept,
 * off the diagonal within a cluster vs across clusters (the paper's mid-training reading:
 * patching within a cluster of entangled concepts does little, across clusters it hurts).
 *
 * @example
 * ```ts
 * import type { IclRunSummary, PatchMatrix } from "toolkit/icl";
 *
 * declare const m: PatchMatrix, summary: IclRunSummary;
 * patchContrast(m, { clusters: conceptClusters(summary.cd_final_per_concept) });
 * ```
 */
export function patchContrast(
  m: PatchMatrix,
  opts: { clusters?: number[] } = {},
): { diagonal: number; offDiagonal: number; withinCluster?: number; acrossClusters?: number } {
  const K = m.delta.length;
  const sums = { on: [0, 0], off: [0, 0], within: [0, 0], across: [0, 0] };
  const add = (k: keyof typeof sums, v: number) => (sums[k][0] += v, sums[k][1]++);
  m.delta.forEach((row, s) =>
    row.forEach((v, t) => {
      if (s === t) return add("on", v);
      add("off", v);
      if (opts.clusters) add(opts.clusters[s] === opts.clusters[t] ? "within" : "across", v);
    })
  );
  const mean = (k: keyof typeof sums) => (sums[k][1] ? sums[k][0] / sums[k][1] : NaN);
  const out = { diagonal: mean("on"), offDiagonal: mean("off") };
  if (!opts.clusters || opts.clusters.length !== K) return out;
  return { ...out, withinCluster: mean("within"), acrossClusters: mean("across") };
}

/**
 * Clusters of concepts as decodability sees them: each concept decoded at ≥ `threshold` is its
 * own cluster; the rest (still entangled) share one.
 *
 * @example
 * ```ts
 * conceptClusters([0.99, 0.3, 0.4, 0.2]); // [0, 1, 1, 1]
 * ```
 */
export function conceptClusters(cdPerConcept: number[], threshold = 0.9): number[] {
  let next = 0;
  const own = cdPerConcept.map((cd) => (cd >= threshold ? next++ : -1));
  return own.map((c) => (c >= 0 ? c : next));
}

/**
 * Patching matrices of a loaded run at each of `layers` (default: every layer 1 … L), for each
 * (mode, scope), on the run's own probe and means sets (the ones its snapshots used).
 *
 * @example
 * ```ts
 * declare const run: LoadedIclRun;
 * const ms = await patchingByLayer(run, { modes: [["shift", "all"]] });
 * ms.map((m) => [m.layer, patchContrast(m)]);
 * ```
 */
export async function patchingByLayer(
  run: LoadedIclRun,
  opts: { layers?: number[]; modes?: [PatchMode, "query" | "all"][] } = {},
): Promise<PatchMatrix[]> {
  const { config: cfg, task, model } = run;
  const layers = opts.layers ?? Array.from({ length: model.config.nLayers }, (_, i) => i + 1);
  const modes = opts.modes ??
    [["replace", "query"], ["add", "query"], ["shift", "query"], ["shift", "all"]];
  const probeSet = task.perConceptSet(cfg.nPerConcept, { seed: "probe" });
  const meansSet = task.perConceptSet(cfg.nPerConcept, { seed: "means" });
  const out: PatchMatrix[] = [];
  for (const layer of layers) {
    if (!(layer >= 1 && layer <= model.config.nLayers)) {
      throw new ConfigError("layers", `integers in 1 … ${model.config.nLayers}`, layer);
    }
    for (const [mode, scope] of modes) {
      out.push(
        await patchingMatrix(model, probeSet, task, { layer, mode, scope, meansFrom: meansSet }),
      );
    }
  }
  return out;
}

/**
 * The latest patching-by-layer result stored for a run (`deno task icl:patch` writes them as
 * `patchByLayer@STEP`), or undefined.
 *
 * @example
 * ```ts
 * import { openResults } from "toolkit";
 *
 * declare const runId: string;
 * const latest = storedPatchByLayer(openResults(), runId);
 * ```
 */
export function storedPatchByLayer(
  store: ResultsStore,
  runId: string,
): { step: number; matrices: PatchMatrix[] } | undefined {
  const steps = store.artifactNames(runId).filter((n) => n.startsWith("patchByLayer@")).map((n) =>
    Number(n.slice("patchByLayer@".length))
  );
  if (steps.length === 0) return undefined;
  return store.artifact(runId, `patchByLayer@${Math.max(...steps)}`);
}

/**
 * One table row per patching matrix: layer, mode, scope and the mean ΔMSE contrasts (rounded to
 * 1e-4), what `deno task icl:patch` prints and the notebook shows.
 *
 * @example
 * ```ts
 * import type { PatchMatrix } from "toolkit/icl";
 *
 * declare const matrices: PatchMatrix[];
 * console.table(patchByLayerRows(matrices, { clusters: [0, 1, 1, 1] }));
 * ```
 */
export function patchByLayerRows(
  matrices: PatchMatrix[],
  opts: { clusters?: number[] } = {},
): Record<string, string | number>[] {
  return matrices.map((m) => ({
    layer: m.layer,
    mode: m.mode,
    scope: m.scope,
    ...Object.fromEntries(
      Object.entries(patchContrast(m, opts)).map((
        [k, v],
      ) => [k, Math.round((v ?? NaN) * 1e4) / 1e4]),
    ),
  }));
}
