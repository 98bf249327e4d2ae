import process from "node:process";
import { tf } from "../deps.ts";
import { gpuMatMul } from "../backend/webgpu/matmul.ts";
import { gpuBackend } from "../backend/webgpu/program.ts";
import {
  diffGpuWork,
  type GpuWorkCounts,
  gpuWorkCounts,
  recordOnly,
} from "../backend/webgpu/counters.ts";
import { stepFixture } from "./step_fixture.ts";
import { RegressionTransformer } from "../model/regression_transformer.ts";
import { train } from "../train/trainer.ts";
import { Rng } from "../util/rng.ts";
import { median } from "../numeric/stats.ts";
import { type ModelShape, shapeName } from "./config.ts";

/** Timings of one model shape. */
export interface StepTiming {
  /** Median wall time of one training step, ms. */
  msPerStep: number;
  /** Every timed step, ms, in order. */
  samples: number[];
  /** Trainable parameters. */
  params: number;
  /** Loss after the last step (a sanity check: finite). */
  finalLoss: number;
  /**
   * CPU time of this process (all threads) per timed step, ms (Linux; null elsewhere): close to
   * the idle machine's wall time when everything runs on one thread, whatever else loads it.
   */
  cpuMsPerStep: number | null;
  /**
   * WebGPU work recorded per timed step (webgpu backend only): compute dispatches, buffer
   * copies and queue submits, counted at the WebGPU API (lib/backend/webgpu/counters.ts).
   */
  gpuWork?: GpuWorkCounts;
  /** GPU bytes tfjs holds after the timed steps (webgpu backend only). */
  gpuBytes?: number;
}

/**
 * This process's CPU time (user + system, all threads) in ms: `process.cpuUsage()` (getrusage,
 * microseconds), else /proc (Linux, 10 ms ticks), else null.
 *
 * @example
 * ```ts
 * const t0 = processCpuMs()!; // … work …
 * const cpuMs = processCpuMs()! - t0;
 * ```
 */
export function processCpuMs(): number | null {
  try {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  } catch { /* not available: /proc below */ }
  try {
    const stat = Deno.readTextFileSync("/proc/self/stat");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) * 10; // utime, stime in clock ticks of 10 ms
  } catch {
    return null;
  }
}

/**
 * Times full training steps of the regression transformer through the real trainer: forward,
 * backward and the Adam update of `train()`, on one fixed random batch, `warmup` untimed steps
 * first. Each step ends with a read of the loss (so GPU work is finished before the clock
 * stops); a step's time is the interval between the trainer's requests for successive batches.
 *
 * @example
 * ```ts
 * const t = await timeTrainingSteps({ layers: 2, dModel: 64, heads: 2, batch: 64 }, { steps: 5 });
 * console.log(t.msPerStep);
 * ```
 */
export async function timeTrainingSteps(
  shape: ModelShape,
  opts: { steps: number; warmup?: number; seq?: number; inputDim?: number; seed?: number },
): Promise<StepTiming> {
  const { steps, warmup = 3, seq = 40, inputDim = 16, seed = 0 } = opts;
  if (tf.getBackend() === "webgpu") return timeQueuedSteps(shape, { steps, warmup, seq, inputDim });
  const model = new RegressionTransformer(
    { nLayers: shape.layers, dModel: shape.dModel, nHeads: shape.heads, inputDim, maxLen: seq },
    { seed },
  );
  const rng = new Rng(`bench:${seed}`);
  const nPoints = seq / 2;
  const batch = {
    batch: shape.batch,
    nPoints,
    dim: inputDim,
    tokens: rng.normalArray(shape.batch * seq * inputDim),
    ys: rng.normalArray(shape.batch * nPoints),
  };
  const stamps: number[] = [];
  let cpu0: number | null = null;
  try {
    const res = await train(model, {
      steps: warmup + steps,
      lr: 1e-4,
      betas: [0.9, 0.9999],
      logEvery: 1,
      checkpointEvery: 0,
    }, {
      batch: () => {
        if (stamps.length === warmup) cpu0 = processCpuMs();
        stamps.push(performance.now());
        return batch;
      },
      loss: (b) => model.loss(b),
      progress: false,
    });
    stamps.push(performance.now());
    const cpu1 = processCpuMs();
    const samples = stamps.slice(warmup + 1).map((t, i) => t - stamps[warmup + i]);
    const params = Object.values(model.params).reduce((s, v) => s + v.size, 0);
    const cpuMsPerStep = cpu0 !== null && cpu1 !== null ? (cpu1 - cpu0) / steps : null;
    return { msPerStep: median(samples), samples, params, finalLoss: res.finalLoss, cpuMsPerStep };
  } finally {
    model.dispose();
  }
}

/**
 * GPU throughput, timed as the PyTorch reference times CUDA: warm-up steps (each waited for),
 * then `steps` steps recorded back to back and one read of the last loss; ms per step = total /
 * steps. Waiting for every step would add a read-back each (~12 ms under Deno 2.9, whose
 * buffer mapping polls the device on a 10 ms timer) and stop the CPU from recording the next
 * step while the GPU runs this one — what `train()` also avoids between logging steps.
 */
async function timeQueuedSteps(
  shape: ModelShape,
  opts: { steps: number; warmup: number; seq: number; inputDim: number },
): Promise<StepTiming> {
  const f = stepFixture(shape, { seq: opts.seq, inputDim: opts.inputDim });
  try {
    for (let i = 0; i < opts.warmup; i++) await f.run(1);
    const work0 = gpuWorkCounts();
    const cpu0 = processCpuMs();
    const { msPerStep, loss } = await f.run(opts.steps);
    const cpu1 = processCpuMs();
    // Counting costs one increment per call, inside the timed steps: noise, not a bias.
    const gpuWork = diffGpuWork(gpuWorkCounts(), work0, opts.steps);
    return {
      msPerStep,
      samples: [msPerStep],
      params: f.params,
      finalLoss: loss,
      cpuMsPerStep: cpu0 !== null && cpu1 !== null ? (cpu1 - cpu0) / opts.steps : null,
      gpuWork,
      gpuBytes: gpuBytesInUse(),
    };
  } finally {
    f.dispose();
  }
}

/** The GPU bytes tfjs-backend-webgpu holds now (0 elsewhere). */
export function gpuBytesInUse(): number {
  return (tf.memory() as { numBytesInGPU?: number }).numBytesInGPU ?? 0;
}

/** What one training step records on the GPU, and what it leaves allocated. */
export interface StepWork extends GpuWorkCounts {
  /** `LAYERSxDMODELxHEADSxBATCH`. */
  config: string;
  /** tf.memory().numTensors after each counted step (flat: no leak). */
  numTensors: number[];
  /** GPU bytes in use after each counted step (flat: no leak). */
  gpuBytes: number[];
  /** The last counted step's loss (NaN when `dry`: nothing ran). */
  loss: number;
  /** Counted by recording only (nothing ran on the GPU). */
  dry: boolean;
}

/**
 * Counts the WebGPU work of training steps of the regression transformer (webgpu backend):
 * `warmup` steps (pipelines compiled, optimiser state made), then `steps` steps one at a time,
 * each read back; dispatches, copies and submits per step are the mean over the counted steps.
 * The count does not depend on the adapter (a software one counts what an H100 would), but it
 * does on the shapes: the matmul planner splits long reductions by the output's tile count.
 *
 * @example
 * ```ts
 * const w = await countStepWork({ layers: 2, dModel: 32, heads: 2, batch: 2 }, { seq: 12 });
 * console.log(w.dispatches);
 * ```
 */
export async function countStepWork(
  shape: ModelShape,
  opts: {
    steps?: number;
    warmup?: number;
    seq?: number;
    inputDim?: number;
    /**
     * Record the steps without running them ({@link recordOnly}): the count of a model too big
     * for the adapter at hand (the paper model on llvmpipe) in the time it takes to record it.
     */
    dry?: boolean;
  } = {},
): Promise<StepWork> {
  const { steps = 2, warmup = 1, seq = 40, inputDim = 16, dry = false } = opts;
  if (tf.getBackend() !== "webgpu") throw new Error("countStepWork needs the webgpu backend");
  const f = stepFixture(shape, { seq, inputDim });
  const config = shapeName(shape);
  try {
    if (dry) {
      const numTensors: number[] = [], gpuBytes: number[] = [];
      const be = gpuBackend();
      const step = () => {
        f.enqueue().dispose();
        // End the step as its read-back would, with a submit (swallowed: dropped); that also
        // returns the step's freed buffers to the pool before the memory reading, and leaves
        // nothing recorded for a later submit to carry.
        be.endComputePassEncoder();
        if (be.commandEncoder) be.submitQueue();
        numTensors.push(tf.memory().numTensors);
        gpuBytes.push(gpuBytesInUse());
      };
      let w0 = gpuWorkCounts();
      recordOnly(() => {
        for (let i = 0; i < warmup; i++) step();
        numTensors.length = gpuBytes.length = 0;
        w0 = gpuWorkCounts();
        for (let i = 0; i < steps; i++) step();
      });
      return {
        config,
        ...diffGpuWork(gpuWorkCounts(), w0, steps),
        numTensors,
        gpuBytes,
        loss: NaN,
        dry,
      };
    }
    for (let i = 0; i < warmup; i++) await f.run(1);
    const numTensors: number[] = [], gpuBytes: number[] = [];
    let loss = NaN;
    const w0 = gpuWorkCounts();
    for (let i = 0; i < steps; i++) {
      loss = (await f.run(1)).loss;
      numTensors.push(tf.memory().numTensors);
      gpuBytes.push(gpuBytesInUse());
    }
    // A read-back's own submit (mapping the loss) is part of every step here, as in train().
    const w = diffGpuWork(gpuWorkCounts(), w0, steps);
    return { config, ...w, numTensors, gpuBytes, loss, dry };
  } finally {
    f.dispose();
  }
}

/** One matmul shape's throughput. */
export interface MatmulRate {
  /** `[batch×]MxK·KxN`. */
  shape: string;
  /** Whose kernel: tfjs's matMul, or the toolkit's WGSL matmul (webgpu). */
  impl: "tfjs" | "toolkit";
  gflops: number;
  ms: number;
}

/**
 * Throughput of the current backend's matMul for a (batched) [M, K]·[K, N] product: the
 * median of `reps` timed products after one warm-up, each ended by reading one element.
 *
 * @example
 * ```ts
 * const r = await matmulRate(1024, 1024, 1024); // { shape: "1024x1024·1024x1024", gflops, ms }
 * ```
 */
export async function matmulRate(
  m: number,
  k: number,
  n: number,
  opts: {
    batch?: number;
    transposeA?: boolean;
    transposeB?: boolean;
    reps?: number;
    /** `toolkit`: the WGSL matmul of lib/backend/webgpu (webgpu backend, no batch). */
    impl?: "tfjs" | "toolkit";
  } = {},
): Promise<MatmulRate> {
  const { batch = 1, transposeA = false, transposeB = false, reps = 5, impl = "tfjs" } = opts;
  const rng = new Rng(`matmul:${m}x${k}x${n}`);
  const lead = batch > 1 ? [batch] : [];
  const aShape = [...lead, ...(transposeA ? [k, m] : [m, k])],
    bShape = [...lead, ...(transposeB ? [n, k] : [k, n])];
  const a = tf.tensor(rng.normalArray(aShape.reduce((x, y) => x * y, 1)), aShape);
  const b = tf.tensor(rng.normalArray(bShape.reduce((x, y) => x * y, 1)), bShape);
  const product = () =>
    impl === "toolkit"
      ? tf.engine().makeTensorFromTensorInfo(
        gpuMatMul(gpuBackend(), a, b, { transA: transposeA, transB: transposeB }),
      )
      : tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, transposeA, transposeB);
  // `count` products back to back, then a read of one element (which finishes them on an
  // asynchronous GPU backend without timing a copy of the whole result): ms per product.
  const run = async (count: number) => {
    const t0 = performance.now();
    for (let i = 0; i < count - 1; i++) product().dispose();
    const c = product();
    const one = tf.tidy(() => tf.slice(tf.reshape(c, [-1]), [0], [1]));
    await one.data();
    const dt = (performance.now() - t0) / count;
    tf.dispose([c, one]);
    return dt;
  };
  await run(1);
  // On a GPU one read-back costs more than a small product, so time 20 in a row there.
  const count = tf.getBackend() === "webgpu" ? 20 : 1;
  const times: number[] = [];
  for (let i = 0; i < reps; i++) times.push(await run(count));
  a.dispose();
  b.dispose();
  const ms = median(times);
  const t = (f: boolean) => (f ? "ᵀ" : "");
  return {
    shape: `${batch > 1 ? `${batch}×` : ""}${m}x${k}${t(transposeA)}·${k}x${n}${t(transposeB)}`,
    impl,
    gflops: (2 * batch * m * n * k) / ms / 1e6,
    ms,
  };
}
