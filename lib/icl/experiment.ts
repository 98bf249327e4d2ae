/**
 * Paper 1's synthetic experiment, end to end: train a regression transformer on a mixture of
 * sparse regressions, and while it trains record per-concept test MSE, concept decodability at
 * every layer, UMAP snapshots, patching matrices and (at the end) single-head ablations.
 * Everything goes to the results database; training checkpoints, and a killed run resumes.
 *
 * @module
 */
import { RegressionTransformer } from "../model/regression_transformer.ts";
import { train, trainConfig } from "../train/trainer.ts";
import { loadCheckpoint, saveCheckpoint } from "../store/checkpoint.ts";
import { restoreArchivedCheckpoint } from "../store/archive.ts";
import type { ResultsStore } from "../store/results.ts";
import type { RegressionBatch } from "../tasks/regression_batch.ts";
import { Rng } from "../util/rng.ts";
import { umapEmbedding } from "../probes/umap.ts";
import { ICL_EXPERIMENT, type IclConfig, iclConfig } from "./config.ts";
import { iclTask } from "./task.ts";
import {
  conceptDecodability,
  conceptMse,
  headAblation,
  layerRepresentations,
  patchingMatrix,
  squaredErrors,
} from "./measure.ts";
import { baselineMse, type IclEval, type IclRunSummary, summarizeIclRun } from "./report.ts";
import { ConfigError } from "../util/validate.ts";
import { checkpointPath } from "../store/paths.ts";
import { iclRunName } from "./names.ts";

/** Options of {@link runIclExperiment}. */
export interface RunIclOptions {
  /** Where the run, its metrics and artifacts are stored. */
  store: ResultsStore;
  /** The checkpoints folder (e.g. `checkpointDir()`). */
  dir: string;
  /** The run's name (see `iclRunName`); default `seed<S>`. */
  name?: string;
  /** Print training progress on stderr. Default true. */
  progress?: boolean;
  /**
   * Summarise a stored, unfinished run as it stands instead of resuming its training (e.g. a
   * notebook showing a run that `deno task icl:train` is still making). Default false.
   */
  storedOnly?: boolean;
  /**
   * Wall-clock deadline (`Date.now()` ms): training pauses at the first logging step past it,
   * takes the end-of-run measurements (snapshot, head ablation) at that step, and leaves the run
   * unfinished; the same call later resumes it. For time-boxed GPU sessions. Default: none.
   */
  deadline?: number;
  /**
   * Continue a stored run with more steps instead of starting over: `config` must equal that
   * run's config except for `train.steps` (and the epoch lists, which follow the steps), with a
   * constant learning rate after warm-up, so that the continued run is exactly the run that
   * `config` would have made from scratch. Its checkpoint, evaluations, snapshots and metrics
   * are copied into the new run, which then trains on. Default: none.
   */
  extendFrom?: string;
  /**
   * Continue a stored run's trained state under a changed optimiser config — e.g. a lower
   * learning rate from its last checkpoint on: the model, task, batch, seed and epoch length must
   * equal that run's; `train` may differ (lr, betas, schedule, …; the schedule still counts steps
   * from 0, and `train.steps` must pass the checkpoint's step). The new run starts from that
   * checkpoint's parameters, Adam moments and step, holds a copy of the earlier evaluations, and
   * records the branch point in its artifact `branch` ({from, step, before, after}). Default: none.
   */
  branchFrom?: string;
}

/**
 * Runs (or resumes) one synthetic experiment and returns its summary.
 *
 * @example
 * ```ts
 * import { openResults } from "toolkit";
 * import { iclConfig } from "toolkit/icl";
 *
 * const summary = await runIclExperiment(iclConfig("smoke"), { store: openResults(":memory:"), dir: "/tmp/icl" });
 * ```
 */
export async function runIclExperiment(
  config: IclConfig,
  opts: RunIclOptions,
): Promise<IclRunSummary> {
  const cfg = iclConfig(config);
  const started = await startIclRun(cfg, opts);
  if ("summary" in started) return started.summary;
  const { store } = opts, { runId, name } = started;
  const setup = iclSetup(cfg);
  storeIclMeta(store, runId, setup);
  const measure = iclMeasurement(store, runId, setup);
  // A run continued from the archive (same command on another machine) resumes from its archived state.
  const ckpt = checkpointPath(runId, opts.dir);
  await restoreArchivedCheckpoint(store, runId, { path: ckpt });
  const { model, task, tc } = setup;
  let result;
  try {
    result = await train(model, tc, {
      batch: (step) => task.sample(cfg.batchSize, { rng: new Rng(`train:${cfg.seed}:${step}`) }),
      loss: (b) => model.loss(b),
      evaluate: measure,
      store,
      runId,
      checkpointPath: ckpt,
      progress: opts.progress,
      label: `icl ${name}`,
      deadline: opts.deadline,
    });
    if (result.paused) store.logMetrics(runId, result.step, await measure(result.step, true));
  } finally {
    model.dispose();
  }
  const summary = summarizeIclRun(store, runId);
  if (!result.paused) store.finishRun(runId, summary);
  else store.endSegment(runId);
  return summary;
}

/**
 * Opens (or reopens) the run, and copies the run it extends or branches from; returns the stored
 * summary instead when there is nothing to train (a finished run, or `storedOnly`).
 */
async function startIclRun(
  cfg: IclConfig,
  opts: RunIclOptions,
): Promise<{ summary: IclRunSummary } | { runId: string; name: string }> {
  const { store } = opts;
  // Refused before the run is started: a refusal leaves no row behind.
  if (opts.extendFrom && opts.branchFrom) {
    throw new ConfigError("branchFrom", "unset when extendFrom is set", opts.branchFrom);
  }
  const name = opts.name ?? iclRunName(cfg);
  const runId = store.startRun({ experiment: ICL_EXPERIMENT, name, config: cfg });
  const existing = store.run(runId);
  if (existing?.status === "done" && existing.summary) {
    return { summary: existing.summary as IclRunSummary };
  }
  const hasEvals = store.artifactNames(runId).some((n) => n.startsWith("eval@"));
  if (opts.storedOnly && hasEvals) return { summary: summarizeIclRun(store, runId) };
  try {
    if (opts.extendFrom && !hasEvals) {
      await copyRunForExtension(store, opts.extendFrom, runId, cfg, opts.dir);
    }
    if (opts.branchFrom && !hasEvals) {
      await copyRunForBranch(store, opts.branchFrom, runId, cfg, opts.dir);
    }
  } catch (e) {
    // A refused continuation leaves no empty run behind.
    if (!hasEvals) store.deleteRun(runId);
    throw e;
  }
  return { runId, name };
}

/** What a run trains and measures on: the model, the task and its fixed evaluation sets. */
interface IclSetup {
  cfg: IclConfig;
  task: ReturnType<typeof iclTask>;
  model: RegressionTransformer;
  test: RegressionBatch;
  probeSet: RegressionBatch;
  meansSet: RegressionBatch;
  /** Sequence length: an x and a y token per point. */
  T: number;
  /** The train config, logging (and so measuring) once per epoch. */
  tc: IclConfig["train"];
  totalEpochs: number;
  evalSteps: Set<number>;
  snapSteps: Set<number>;
}

function iclSetup(cfg: IclConfig): IclSetup {
  const task = iclTask(cfg);
  const model = new RegressionTransformer({
    ...cfg.model,
    inputDim: task.tokenDim ?? task.dim,
    maxLen: 2 * task.nPoints,
  }, { seed: cfg.seed });
  // Measurements fall on whole epochs; `measure` itself skips the epochs not asked for.
  const tc = { ...cfg.train, evalEvery: cfg.stepsPerEpoch };
  return {
    cfg,
    task,
    model,
    test: task.testSet({ size: cfg.testSize }),
    probeSet: task.perConceptSet(cfg.nPerConcept, { seed: "probe" }),
    meansSet: task.perConceptSet(cfg.nPerConcept, { seed: "means" }),
    T: 2 * task.nPoints,
    tc,
    totalEpochs: (tc.steps ?? 0) / cfg.stepsPerEpoch,
    evalSteps: new Set(cfg.evalEpochs.map((e) => Math.round(e * cfg.stepsPerEpoch))),
    snapSteps: new Set(cfg.snapshotEpochs.map((e) => Math.round(e * cfg.stepsPerEpoch))),
  };
}

/** The run's fixed artifacts: the baselines (computed once) and the task's description. */
function storeIclMeta(store: ResultsStore, runId: string, s: IclSetup) {
  const { cfg, task } = s;
  if (!store.artifact(runId, "baselines")) {
    const b = baselineMse(s.test, task);
    store.setArtifact(runId, "baselines", {
      oracle: b.oracle,
      leastSquares: b.leastSquares,
      rows: b.rows,
    });
  }
  store.setArtifact(runId, "meta", {
    conceptNames: task.conceptNames,
    nConcepts: task.nConcepts,
    totalEpochs: s.totalEpochs,
    stepsPerEpoch: cfg.stepsPerEpoch,
    layer: cfg.layer,
    bases: task.bases ?? null,
  });
}

/**
 * The trainer's `evaluate` callback: at the asked-for epochs, per-concept MSE and decodability
 * at every layer (`eval@step`); at snapshot epochs and the last step also UMAP and patching
 * (`snapshot@step`); at the last step the head ablation. Returns the step's metrics.
 */
function iclMeasurement(store: ResultsStore, runId: string, s: IclSetup) {
  const { cfg, model, task, test, probeSet, T, tc } = s;
  return async (step: number, pausedHere = false): Promise<Record<string, number>> => {
    const last = step === tc.steps || pausedHere;
    if (!s.evalSteps.has(step) && !s.snapSteps.has(step) && !last) return {};
    const epoch = step / cfg.stepsPerEpoch;
    const mse = conceptMse(await squaredErrors(model, test), test, task);
    const reps = await layerRepresentations(model, probeSet, { positions: [T - 2, T - 1] });
    const d = model.config.dModel, K = task.nConcepts;
    const cd = (p: number) =>
      conceptDecodability(reps, probeSet, {
        d,
        positionIndex: p,
        nPositions: 2,
        k: cfg.knnK,
        nConcepts: K,
      })
        .map((r) => ({ layer: r.layer, accuracy: r.accuracy, perConcept: r.perConcept }));
    const ev: IclEval = { step, epoch, mse, cdX: cd(0), cdY: cd(1) };
    store.setArtifact(runId, `eval@${step}`, ev);
    if (s.snapSteps.has(step) || last) {
      store.setArtifact(runId, `snapshot@${step}`, await iclSnapshot(s, reps[cfg.layer], step));
    }
    if (last) store.setArtifact(runId, "headAblation", await headAblation(model, probeSet, task));
    const metrics: Record<string, number> = { epoch, mse: mse.overall };
    mse.perConcept.forEach((m, c) => metrics[`mse_c${c}`] = m);
    for (const r of ev.cdY) metrics[`cd_L${r.layer}`] = r.accuracy;
    return metrics;
  };
}

/** A snapshot at `step`: UMAP of the y tokens' states at the analysed layer, and the patching matrices. */
async function iclSnapshot(s: IclSetup, vectors: Float32Array, step: number) {
  const { cfg, model, task, probeSet, meansSet } = s;
  const d = model.config.dModel;
  const yOnly = new Float32Array(probeSet.batch * d);
  for (let i = 0; i < probeSet.batch; i++) {
    yOnly.set(vectors.subarray((2 * i + 1) * d, (2 * i + 2) * d), i * d);
  }
  const umap = await umapEmbedding(yOnly, probeSet.concepts, {
    dim: d,
    seed: cfg.seed,
    labelNames: task.conceptNames,
  });
  const patches = [];
  for (
    const [mode, scope] of [["replace", "query"], ["add", "query"], ["shift", "query"], [
      "shift",
      "all",
    ]] as const
  ) {
    patches.push(
      await patchingMatrix(model, probeSet, task, {
        layer: cfg.layer,
        mode,
        scope,
        meansFrom: meansSet,
      }),
    );
  }
  return { step, epoch: step / cfg.stepsPerEpoch, umap, patches };
}

/**
 * The config of the stored run `fromId` that a new run continues, after checking that the two
 * agree once `how.strip` has cleared what may change (the evaluation schedule always may: it is
 * trimmed to each run's steps).
 */
function continuedConfig(
  store: ResultsStore,
  fromId: string,
  cfg: IclConfig,
  how: { field: "extendFrom" | "branchFrom"; free: string; strip: (c: IclConfig) => IclConfig },
): IclConfig {
  const from = store.run(fromId);
  if (!from) throw new ConfigError(how.field, "the id of a stored run", fromId);
  const old = from.config as IclConfig;
  const key = (c: IclConfig) =>
    JSON.stringify({ ...how.strip(c), evalEpochs: [], snapshotEpochs: [] });
  if (key(old) !== key(cfg)) {
    throw new ConfigError(how.field, `a run whose config differs only in ${how.free}`, fromId);
  }
  return old;
}

/** Copies a shorter stored run into a new one (see `extendFrom`), after checking it may be extended. */
async function copyRunForExtension(
  store: ResultsStore,
  fromId: string,
  toId: string,
  cfg: IclConfig,
  dir: string,
) {
  const old = continuedConfig(store, fromId, cfg, {
    field: "extendFrom",
    free: "train.steps",
    strip: (c) => ({ ...c, train: { ...c.train, steps: 0 } }),
  });
  if ((cfg.train.schedule ?? "constant") !== "constant") {
    throw new ConfigError(
      "extendFrom",
      "a run with a constant schedule (a cosine schedule depends on the total steps)",
      fromId,
    );
  }
  if ((cfg.train.steps ?? 0) <= (old.train.steps ?? 0)) {
    throw new ConfigError(
      "train.steps",
      `more than the extended run's ${old.train.steps}`,
      cfg.train.steps,
    );
  }
  await Deno.mkdir(dir, { recursive: true });
  // An archived run (committed, not trained here) brings its resumable state from the archive.
  if (!await restoreArchivedCheckpoint(store, fromId, { path: checkpointPath(fromId, dir) })) {
    throw new ConfigError(
      "extendFrom",
      `a run with a checkpoint in ${dir} or a resumable state in the archive`,
      fromId,
    );
  }
  await Deno.copyFile(checkpointPath(fromId, dir), checkpointPath(toId, dir));
  store.copyRunData(fromId, toId);
}

/** Starts a run from another's checkpoint under a changed train config (see `branchFrom`). */
async function copyRunForBranch(
  store: ResultsStore,
  fromId: string,
  toId: string,
  cfg: IclConfig,
  dir: string,
) {
  continuedConfig(store, fromId, cfg, {
    field: "branchFrom",
    free: "train (same model, task, batch, seed)",
    strip: (c) => ({ ...c, train: {} }),
  });
  await restoreArchivedCheckpoint(store, fromId, { path: checkpointPath(fromId, dir) });
  const ckpt = await loadCheckpoint(checkpointPath(fromId, dir));
  if (!ckpt) {
    throw new ConfigError(
      "branchFrom",
      `a run with a checkpoint in ${dir} or a resumable state in the archive`,
      fromId,
    );
  }
  const step = Number(ckpt.metadata.step);
  const after = trainConfig(cfg.train);
  if (after.steps <= step) {
    throw new ConfigError("train.steps", `more than the branch point's step ${step}`, after.steps);
  }
  // The checkpoint becomes the new run's own: its train metadata is the new config's, which is
  // what a resume of the new run checks against.
  await saveCheckpoint(checkpointPath(toId, dir), {
    tensors: ckpt.tensors,
    metadata: { ...ckpt.metadata, train: JSON.stringify(after) },
  });
  store.copyRunData(fromId, toId);
  store.setArtifact(toId, "branch", {
    from: fromId,
    step,
    before: JSON.parse(ckpt.metadata.train),
    after,
  });
}
