/**
 * Beyond the paper: the quantization model's multitask sparse parity (Michaud, Liu, Girit,
 * Tegmark 2023, "The Quantization Model of Neural Scaling"), small enough for a CPU.
 *
 * Each input is `tasks` control bits (one-hot: which subtask) followed by `bits` data bits; the
 * label of subtask i is the parity of its own random subset of `k` data bits. Subtask i is drawn
 * with probability p_i ∝ i^−(zipf+1). If a network of width w learns the n(w) most frequent
 * subtasks and n ∝ w, the expected loss falls as Σ_{i>n} p_i ∝ n^−zipf: the quantization model
 * predicts the loss-vs-width exponent α_N = zipf (the Zipf tail exponent). Michaud et al. used 500
 * subtasks, 100 bits and much larger networks; ours has 8 subtasks and 6,000 steps, so the power
 * law is a few steps of a staircase, and the widest networks are limited by training data for
 * the rarest subtasks rather than by width — read the fitted exponent with its interval.
 *
 * Networks are the same float64 MLP as the resource model (one ReLU hidden layer, two logits,
 * cross-entropy, Adam on fresh batches, no penalty).
 *
 * @module
 */
import type { ResultsStore } from "../store/results.ts";
import { storeWaitsForLocks } from "./sweep.ts";
import { Rng } from "../util/rng.ts";
import { checkKnownKeys, checkNumber, checkPositiveInt, ConfigError } from "../util/validate.ts";
import { fitLogLog, hasTwoDistinct } from "../numeric/fit.ts";
import { type SlopeEstimate, slopeWithCi } from "./fits.ts";
import { type AdamState, adamStep, backward, forward, initMlp, type Mlp } from "./sparse_mlp.ts";
import { envFlag } from "../util/env.ts";

/** Multitask sparse parity, width sweep. */
export interface ParityConfig {
  /** Subtasks. Ours 8; Michaud et al. 500. */
  tasks: number;
  /** Data bits. Ours 10; Michaud et al. 100. */
  bits: number;
  /** Bits per parity. Ours 3; Michaud et al. 3. */
  k: number;
  /** Zipf exponent α: p_i ∝ i^−(α+1). Ours 0.5; Michaud et al. 0.4 (and others). */
  zipf: number;
  /** Hidden widths swept. */
  widths: number[];
  /** Adam steps, batch size (fresh samples each step), learning rate. Ours 6000 / 256 / 1e-3. */
  steps: number;
  batch: number;
  lr: number;
  seed: number;
  /** Held-out examples per subtask for its loss and accuracy. */
  testPerTask: number;
  /** A subtask counts as learned at this held-out accuracy. */
  learnedAccuracy: number;
}

/** Our defaults (the cpu preset). */
export const DEFAULT_PARITY: ParityConfig = {
  tasks: 8,
  bits: 10,
  k: 3,
  zipf: 0.5,
  widths: [2, 4, 8, 16, 32, 64],
  steps: 6000,
  batch: 256,
  lr: 1e-3,
  seed: 0,
  testPerTask: 200,
  learnedAccuracy: 0.9,
};

/** Quick preset (`deno task reproduce`): the default problem without the widest net. */
export const QUICK_PARITY: Partial<ParityConfig> = { widths: [2, 4, 8, 16, 32] };

/** Smoke preset (seconds). */
export const SMOKE_PARITY: Partial<ParityConfig> = {
  tasks: 4,
  bits: 8,
  k: 2,
  widths: [2, 8],
  steps: 300,
  batch: 64,
  testPerTask: 50,
};

/** Validates and fills a parity config. */
export function resolveParityConfig(
  partial: Partial<ParityConfig> = {},
): ParityConfig {
  checkKnownKeys(partial, DEFAULT_PARITY, "parity");
  const c = { ...DEFAULT_PARITY, ...partial };
  checkPositiveInt(c, "tasks", { min: 2 });
  checkPositiveInt(c, "bits");
  checkPositiveInt(c, "k");
  if (c.k > c.bits) throw new ConfigError("k", `an integer <= bits (${c.bits})`, c.k);
  checkNumber(c, "zipf", { min: 0, exclusiveMin: true });
  if (
    !Array.isArray(c.widths) || !c.widths.length ||
    c.widths.some((w) => !Number.isInteger(w) || w < 1)
  ) {
    throw new ConfigError("widths", "a non-empty array of integers >= 1", c.widths);
  }
  checkPositiveInt(c, "steps");
  checkPositiveInt(c, "batch");
  checkNumber(c, "lr", { min: 0, exclusiveMin: true });
  checkPositiveInt(c, "seed", { min: 0 });
  checkPositiveInt(c, "testPerTask");
  checkNumber(c, "learnedAccuracy", { min: 0.5, max: 1 });
  return c;
}

/** The problem: subtask frequencies and bit subsets. */
export interface ParityProblem {
  probs: number[];
  subsets: number[][];
}

/**
 * Draws the subtasks' bit subsets and their Zipf frequencies.
 *
 * @example
 * ```ts
 * const p = parityProblem(resolveParityConfig());
 * console.log(p.probs[0], p.subsets[0]);
 * ```
 */
export function parityProblem(c: ParityConfig): ParityProblem {
  const w = Array.from({ length: c.tasks }, (_, i) => (i + 1) ** -(c.zipf + 1));
  const z = w.reduce((s, v) => s + v, 0);
  const rng = new Rng(`parity:${c.seed}`).fork("subsets");
  return {
    probs: w.map((v) => v / z),
    subsets: w.map(() => rng.permutation(c.bits).slice(0, c.k).sort((a, b) => a - b)),
  };
}

/** Samples a batch (feature-major inputs, class labels); `task` fixes the subtask. */
function sampleParity(
  c: ParityConfig,
  prob: ParityProblem,
  n: number,
  rng: Rng,
  task?: number,
) {
  const d = c.tasks + c.bits;
  const x = new Float64Array(d * n), label = new Uint8Array(n);
  const cum: number[] = [];
  prob.probs.reduce((s, v, i) => (cum[i] = s + v), 0);
  for (let p = 0; p < n; p++) {
    let t = task ?? cum.findIndex((v) => v > rng.uniform());
    if (t < 0) t = c.tasks - 1;
    x[t * n + p] = 1;
    let parity = 0;
    for (let b = 0; b < c.bits; b++) {
      const bit = rng.uniform() < 0.5 ? 1 : 0;
      x[(c.tasks + b) * n + p] = bit;
      if (bit && prob.subsets[t].includes(b)) parity ^= 1;
    }
    label[p] = parity;
  }
  return { x, label };
}

/** Softmax cross-entropy of two logits per point; writes dLoss/dlogits (mean over points) into g. */
function crossEntropy(out: Float64Array, label: Uint8Array, n: number, g?: Float64Array) {
  let loss = 0, correct = 0;
  for (let p = 0; p < n; p++) {
    const a = out[p], b = out[n + p], m = Math.max(a, b);
    const ea = Math.exp(a - m), eb = Math.exp(b - m), s = ea + eb;
    const pa = ea / s, pb = eb / s;
    loss -= Math.log(label[p] ? pb : pa);
    if ((b > a ? 1 : 0) === label[p]) correct++;
    if (g) {
      g[p] = (pa - (label[p] ? 0 : 1)) / n;
      g[n + p] = (pb - (label[p] ? 1 : 0)) / n;
    }
  }
  return { loss: loss / n, accuracy: correct / n };
}

/** One width's result. */
export interface ParityWidth {
  width: number;
  params: number;
  /** Expected loss Σ p_i·L_i over subtasks (held out). */
  loss: number;
  /** Subtasks at or above the learned accuracy. */
  learned: number;
  perTask: { task: number; prob: number; loss: number; accuracy: number }[];
}

/**
 * Trains one width on multitask sparse parity.
 *
 * @example
 * ```ts
 * const r = trainParity(resolveParityConfig(SMOKE_PARITY), 8);
 * ```
 */
export function trainParity(c: ParityConfig, width: number): ParityWidth {
  const prob = parityProblem(c);
  const root = new Rng(`parity:${c.seed}:${width}`);
  const net: Mlp = initMlp(
    { inputs: c.tasks + c.bits, hidden: [width], outputs: 2, activation: "relu" },
    root.fork("init"),
  );
  const data = root.fork("data");
  const P = net.theta.length;
  const st: AdamState = { t: 0, m: new Float64Array(P), v: new Float64Array(P) };
  const g = new Float64Array(2 * c.batch), grad = new Float64Array(P);
  let fw;
  for (let s = 0; s < c.steps; s++) {
    const b = sampleParity(c, prob, c.batch, data);
    fw = forward(net, b.x, c.batch, { reuse: fw });
    crossEntropy(fw.out, b.label, c.batch, g);
    backward(net, fw, g, { into: grad });
    adamStep(net.theta, grad, st, c.lr);
  }
  const test = new Rng(`parity:${c.seed}`).fork("test");
  const perTask = prob.probs.map((p, t) => {
    const b = sampleParity(c, prob, c.testPerTask, test, t);
    const r = crossEntropy(forward(net, b.x, c.testPerTask).out, b.label, c.testPerTask);
    return { task: t + 1, prob: p, loss: r.loss, accuracy: r.accuracy };
  });
  return {
    width,
    params: P,
    loss: perTask.reduce((s, r) => s + r.prob * r.loss, 0),
    learned: perTask.filter((r) => r.accuracy >= c.learnedAccuracy).length,
    perTask,
  };
}

/** The width sweep's result and fits. */
export interface ParityResult {
  config: ParityConfig;
  widths: ParityWidth[];
  /** Slope of log loss vs log width (bootstrap interval) and the quantization model's −zipf. */
  slope: SlopeEstimate;
  predicted: number;
  /** Slope of log (learned subtasks) vs log width (the model assumes 1), over widths with ≥ 1 learned. */
  learnedSlope: number;
}

/**
 * Runs the width sweep (each width stored as one run of experiment `resource-parity` when a
 * store is given; stored widths are loaded, not retrained).
 *
 * @example
 * ```ts
 * import { openResults } from "toolkit";
 *
 * const r = await runParity({ widths: [4, 16] }, { store: openResults(":memory:") });
 * console.log(r.slope.slope, r.predicted);
 * ```
 */
export async function runParity(
  partial: Partial<ParityConfig> = {},
  opts: { store?: ResultsStore; progress?: boolean } = {},
): Promise<ParityResult> {
  const c = resolveParityConfig(partial);
  const progress = opts.progress ?? !envFlag("TOOLKIT_QUIET", false);
  const widths: ParityWidth[] = [];
  if (opts.store) storeWaitsForLocks(opts.store);
  for (const width of c.widths) {
    const { widths: _w, ...rest } = c;
    const id = opts.store?.startRun({
      experiment: "resource-parity",
      name: `w=${width}`,
      config: { ...rest, width },
    });
    const stored = id && opts.store!.run(id)?.status === "done"
      ? opts.store!.artifact<ParityWidth>(id, "outcome")
      : undefined;
    const t0 = performance.now();
    const r = stored ?? trainParity(c, width);
    if (id && !stored) {
      opts.store!.setArtifact(id, "outcome", r);
      opts.store!.finishRun(id, { loss: r.loss, learned: r.learned });
    }
    if (progress && !stored) {
      console.error(
        `[resource parity] width ${width}: loss ${
          r.loss.toFixed(4)
        }, ${r.learned}/${c.tasks} learned ` +
          `(${((performance.now() - t0) / 1000).toFixed(1)} s)`,
      );
    }
    widths.push(r);
    await Promise.resolve();
  }
  const withLearned = widths.filter((w) => w.learned > 0);
  return {
    config: c,
    widths,
    slope: slopeWithCi(widths.map((w) => ({ seed: c.seed, neurons: w.width, loss: w.loss }))),
    predicted: -c.zipf,
    learnedSlope: hasTwoDistinct(withLearned.map((w) => w.width))
      ? fitLogLog(withLearned.map((w) => w.width), withLearned.map((w) => w.learned)).slope
      : NaN,
  };
}
