/**
 * One resource-model training run: full-batch Adam on α·task_loss + λ·L1 penalty, in float64.
 *
 * @module
 */
import { Rng } from "../util/rng.ts";
import { resolveResourceTrainConfig, type ResourceTrainConfig } from "./config.ts";
import {
  type AdamState,
  adamStep,
  backward,
  forward,
  initMlp,
  type Mlp,
  mlpFromTheta,
  type MlpShape,
  penaltyMask,
} from "./sparse_mlp.ts";
import { sampleToyTask, toyTask, type ToyTaskData } from "./toy_tasks.ts";

/** A resumable training state (stored as a checkpoint artifact). */
export interface ResourceCheckpoint {
  step: number;
  theta: number[];
  m: number[];
  v: number[];
}

/** What one run produced. */
export interface RunOutcome {
  config: ResourceTrainConfig;
  /** Final parameters (flat; see {@link Mlp}). */
  theta: number[];
  /**
   * Per-output MSE on the training points (with `freshSamples`: on the last step's batch), then
   * on the held-out points.
   */
  trainMse: number[];
  testMse: number[];
  /** Task loss Σ_k w_k·MSE_k on the held-out points (what we report as "MSE"). */
  testLoss: number;
  /** Final objective α·task_loss + λ·penalty on the training points. */
  objective: number;
  seconds: number;
}

/** The network shape a config trains. */
export function shapeOf(cfg: ResourceTrainConfig): MlpShape {
  const t = toyTask(cfg.task);
  return {
    inputs: t.inputs,
    hidden: Array(cfg.depth).fill(cfg.width),
    outputs: t.outputs,
    activation: cfg.activation,
  };
}

/**
 * The training and held-out data of a config (deterministic in its seed).
 *
 * @example
 * ```ts
 * import { resolveResourceTrainConfig } from "./mod.ts";
 *
 * const { train, test } = runData(resolveResourceTrainConfig({ seed: 1 }));
 * ```
 */
export function runData(
  cfg: ResourceTrainConfig,
): { train: ToyTaskData; test: ToyTaskData } {
  const task = toyTask(cfg.task);
  const rng = new Rng(`resource:${cfg.seed}`);
  const trainRng = rng.fork("train"), testRng = rng.fork("test");
  return {
    train: sampleToyTask(task, cfg.points, trainRng),
    test: sampleToyTask(task, cfg.testPoints, testRng),
  };
}

/**
 * The training batch of one step: the fixed training set, or with `freshSamples` a fresh draw of
 * `points` inputs that depends on (seed, step) only.
 *
 * @example
 * ```ts
 * import { resolveResourceTrainConfig } from "./mod.ts";
 *
 * const cfg = resolveResourceTrainConfig({ task: { kind: "sequential" }, freshSamples: true });
 * const batch = stepBatch(cfg, 1);
 * ```
 */
export function stepBatch(cfg: ResourceTrainConfig, step: number): ToyTaskData {
  if (!cfg.freshSamples) return runData(cfg).train;
  const rng = new Rng(`resource:${cfg.seed}`).fork(`train:${step}`);
  return sampleToyTask(toyTask(cfg.task), cfg.points, rng);
}

/**
 * Per-output MSE of a network on data.
 *
 * @example
 * ```ts
 * import type { Mlp, ToyTaskData } from "./mod.ts";
 *
 * declare const net: Mlp, data: ToyTaskData;
 * const mse = mseOf(net, data); // [mse of output 0, …]
 * ```
 */
export function mseOf(net: Mlp, data: ToyTaskData): number[] {
  const { out } = forward(net, data.x, data.n);
  const K = net.sizes[net.sizes.length - 1];
  return Array.from({ length: K }, (_, k) => {
    let s = 0;
    for (let p = 0; p < data.n; p++) {
      const e = out[k * data.n + p] - data.y[k * data.n + p];
      s += e * e;
    }
    return s / data.n;
  });
}

/**
 * Trains one run. `opts.resume` continues from a checkpoint; `opts.onLog` receives metrics every
 * `logEvery` steps, `opts.onCheckpoint` a checkpoint every `checkpointEvery` steps.
 *
 * @example
 * ```ts
 * const r = trainRun({ task: { kind: "single" }, alpha: 64, steps: 2000 });
 * console.log(r.testLoss);
 * ```
 */
export function trainRun(
  partial: Partial<ResourceTrainConfig>,
  opts: {
    resume?: ResourceCheckpoint;
    onLog?: (step: number, m: { objective: number; taskLoss: number; penalty: number }) => void;
    onCheckpoint?: (c: ResourceCheckpoint) => void;
  } = {},
): RunOutcome {
  const cfg = resolveResourceTrainConfig(partial);
  const t0 = performance.now();
  const task = toyTask(cfg.task);
  const { train: fixed, test } = runData(cfg);
  const shape = shapeOf(cfg);
  const net = initMlp(shape, new Rng(`resource:${cfg.seed}`).fork("init"));
  const P = net.theta.length;
  const st: AdamState = { t: 0, m: new Float64Array(P), v: new Float64Array(P) };
  let start = 0;
  if (opts.resume) {
    net.theta.set(opts.resume.theta);
    st.m.set(opts.resume.m);
    st.v.set(opts.resume.v);
    st.t = start = opts.resume.step;
  }
  const mask = penaltyMask(net, { biases: cfg.penalizeBiases });
  const n = fixed.n, K = task.outputs;
  const fresh = cfg.freshSamples === true;
  let train = fixed;
  const dOut = new Float64Array(K * n), grad = new Float64Array(P);
  let fw = forward(net, fixed.x, n);
  for (let step = start + 1; step <= cfg.steps; step++) {
    if (fresh) train = stepBatch(cfg, step);
    fw = forward(net, train.x, n, { reuse: fw });
    let taskLoss = 0;
    for (let k = 0; k < K; k++) {
      const c = 2 * cfg.alpha * task.lossWeights[k] / n;
      let s = 0;
      for (let p = 0; p < n; p++) {
        const q = k * n + p, e = fw.out[q] - train.y[q];
        s += e * e;
        dOut[q] = c * e;
      }
      taskLoss += task.lossWeights[k] * s / n;
    }
    backward(net, fw, dOut, { into: grad });
    let penalty = 0;
    const th = net.theta, lam = cfg.lambda;
    for (let i = 0; i < P; i++) {
      if (!mask[i]) continue;
      const w = th[i];
      penalty += Math.abs(w);
      grad[i] += w > 0 ? lam : w < 0 ? -lam : 0;
    }
    if (opts.onLog && (step % cfg.logEvery === 0 || step === start + 1)) {
      opts.onLog(step - 1, { objective: cfg.alpha * taskLoss + lam * penalty, taskLoss, penalty });
    }
    adamStep(net.theta, grad, st, cfg.lr);
    if (
      opts.onCheckpoint && cfg.checkpointEvery > 0 && step % cfg.checkpointEvery === 0 &&
      step < cfg.steps
    ) {
      opts.onCheckpoint({
        step,
        theta: Array.from(net.theta),
        m: Array.from(st.m),
        v: Array.from(st.v),
      });
    }
  }
  if (fresh) train = stepBatch(cfg, cfg.steps);
  const trainMse = mseOf(net, train), testMse = mseOf(net, test);
  const wsum = (m: number[]) => m.reduce((s, v, k) => s + task.lossWeights[k] * v, 0);
  let penalty = 0;
  for (let i = 0; i < P; i++) if (mask[i]) penalty += Math.abs(net.theta[i]);
  return {
    config: cfg,
    theta: Array.from(net.theta),
    trainMse,
    testMse,
    testLoss: wsum(testMse),
    objective: cfg.alpha * wsum(trainMse) + cfg.lambda * penalty,
    seconds: (performance.now() - t0) / 1000,
  };
}

/**
 * Rebuilds a trained network from a run's config and parameters.
 *
 * @example
 * ```ts
 * declare const outcome: RunOutcome;
 * const net = netOf(outcome.config, outcome.theta);
 * ```
 */
export function netOf(cfg: ResourceTrainConfig, theta: ArrayLike<number>): Mlp {
  return mlpFromTheta(shapeOf(cfg), theta);
}
