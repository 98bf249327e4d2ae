/**
 * The language-model experiment end to end: get a model (train the small task LM here, or
 * load a user's Hugging Face checkpoint), measure accuracy and TD per task, run the mean-vector
 * interventions at the TD layer, LoRA-finetune the first vs the last third of the layers and
 * measure again. Everything lands in the results DB (run `icl_lm-<name>-<hash>`: training
 * metrics, one artifact per measurement, the summary); the LM and the adapters are checkpointed
 * and resume after a kill.
 *
 * @module
 */
import { disposeLora } from "../interventions/lora.ts";
import type { CausalLm } from "../model/causal_lm.ts";
import { loadHfCheckpoint } from "../model/hf_loader.ts";
import { umapEmbedding, type UmapRow } from "../probes/umap.ts";
import { restoreArchivedCheckpoint } from "../store/archive.ts";
import { checkpointDir, checkpointPath } from "../store/paths.ts";
import { type ResultsStore, runIdOf } from "../store/results.ts";
import type { TextTokenizer } from "../text/tokenizer.ts";
import { ConfigError } from "../util/validate.ts";
import type { IclLmConfig, IclLmTaskName } from "./config.ts";
import { type EncodedPrompt, encodeEvalPrompts, type IclLmTasks, loadIclLmTasks } from "./data.ts";
import { loraFinetune } from "./finetune.ts";
import { type InterventionResult, meanInterventions } from "./intervention.ts";
import { type MeasureOptions, measureTask, type TaskMeasurement } from "./measure.ts";
import { type TaskLm, trainTaskLm } from "./train_lm.ts";

/** TD (at the base model's TD layer) and accuracy, per task. */
export type TdAccuracy = Record<string, { td: number; accuracy: number }>;

/** One LoRA arm: the adapted layers (1-based) and TD / accuracy per task after finetuning. */
export interface FinetuneArm {
  layers: number[];
  tasks: TdAccuracy;
}

/** The headline numbers (what `deno task icl:lm --json` prints). */
export interface IclLmSummary {
  /** Layer where TD (averaged over shot counts) peaks, per task. */
  td_layer: Record<string, number>;
  /** R² of accuracy on TD over (concept, shots) points, per task. */
  r2: Record<string, number>;
  /** Greedy exact-match accuracy per concept (mean over shot counts), per task. */
  accuracy_per_concept: Record<string, Record<string, number>>;
  /** Mean accuracy change of the positive / negative intervention per concept group, per task. */
  intervention: Record<string, {
    layer: number;
    well_separated: { positive: number; negative: number; concepts: string[] };
    overlapping: { positive: number; negative: number; concepts: string[] };
  }>;
  /** TD and accuracy before (base) and after LoRA on the first / last third of the layers. */
  finetune: { base: TdAccuracy; first: FinetuneArm; last: FinetuneArm } | null;
  model: { source: string; nLayers: number; dModel: number; params: number };
  seconds: Record<string, number>;
}

/** Everything a run produced. */
export interface IclLmResult {
  runId: string;
  summary: IclLmSummary;
  base: TaskMeasurement[];
  interventions: Record<string, InterventionResult>;
  finetuned: { first: TaskMeasurement[]; last: TaskMeasurement[] } | null;
  /** UMAP of the last-token states at the TD layer (largest shot count), per task. */
  umap: Record<string, UmapRow[]>;
  /** (step, loss) of the task LM's training (empty for a loaded checkpoint). */
  history: { step: number; loss: number }[];
  /** Held-out accuracy per task during training (config `train.evalEvery`; a small probe set). */
  trainAccuracy: { step: number; task: string; accuracy: number }[];
}

/** Options of {@link runIclLm}. */
export interface RunIclLmOptions {
  store: ResultsStore;
  /** Run name in the DB (e.g. the preset). Default "run". */
  name?: string;
  /** A Hugging Face checkpoint folder to measure instead of training the small LM. */
  checkpoint?: string;
  /**
   * Folder of our checkpoints (LM, adapters). Default: each run's experiment folder,
   * `<results>/checkpoints/icl_lm_lm` for the LM and `…/icl_lm_lora` for the adapters
   * (`checkpointDir`), where `runs:export` finds them.
   */
  checkpointDir?: string;
  /** Skip the LoRA arms. */
  skipFinetune?: boolean;
  progress?: boolean;
  /** Called with a line per phase (e.g. `console.error`). */
  log?: (line: string) => void;
}

/**
 * Runs the experiment (see the module doc) and stores it.
 *
 * @example
 * ```ts
 * import { openResults } from "toolkit";
 * import { iclLmConfig } from "toolkit/icl-lm";
 *
 * const res = await runIclLm(iclLmConfig("smoke"), { store: openResults(":memory:"), name: "smoke" });
 * console.log(res.summary.td_layer, res.summary.r2);
 * ```
 */
export async function runIclLm(cfg: IclLmConfig, opts: RunIclLmOptions): Promise<IclLmResult> {
  const { store } = opts;
  const runId = store.startRun({
    experiment: "icl_lm",
    name: opts.name ?? "run",
    config: iclLmRunConfig(cfg, opts.checkpoint),
  });
  const seconds: Record<string, number> = {};
  const ctx = { cfg, opts, store, runId, lap: lapTimer(seconds, opts.log) };
  try {
    const tasks = await loadIclLmTasks(cfg);
    const lm = await obtainLm(ctx, tasks);
    ctx.lap(opts.checkpoint ? "load" : "train");
    const { model } = lm;
    const measureOpts = measureOptionsFor(cfg, lm);
    const run = { ...ctx, ...lm, tasks, measureOpts, prompts: encodeAll(ctx, tasks, lm) };
    const { base, interventions, umap } = await measureBase(run);
    const { finetuned, armLayers } = opts.skipFinetune
      ? { finetuned: null, armLayers: {} }
      : await finetuneArms(run, base);
    const nParams = Object.values(model.params).reduce((s, v) => s + v.size, 0);
    const summary = summarizeIclLm(base, {
      interventions,
      finetuned,
      armLayers,
      model: {
        source: lm.source,
        nLayers: model.config.nLayers,
        dModel: model.config.dModel,
        params: nParams,
      },
      seconds,
    });
    const { history, trainAccuracy } = lm;
    store.setArtifact(runId, "history", history);
    store.setArtifact(runId, "train_accuracy", trainAccuracy);
    store.finishRun(runId, summary);
    model.dispose();
    return { runId, summary, base, interventions, finetuned, umap, history, trainAccuracy };
  } catch (e) {
    store.finishRun(runId, { error: String(e) }, "failed");
    throw e;
  }
}

/** A run's fixed context, shared by its steps. */
interface IclLmRunContext {
  cfg: IclLmConfig;
  opts: RunIclLmOptions;
  store: ResultsStore;
  runId: string;
  /** Records the seconds since the previous lap under `what` (the summary's `seconds`). */
  lap: (what: string) => void;
}

/** The model under study, its tokenizer, and (for the task LM trained here) its training record. */
interface ObtainedLm {
  model: CausalLm;
  tokenizer: TextTokenizer;
  source: string;
  history: IclLmResult["history"];
  trainAccuracy: IclLmResult["trainAccuracy"];
}

/** The context with the model, its tasks and their encoded evaluation prompts. */
interface IclLmMeasuredRun extends IclLmRunContext, ObtainedLm {
  tasks: IclLmTasks;
  measureOpts: MeasureOptions;
  prompts: Map<IclLmTaskName, EncodedPrompt[]>;
}

function lapTimer(seconds: Record<string, number>, log: (line: string) => void = () => {}) {
  let t0 = performance.now();
  return (what: string) => {
    seconds[what] = Math.round((performance.now() - t0) / 100) / 10;
    t0 = performance.now();
    log(`[icl-lm] ${what}: ${seconds[what]} s`);
  };
}

/** Options of {@link trainIclLm}. */
export interface TrainIclLmOptions {
  store: ResultsStore;
  /** The config's tasks, when already loaded. */
  tasks?: IclLmTasks;
  /** Checkpoint folder. Default `<results>/checkpoints/icl_lm_lm`. */
  checkpointDir?: string;
  progress?: boolean;
  /** Wall-clock deadline (`Date.now()` ms): training pauses, checkpointed, at the first logging step past it. */
  deadline?: number;
}

/**
 * Trains the task LM of a config under its own run (experiment `icl_lm_lm`, keyed by the
 * training config only, so changing what is measured reuses it): resumes a killed or paused
 * run, continues one that only the archive holds from its archived state, and reloads a
 * finished one. With `deadline`, a long LM trains in chunks (`lm.train.paused`); the run is
 * marked done only when all its steps are.
 *
 * @example
 * ```ts
 * import { openResults } from "toolkit";
 * import { iclLmConfig } from "toolkit/icl-lm";
 *
 * const { lm } = await trainIclLm(iclLmConfig("smoke"), { store: openResults(":memory:") });
 * console.log(lm.train.step, lm.train.paused);
 * ```
 */
export async function trainIclLm(
  cfg: IclLmConfig,
  opts: TrainIclLmOptions,
): Promise<{ runId: string; lm: TaskLm }> {
  const { store } = opts;
  const runId = store.startRun({
    experiment: "icl_lm_lm",
    name: "train",
    config: taskLmTrainingConfig(cfg),
  });
  const path = checkpointPath(runId, opts.checkpointDir ?? checkpointDir("icl_lm_lm"));
  await restoreArchivedCheckpoint(store, runId, { path });
  const lm = await trainTaskLm(cfg, {
    tasks: opts.tasks,
    store,
    runId,
    checkpointPath: path,
    progress: opts.progress,
    deadline: opts.deadline,
  });
  if (!lm.train.paused) {
    store.finishRun(runId, { step: lm.train.step, finalLoss: lm.train.finalLoss });
  }
  return { runId, lm };
}

/** Loads the Hugging Face checkpoint of `opts.checkpoint`, or trains (resumes, reuses) the task LM. */
async function obtainLm(ctx: IclLmRunContext, tasks: IclLmTasks): Promise<ObtainedLm> {
  const { cfg, opts, store } = ctx;
  if (opts.checkpoint) {
    const hf = await loadHfCheckpoint(opts.checkpoint);
    if (!hf.tokenizer) throw new Error(`${opts.checkpoint} has no tokenizer.json`);
    const source = `${hf.family} checkpoint ${opts.checkpoint}`;
    return { model: hf.model, tokenizer: hf.tokenizer, source, history: [], trainAccuracy: [] };
  }
  const { runId: lmRun, lm } = await trainIclLm(cfg, {
    store,
    tasks,
    checkpointDir: opts.checkpointDir,
    progress: opts.progress,
  });
  return {
    model: lm.model,
    tokenizer: lm.tokenizer,
    source: `task LM trained here (${lm.train.step} steps)`,
    // from the DB, so a resumed run's curve starts at step 1
    history: store.metrics(lmRun, { name: "train_loss" }).map((r) => ({
      step: r.step,
      loss: r.value,
    })),
    trainAccuracy: store.metrics(lmRun).filter((r) => r.name.startsWith("acc_"))
      .map((r) => ({ step: r.step, task: r.name.slice(4), accuracy: r.value })),
  };
}

/** How answers are scored and how many tokens a forward pass may hold, for this model. */
function measureOptionsFor(cfg: IclLmConfig, lm: ObtainedLm): MeasureOptions {
  const { model, tokenizer } = lm;
  return {
    mode: cfg.accuracyMode === "auto"
      ? (tokenizer.name === "bytes" || tokenizer.name === "chars" ? "teacherForced" : "greedy")
      : cfg.accuracyMode,
    decode: (ids) => tokenizer.decode(ids),
    // the forward pass returns logits at every position: keep B·T·V within 64M floats (a
    // 50,257-token vocabulary allows ≈1,300 tokens per pass)
    tokensPerBatch: Math.max(
      1,
      Math.min(cfg.evalTokensPerBatch, Math.floor(2 ** 26 / model.config.vocabSize)),
    ),
    maxNew: cfg.maxNewTokens,
    k: cfg.knnK,
    includeNull: cfg.tdIncludesNull,
  };
}

/** Every task's evaluation prompts, refused up front when one would not fit the model. */
function encodeAll(
  ctx: IclLmRunContext,
  tasks: IclLmTasks,
  lm: ObtainedLm,
): Map<IclLmTaskName, EncodedPrompt[]> {
  const { cfg, opts } = ctx, { model, tokenizer } = lm;
  const mode = measureOptionsFor(cfg, lm).mode;
  const prompts = new Map<IclLmTaskName, EncodedPrompt[]>();
  for (const [name, task] of tasks) {
    const p = encodeEvalPrompts(name, task, tokenizer, {
      shots: cfg.evalShots,
      perConcept: cfg.perConcept,
      seed: cfg.seed + 1,
      addSpecialTokens: !!opts.checkpoint,
    });
    const longest = Math.max(
      ...p.map((x) =>
        x.promptIds.length +
        Math.max(x.targetIds.length, mode === "greedy" ? cfg.maxNewTokens : 0)
      ),
    );
    if (longest > model.config.maxLen) {
      throw new ConfigError(
        "model.maxLen",
        `>= ${longest} (the longest ${name} evaluation prompt and answer)`,
        model.config.maxLen,
      );
    }
    prompts.set(name, p);
  }
  return prompts;
}

/** Per task: TD and accuracy of the base model, UMAP at its TD layer, the mean interventions. */
async function measureBase(run: IclLmMeasuredRun) {
  const { cfg, store, runId, model, measureOpts } = run;
  const base: TaskMeasurement[] = [];
  const interventions: Record<string, InterventionResult> = {};
  const umap: Record<string, UmapRow[]> = {};
  for (const [name, task] of run.tasks) {
    const p = run.prompts.get(name)!;
    const { measurement, run: states } = await measureTask(
      model,
      { task: name, concepts: task.concepts, prompts: p },
      measureOpts,
    );
    base.push(measurement);
    store.setArtifact(runId, `measure:base:${name}`, measurement);
    umap[name] = await umapAtLayer(
      states.states[measurement.tdLayer],
      p,
      model.config.dModel,
      task.concepts,
      cfg.seed,
    );
    store.setArtifact(runId, `umap:${name}`, umap[name]);
    run.lap(`measure ${name}`);
    interventions[name] = await meanInterventions(model, p, states, {
      layer: measurement.tdLayer,
      concepts: task.concepts,
      tdPerConcept: measurement.tdPerConcept,
      ...measureOpts,
    });
    store.setArtifact(runId, `intervention:${name}`, interventions[name]);
    run.lap(`intervene ${name}`);
  }
  return { base, interventions, umap };
}

/** The LoRA arms (first / last third of the layers): finetune, then measure at the base TD layer. */
async function finetuneArms(run: IclLmMeasuredRun, base: TaskMeasurement[]) {
  const { cfg, opts, store, runId, model, tasks } = run;
  const finetuned: NonNullable<IclLmResult["finetuned"]> = { first: [], last: [] };
  const armLayers: Record<string, number[]> = {};
  for (const which of ["first", "last"] as const) {
    const armRun = store.startRun({
      experiment: "icl_lm_lora",
      name: which,
      config: { ...loraTrainingConfig(cfg), checkpoint: opts.checkpoint ?? null, which },
    });
    const arm = await loraFinetune(model, tasks, run.tokenizer, cfg, which, {
      store,
      runId: armRun,
      checkpointPath: checkpointPath(armRun, opts.checkpointDir ?? checkpointDir("icl_lm_lora")),
      progress: opts.progress,
    });
    armLayers[which] = arm.layers;
    run.lap(`finetune ${which}`);
    try {
      for (const [name, task] of tasks) {
        const b = base.find((m) => m.task === name)!;
        const { measurement } = await measureTask(
          model,
          { task: name, concepts: task.concepts, prompts: run.prompts.get(name)! },
          { ...run.measureOpts, tdLayer: b.tdLayer, adapters: arm.lora.adapters },
        );
        finetuned[which].push(measurement);
        store.setArtifact(runId, `measure:${which}:${name}`, measurement);
      }
    } finally {
      disposeLora(arm.lora);
    }
    store.finishRun(armRun, { layers: arm.layers, finalLoss: arm.train.finalLoss });
    run.lap(`measure after ${which}`);
  }
  return { finetuned, armLayers };
}

/** UMAP rows of the states of the largest shot count's prompts (labels: concept names). */
function umapAtLayer(
  states: Float32Array,
  prompts: EncodedPrompt[],
  d: number,
  concepts: readonly string[],
  seed: number,
): Promise<UmapRow[]> {
  const k = Math.max(...prompts.map((p) => p.shots));
  const idx = prompts.flatMap((p, i) => (p.shots === k ? [i] : []));
  const sub = new Float32Array(idx.length * d);
  idx.forEach((i, r) => sub.set(states.subarray(i * d, (i + 1) * d), r * d));
  return umapEmbedding(sub, idx.map((i) => prompts[i].conceptIndex), {
    dim: d,
    labelNames: concepts,
    seed,
    nNeighbors: Math.min(15, idx.length - 1),
  });
}

/**
 * The fields that determine the trained task LM (its run and checkpoint are keyed by them).
 *
 * @example
 * ```ts
 * import { runIdOf } from "toolkit";
 * import { iclLmConfig } from "toolkit/icl-lm";
 *
 * const id = runIdOf({ experiment: "icl_lm_lm", name: "train", config: taskLmTrainingConfig(iclLmConfig("cpu")) });
 * ```
 */
export function taskLmTrainingConfig(cfg: IclLmConfig): Partial<IclLmConfig> {
  const { tasks, pos, bitwise, tokenizer, model, train, tokensPerStep, trainShots, lossOn, seed } =
    cfg;
  return {
    tasks,
    pos,
    bitwise,
    tokenizer,
    model,
    train,
    tokensPerStep,
    trainShots,
    lossOn,
    seed,
    // a key only when not the default, so gpt2 runs keep the ids they had before the field existed
    ...(cfg.architecture !== "gpt2" ? { architecture: cfg.architecture } : {}),
  };
}

/** The fields that determine a LoRA arm (besides the base model). */
function loraTrainingConfig(cfg: IclLmConfig): Partial<IclLmConfig> {
  const {
    loraRank,
    loraAlpha,
    loraDropout,
    loraFraction,
    finetune,
    finetuneTokensPerStep,
    trainShots,
  } = cfg;
  return {
    ...taskLmTrainingConfig(cfg),
    loraRank,
    loraAlpha,
    loraDropout,
    loraFraction,
    finetune,
    finetuneTokensPerStep,
    trainShots,
  };
}

/**
 * What a run is keyed by in the results DB: the config and the checkpoint folder (if any).
 *
 * @example
 * ```ts
 * import { runIdOf } from "toolkit";
 * import { iclLmConfig } from "toolkit/icl-lm";
 *
 * const id = runIdOf({ experiment: "icl_lm", name: "cpu", config: iclLmRunConfig(iclLmConfig("cpu")) });
 * ```
 */
export function iclLmRunConfig(
  cfg: IclLmConfig,
  checkpoint?: string,
): IclLmConfig & { checkpoint: string | null } {
  return { ...cfg, checkpoint: checkpoint ?? null };
}

/**
 * A finished run of this config from the results DB, or null: what notebooks and reports read
 * instead of re-running (run id `icl_lm-<name>-<hash of config>`).
 *
 * @example
 * ```ts
 * import { openResults } from "toolkit";
 * import { iclLmConfig } from "toolkit/icl-lm";
 *
 * const res = loadIclLmRun(openResults(), iclLmConfig("cpu"), { name: "cpu" });
 * ```
 */
export function loadIclLmRun(
  store: ResultsStore,
  cfg: IclLmConfig,
  opts: { name?: string; checkpoint?: string } = {},
): IclLmResult | null {
  const config = iclLmRunConfig(cfg, opts.checkpoint);
  const runId = runIdOf({ experiment: "icl_lm", name: opts.name, config });
  const run = store.run(runId);
  if (!run || run.status !== "done") return null;
  const arms = run.summary.finetune
    ? { first: [], last: [] } as { first: TaskMeasurement[]; last: TaskMeasurement[] }
    : null;
  const base: TaskMeasurement[] = [],
    interventions: Record<string, InterventionResult> = {},
    umap: Record<string, UmapRow[]> = {};
  for (const t of cfg.tasks) {
    base.push(store.artifact(runId, `measure:base:${t}`)!);
    interventions[t] = store.artifact(runId, `intervention:${t}`)!;
    umap[t] = store.artifact(runId, `umap:${t}`) ?? [];
    if (arms) {
      for (const w of ["first", "last"] as const) {
        arms[w].push(store.artifact(runId, `measure:${w}:${t}`)!);
      }
    }
  }
  return {
    runId,
    summary: run.summary,
    base,
    interventions,
    finetuned: arms,
    umap,
    history: store.artifact(runId, "history") ?? [],
    trainAccuracy: store.artifact(runId, "train_accuracy") ?? [],
  };
}

/**
 * A stored finished run of this config, or a new run (see {@link runIclLm}).
 *
 * @example
 * ```ts
 * import { openResults } from "toolkit";
 * import { iclLmConfig } from "toolkit/icl-lm";
 *
 * const res = await loadOrRunIclLm(iclLmConfig("smoke"), { store: openResults(), name: "smoke" });
 * ```
 */
export async function loadOrRunIclLm(
  cfg: IclLmConfig,
  opts: RunIclLmOptions,
): Promise<IclLmResult> {
  return loadIclLmRun(opts.store, cfg, { name: opts.name, checkpoint: opts.checkpoint }) ??
    await runIclLm(cfg, opts);
}

/**
 * The headline summary from the base measurements and the rest of a run's parts.
 *
 * @example
 * ```ts
 * import type { InterventionResult, TaskMeasurement } from "toolkit/icl-lm";
 *
 * declare const base: TaskMeasurement[], interventions: Record<string, InterventionResult>;
 * const s = summarizeIclLm(base, {
 *   interventions,
 *   finetuned: null,
 *   armLayers: {},
 *   model: { source: "x", nLayers: 6, dModel: 96, params: 0 },
 *   seconds: {},
 * });
 * ```
 */
export function summarizeIclLm(
  base: TaskMeasurement[],
  parts: {
    interventions: Record<string, InterventionResult>;
    /** The two LoRA arms' measurements (null: finetuning skipped), and the layers each adapted. */
    finetuned: IclLmResult["finetuned"];
    armLayers: Record<string, number[]>;
    model: IclLmSummary["model"];
    /** Wall seconds per stage. */
    seconds: Record<string, number>;
  },
): IclLmSummary {
  const { interventions, finetuned, armLayers, model, seconds } = parts;
  const byTask = <T>(f: (m: TaskMeasurement) => T) =>
    Object.fromEntries(base.map((m) => [m.task, f(m)]));
  const tdAcc = (ms: TaskMeasurement[]): TdAccuracy =>
    Object.fromEntries(ms.map((m) => [m.task, { td: m.tdAtLayer, accuracy: m.accuracyMean }]));
  return {
    td_layer: byTask((m) => m.tdLayer),
    r2: byTask((m) => m.fit.r2),
    accuracy_per_concept: byTask((m) => m.accuracyPerConcept),
    intervention: Object.fromEntries(
      Object.entries(interventions).map(([t, iv]) => [t, {
        layer: iv.layer,
        well_separated: iv.wellSeparated,
        overlapping: iv.overlapping,
      }]),
    ),
    finetune: finetuned
      ? {
        base: tdAcc(base),
        first: { layers: armLayers.first, tasks: tdAcc(finetuned.first) },
        last: { layers: armLayers.last, tasks: tdAcc(finetuned.last) },
      }
      : null,
    model,
    seconds,
  };
}
