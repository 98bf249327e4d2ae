/**
 * The training loop: Adam steps on seeded batches, metrics to the results database,
 * evaluation callbacks, checkpoints that resume after a kill without losing or repeating a step.
 *
 * Resume is exact because the batch of step s is a pure function of (seed, s) — the caller's
 * `batch(step)` — and the checkpoint holds the parameters, the Adam moments and the step.
 *
 * @module
 */
import { tf } from "../deps.ts";
import { MODEL_FIELDS_ADDED } from "../model/config.ts";
import type { Params } from "../model/transformer.ts";
import {
  type Checkpoint,
  loadCheckpoint,
  type NamedArray,
  saveCheckpoint,
} from "../store/checkpoint.ts";
import { lockRun, type RunLock } from "../store/lock.ts";
import type { ResultsStore } from "../store/results.ts";
import {
  checkKnownKeys,
  checkNumber,
  checkOneOf,
  checkPositiveInt,
  ConfigError,
} from "../util/validate.ts";
import { Adam } from "./optimizer.ts";
import { Progress } from "./progress.ts";
import { envFlag } from "../util/env.ts";

/** Trainer hyper-parameters. */
export interface TrainConfig {
  /** Total optimizer steps. Paper 1: 80,000. */
  steps: number;
  /** Peak learning rate. Paper 1: 1e-4. */
  lr: number;
  /** Adam (β1, β2). Paper 1: (0.9, 0.9999). */
  betas: [number, number];
  /** Adam epsilon. Default 1e-8. */
  eps: number;
  /** Decoupled weight decay. Default 0. */
  weightDecay: number;
  /** Clip the global gradient norm to this (0: off). Default 0 (paper 1 does not clip). */
  clipNorm: number;
  /** `constant` (paper 1), `cosine` (to 10% of lr), with `warmupSteps` of linear warm-up. */
  schedule: "constant" | "cosine";
  /** Linear warm-up steps. Default 0. */
  warmupSteps: number;
  /** Log the mean training loss every this many steps. Default 50. */
  logEvery: number;
  /** Run the evaluation callback every this many steps (0: never). Default 0. */
  evalEvery: number;
  /** Write a checkpoint every this many steps (0: only at the end). Default 500. */
  checkpointEvery: number;
}

/** Trainer defaults (paper 1's optimiser settings). */
export const DEFAULT_TRAIN: TrainConfig = {
  steps: 1000,
  lr: 1e-4,
  betas: [0.9, 0.9999],
  eps: 1e-8,
  weightDecay: 0,
  clipNorm: 0,
  schedule: "constant",
  warmupSteps: 0,
  logEvery: 50,
  evalEvery: 0,
  checkpointEvery: 500,
};

/**
 * Fills defaults and validates a trainer config (a bad field throws `ConfigError`).
 *
 * @example
 * ```ts
 * const cfg = trainConfig({ steps: 2000, lr: 1e-3 });
 * ```
 */
export function trainConfig(over: Partial<TrainConfig> = {}): TrainConfig {
  checkKnownKeys(over, DEFAULT_TRAIN, "train");
  const c = { ...DEFAULT_TRAIN, ...over };
  checkPositiveInt(c, "steps");
  checkNumber(c, "lr", { min: 0, exclusiveMin: true });
  if (!Array.isArray(c.betas) || c.betas.length !== 2 || c.betas.some((b) => !(b >= 0 && b < 1))) {
    throw new ConfigError("betas", "two numbers in [0, 1)", c.betas);
  }
  checkNumber(c, "eps", { min: 0, exclusiveMin: true });
  checkNumber(c, "weightDecay", { min: 0 });
  checkNumber(c, "clipNorm", { min: 0 });
  checkOneOf(c, "schedule", ["constant", "cosine"]);
  checkPositiveInt(c, "warmupSteps", { min: 0 });
  checkPositiveInt(c, "logEvery");
  checkPositiveInt(c, "evalEvery", { min: 0 });
  checkPositiveInt(c, "checkpointEvery", { min: 0 });
  return c;
}

/**
 * The learning rate at a (1-based) step under the config's schedule.
 *
 * @example
 * ```ts
 * learningRate(trainConfig({ steps: 1000, lr: 1e-3, warmupSteps: 100 }), 50); // 5e-4 during warm-up
 * ```
 */
export function learningRate(cfg: TrainConfig, step: number): number {
  const warm = cfg.warmupSteps > 0 && step <= cfg.warmupSteps ? step / cfg.warmupSteps : 1;
  if (cfg.schedule === "constant") return cfg.lr * warm;
  const t = Math.min(
    1,
    Math.max(0, (step - cfg.warmupSteps) / Math.max(1, cfg.steps - cfg.warmupSteps)),
  );
  return cfg.lr * warm * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * t)));
}

/** Anything with named trainable parameters and a JSON-able config. */
export interface TrainableModel {
  params: Params;
  config: unknown;
}

/** What the loop is given besides the config. */
export interface TrainOptions<B> {
  /** The batch of a step (1-based): must depend only on the step and the caller's seed. */
  batch: (step: number) => B;
  /** The scalar loss of a batch (called inside the gradient tape). */
  loss: (batch: B) => tf.Scalar;
  /** Evaluation every `evalEvery` steps (and at the end); returned numbers are stored as metrics. */
  evaluate?: (step: number) => Promise<Record<string, number>> | Record<string, number>;
  /** Called after each checkpoint is written (e.g. to store artifacts at that step). */
  onCheckpoint?: (step: number) => Promise<void> | void;
  /** Results database and the run's id: metrics go there. */
  store?: ResultsStore;
  runId?: string;
  /**
   * Checkpoint file (safetensors). With one, an existing checkpoint is resumed, and the run is
   * locked (`<checkpointPath>.lock`) while it trains: a second process on the same run fails
   * naming the first (a `UsageError`), or waits with {@link TrainOptions.wait}.
   */
  checkpointPath?: string;
  /** Wait for another process training the same checkpoint instead of failing. Default `TOOLKIT_WAIT=1`. */
  wait?: boolean;
  /** Show a progress line (default true). */
  progress?: boolean;
  /** Label of the progress line. */
  label?: string;
  /** Stop as if killed after this step (no extra log or checkpoint) — for tests of resume. */
  stopAfter?: number;
  /**
   * Wall-clock deadline (`Date.now()` milliseconds): training pauses at the first logging step
   * at or past it and writes a checkpoint there, so the same call later resumes where it stopped
   * (time-boxed chunks on a lent GPU, say). Default: none.
   */
  deadline?: number;
  /** Only trainable parameters with these names are updated (e.g. LoRA adapters). Default all. */
  trainable?: string[];
}

/** What {@link train} returns. */
export interface TrainResult {
  /** The last step completed. */
  step: number;
  /** The step training started from (0, or the resumed checkpoint's). */
  resumedFrom: number;
  /** Mean training loss over the last logging window. */
  finalLoss: number;
  /** (step, mean loss) at every logging point of this call. */
  history: { step: number; loss: number }[];
  /** Wall time of this call's steps, in milliseconds per step. */
  msPerStep: number;
  /** True when {@link TrainOptions.deadline} stopped training before `steps`. */
  paused: boolean;
}

/**
 * Trains `model` with Adam. Resumes from `checkpointPath` when it exists (parameters, Adam
 * moments, step; metrics logged after the checkpoint are dropped and re-logged).
 *
 * @example
 * ```ts
 * import { RegressionTransformer, Rng } from "toolkit";
 * import { SparseRegressionTask } from "toolkit/data";
 *
 * const model = new RegressionTransformer({ nLayers: 2, dModel: 64, nHeads: 2 });
 * const task = new SparseRegressionTask({ seed: 1 });
 * const res = await train(model, { steps: 500, lr: 1e-3 }, {
 *   batch: (s) => task.sample(64, { rng: new Rng(`train:${s}`) }), // a pure function of the step
 *   loss: (b) => model.loss(b),
 * });
 * ```
 */
export async function train<B>(
  model: TrainableModel,
  config: Partial<TrainConfig>,
  opts: TrainOptions<B>,
): Promise<TrainResult> {
  const cfg = trainConfig(config);
  const trainParams = selectTrainable(model, opts.trainable);
  const adam = new Adam(trainParams, {
    lr: cfg.lr,
    betas: cfg.betas,
    eps: cfg.eps,
    weightDecay: cfg.weightDecay,
  });
  let lock: RunLock | undefined;
  try {
    let step = 0;
    // The partial loss window at the checkpoint (when checkpointEvery is not a multiple of
    // logEvery), so that the first loss logged after a resume equals an uninterrupted run's.
    let partial = { sum: 0, n: 0 };
    if (opts.checkpointPath) {
      lock = await lockCheckpoint(opts.checkpointPath, opts);
      ({ step, partial } = await resumeIfSaved(opts.checkpointPath, model, adam, cfg));
    }
    const resumedFrom = step;
    if (opts.store && opts.runId) opts.store.truncateMetrics(opts.runId, step);

    const history: { step: number; loss: number }[] = [];
    const bar = opts.progress === false
      ? null
      : new Progress(cfg.steps, { label: opts.label ?? "train", start: step });
    const stopAt = Math.min(cfg.steps, opts.stopAfter ?? Infinity);
    const window = new LossWindow(partial);
    const varList = Object.values(trainParams);
    const t0 = performance.now();
    let finalLoss = NaN, paused = false;

    while (step < stopAt) {
      step++;
      window.add(optimizerStep(opts, step, trainParams, varList, adam, cfg));
      if (isLogStep(cfg, step)) {
        finalLoss = await window.flush();
        history.push({ step, loss: finalLoss });
        logMetrics(opts, step, { train_loss: finalLoss });
        bar?.update(step, { loss: finalLoss });
      }
      if (opts.evaluate && isEvalStep(cfg, step)) logMetrics(opts, step, await opts.evaluate(step));
      paused = deadlinePassed(cfg, opts.deadline, step);
      if (opts.checkpointPath && isCheckpointStep(cfg, step, paused)) {
        await save(opts.checkpointPath, model, adam, cfg, step, await window.partial());
        await opts.onCheckpoint?.(step);
      }
      if (paused) break;
    }
    window.dispose();
    bar?.done();
    const msPerStep = (performance.now() - t0) / Math.max(1, step - resumedFrom);
    return { step, resumedFrom, finalLoss, history, msPerStep, paused };
  } finally {
    adam.dispose();
    lock?.release();
  }
}

// Step 1: the parameters Adam updates (`opts.trainable`, or every trainable one), by name.
function selectTrainable(model: TrainableModel, trainable: string[] | undefined): Params {
  const names = trainable ?? Object.keys(model.params).filter((n) => model.params[n].trainable);
  return Object.fromEntries(names.map((n) => {
    if (!model.params[n]) throw new ConfigError("trainable", "names of the model's parameters", n);
    return [n, model.params[n]];
  }));
}

// Step 2: one process per checkpoint — lock `<checkpointPath>.lock` (or wait for its holder).
function lockCheckpoint<B>(path: string, opts: TrainOptions<B>): Promise<RunLock> {
  return lockRun(`${path}.lock`, {
    wait: opts.wait ?? envFlag("TOOLKIT_WAIT", false),
    label: opts.runId ?? opts.label,
  });
}

// Step 3: the step and loss window to start from — a saved checkpoint's (restoring the model
// and Adam), or step 0.
async function resumeIfSaved(
  path: string,
  model: TrainableModel,
  adam: Adam,
  cfg: TrainConfig,
): Promise<{ step: number; partial: { sum: number; n: number } }> {
  const ckpt = await loadCheckpoint(path);
  return ckpt ? restore(ckpt, model, adam, cfg, path) : { step: 0, partial: { sum: 0, n: 0 } };
}

// The loop's body: the gradient of the step's batch, (clipped,) applied by Adam; returns the loss.
function optimizerStep<B>(
  opts: TrainOptions<B>,
  step: number,
  trainParams: Params,
  varList: tf.Variable[],
  adam: Adam,
  cfg: TrainConfig,
): tf.Scalar {
  const batch = opts.batch(step);
  const { value, grads } = tf.variableGrads(() => opts.loss(batch), varList);
  const named = renameGrads(grads, trainParams);
  if (cfg.clipNorm > 0) clipByGlobalNorm(named, cfg.clipNorm);
  adam.apply(named, { lr: learningRate(cfg, step) });
  tf.dispose(Object.values(named));
  return value;
}

// The sum of the losses since the last log, kept on the device (a step does not wait to read
// its loss) and read only when logged or checkpointed.
class LossWindow {
  #sum: tf.Scalar;
  #n: number;
  constructor(partial: { sum: number; n: number }) {
    this.#sum = tf.keep(tf.scalar(partial.sum));
    this.#n = partial.n;
  }
  // Adds (and disposes) one step's loss.
  add(value: tf.Scalar) {
    const next = tf.keep(tf.add(this.#sum, value)) as tf.Scalar;
    this.#sum.dispose();
    this.#sum = next;
    value.dispose();
    this.#n++;
  }
  // The window's mean loss; starts a new window.
  async flush(): Promise<number> {
    const mean = (await this.#sum.data())[0] / this.#n;
    this.#sum.dispose();
    this.#sum = tf.keep(tf.scalar(0));
    this.#n = 0;
    return mean;
  }
  // The open window as a checkpoint stores it.
  async partial(): Promise<{ sum: number; n: number }> {
    return { sum: this.#n ? (await this.#sum.data())[0] : 0, n: this.#n };
  }
  dispose() {
    this.#sum.dispose();
  }
}

// Logging steps: every `logEvery` and the last.
function isLogStep(cfg: TrainConfig, step: number): boolean {
  return step % cfg.logEvery === 0 || step === cfg.steps;
}

// Evaluation steps: every `evalEvery` (when set) and the last.
function isEvalStep(cfg: TrainConfig, step: number): boolean {
  return (cfg.evalEvery > 0 && step % cfg.evalEvery === 0) || step === cfg.steps;
}

// Pause only on a logging step, so that no partial loss window is lost on resume.
function deadlinePassed(cfg: TrainConfig, deadline: number | undefined, step: number): boolean {
  return deadline !== undefined && step < cfg.steps && step % cfg.logEvery === 0 &&
    Date.now() >= deadline;
}

// Checkpoint steps: every `checkpointEvery` (when set), the last, and a pause.
function isCheckpointStep(cfg: TrainConfig, step: number, paused: boolean): boolean {
  return (cfg.checkpointEvery > 0 && step % cfg.checkpointEvery === 0) ||
    step === cfg.steps || paused;
}

// Metrics go to the results database when the run has one.
function logMetrics<B>(opts: TrainOptions<B>, step: number, metrics: Record<string, number>) {
  if (opts.store && opts.runId) opts.store.logMetrics(opts.runId, step, metrics);
}

function renameGrads(grads: tf.NamedTensorMap, params: Params): tf.NamedTensorMap {
  // variableGrads keys gradients by variable name; map them back to our parameter names.
  const byVar = new Map(Object.entries(params).map(([n, v]) => [v.name, n]));
  return Object.fromEntries(Object.entries(grads).map(([k, g]) => [byVar.get(k) ?? k, g]));
}

function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number) {
  const norm = tf.tidy(() =>
    tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))))
  );
  const n = norm.dataSync()[0];
  norm.dispose();
  if (n > maxNorm) {
    for (const k of Object.keys(grads)) {
      const old = grads[k];
      grads[k] = tf.mul(old, maxNorm / n);
      old.dispose();
    }
  }
}

async function save(
  path: string,
  model: TrainableModel,
  adam: Adam,
  cfg: TrainConfig,
  step: number,
  partial: { sum: number; n: number },
) {
  const tensors: Record<string, NamedArray> = await adam.state();
  for (const [name, v] of Object.entries(model.params)) {
    tensors[name] = { data: (await v.data()) as Float32Array, shape: v.shape };
  }
  await saveCheckpoint(path, {
    tensors,
    metadata: {
      step: String(step),
      model: JSON.stringify(model.config),
      train: JSON.stringify(cfg),
      // The float32 sum of the losses since the last log and their count (exact as a JS number).
      lossWindow: JSON.stringify(partial),
    },
  });
}

/**
 * Whether a checkpoint's model config is the current one: equal field by field (in any order),
 * after filling in the fields added since the checkpoint was written (`MODEL_FIELDS_ADDED`) with
 * the value it was trained with.
 */
function sameModelConfig(saved: unknown, current: unknown): boolean {
  if (!isRecord(saved) || !isRecord(current)) {
    return JSON.stringify(saved) === JSON.stringify(current);
  }
  const filled: Record<string, unknown> = { ...saved };
  for (const [k, v] of Object.entries(MODEL_FIELDS_ADDED)) {
    if (!(k in filled) && k in current) filled[k] = v;
  }
  const keys = Object.keys(current);
  return keys.length === Object.keys(filled).length &&
    keys.every((k) => JSON.stringify(filled[k]) === JSON.stringify(current[k]));
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function restore(
  ckpt: Checkpoint,
  model: TrainableModel,
  adam: Adam,
  cfg: TrainConfig,
  path: string,
): { step: number; partial: { sum: number; n: number } } {
  const savedModel = JSON.parse(ckpt.metadata.model ?? "null");
  if (!sameModelConfig(savedModel, model.config)) {
    throw new Error(
      `checkpoint ${path} was written for another model config: ${ckpt.metadata.model}`,
    );
  }
  const savedTrain = JSON.parse(ckpt.metadata.train ?? "{}");
  for (const k of ["lr", "betas", "eps", "schedule", "warmupSteps", "weightDecay"] as const) {
    if (JSON.stringify(savedTrain[k]) !== JSON.stringify(cfg[k])) {
      throw new Error(
        `checkpoint ${path} was trained with ${k}=${JSON.stringify(savedTrain[k])}, now ${
          JSON.stringify(cfg[k])
        }`,
      );
    }
  }
  loadParams(model.params, ckpt);
  const step = Number(ckpt.metadata.step);
  adam.load(ckpt.tensors, step);
  // Older checkpoints lack the window: their first log after a resume averages fewer steps.
  const w = JSON.parse(ckpt.metadata.lossWindow ?? "null");
  const partial = w && Number.isFinite(w.sum) && Number.isInteger(w.n) && w.n >= 0
    ? w
    : { sum: 0, n: 0 };
  return { step, partial };
}

/**
 * Copies a checkpoint's tensors into a model's parameters (shapes must match).
 *
 * @example
 * ```ts
 * import { loadCheckpoint, RegressionTransformer } from "toolkit";
 *
 * const model = new RegressionTransformer({ nLayers: 2 });
 * loadParams(model.params, (await loadCheckpoint("run.safetensors"))!);
 * ```
 */
export function loadParams(params: Params, ckpt: Checkpoint) {
  for (const [name, v] of Object.entries(params)) {
    const t = ckpt.tensors[name];
    if (!t) throw new Error(`checkpoint lacks parameter ${name}`);
    if (t.shape.join(",") !== v.shape.join(",")) {
      throw new Error(`parameter ${name}: checkpoint shape [${t.shape}] vs model [${v.shape}]`);
    }
    v.assign(tf.tensor(t.data, v.shape));
  }
}

/**
 * Saves only a model's parameters (no optimizer state), e.g. a trained model to share.
 *
 * @example
 * ```ts
 * import { RegressionTransformer } from "toolkit";
 *
 * const model = new RegressionTransformer({ nLayers: 2 });
 * await saveModel("model.safetensors", model);
 * ```
 */
export async function saveModel(
  path: string,
  model: TrainableModel,
  metadata: Record<string, string> = {},
) {
  const tensors: Record<string, NamedArray> = {};
  for (const [name, v] of Object.entries(model.params)) {
    tensors[name] = { data: (await v.data()) as Float32Array, shape: v.shape };
  }
  await saveCheckpoint(path, {
    tensors,
    metadata: { model: JSON.stringify(model.config), ...metadata },
  });
}
