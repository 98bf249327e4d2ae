import { tf } from "../deps.ts";
import { loadBlas } from "../backend/blas.ts";
import { blasInUse, useBlasMatMul } from "../backend/blas_matmul.ts";
import { setFusedKernels } from "../backend/fast_path.ts";
import { setMatMulPlanner } from "../backend/webgpu/matmul.ts";
import { gpuBackend, setBindGroupCache } from "../backend/webgpu/program.ts";
import { setFlatAdam } from "../backend/webgpu/flat_adam.ts";
import { setSimdSoftmax } from "../backend/simd_kernels.ts";
import { setSimdAttention } from "../backend/simd_attention.ts";
import type { ModelShape } from "./config.ts";
import { stepFixture } from "./step_fixture.ts";
import { processCpuMs } from "./train_step.ts";
import { median } from "../numeric/stats.ts";

/** One way of running the training step. */
export interface Lever {
  name: string;
  /** OpenBLAS matmuls (else tfjs-wasm's XNNPACK kernels); wasm only. */
  blas: boolean;
  /** The toolkit's fused kernels (else tfjs ops with hand-written gradients). */
  fused: boolean;
  /** OpenBLAS threads. */
  threads?: number;
  /** WebGPU matmul planner settings (see `setMatMulPlanner`). */
  gpu?: { tile?: 64 | 128 | null; splitK?: boolean; deep128?: boolean };
  /** tfjs's WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE (dispatches per queue submit). Default: the toolkit's 100. */
  submitBatch?: number;
  /** Reuse bind groups of the WGSL kernels (`setBindGroupCache`). Default false. */
  bindCache?: boolean;
  /** One Adam launch over all parameters (`setFlatAdam`). Default true. */
  flatAdam?: boolean;
  /** wasm attention's causal softmax as SIMD kernels (`setSimdSoftmax`). Default true. */
  simdSoftmax?: boolean;
  /** wasm attention as one SIMD call per layer (`setSimdAttention`); else per head. Default true. */
  simdAttention?: boolean;
}

/** The levers, from tfjs's own kernels to everything on. */
export const WASM_LEVERS: Lever[] = [
  { name: "tfjs-wasm kernels (XNNPACK), tfjs ops", blas: false, fused: false },
  { name: "OpenBLAS matmul ×2, tfjs ops", blas: true, fused: false, threads: 2 },
  { name: "OpenBLAS ×1 + fused kernels", blas: true, fused: true, threads: 1 },
  {
    name: "OpenBLAS ×1 + fused kernels, attention per head (sgemm + SIMD softmax)",
    blas: true,
    fused: true,
    threads: 1,
    simdAttention: false,
  },
  {
    name: "OpenBLAS ×2 + fused kernels, attention per head, softmax in JavaScript",
    blas: true,
    fused: true,
    threads: 2,
    simdSoftmax: false,
    simdAttention: false,
  },
  {
    name: "OpenBLAS ×2 + fused kernels, attention per head (sgemm + SIMD softmax)",
    blas: true,
    fused: true,
    threads: 2,
    simdAttention: false,
  },
  {
    name: "OpenBLAS ×2 + fused kernels (default: one SIMD attention call per layer)",
    blas: true,
    fused: true,
    threads: 2,
  },
];

/** The WebGPU levers, from tfjs ops to the toolkit's default (the last). */
export const GPU_LEVERS: Lever[] = [
  {
    name: "tfjs-webgpu ops (hand-written gradients), submit every 15",
    blas: false,
    fused: false,
    submitBatch: 15,
  },
  {
    name: "WGSL kernels, submit every 15 (tfjs default)",
    blas: false,
    fused: true,
    submitBatch: 15,
  },
  { name: "WGSL kernels, bind-group cache", blas: false, fused: true, bindCache: true },
  {
    name: "WGSL kernels, 64-tiles only, no split-K",
    blas: false,
    fused: true,
    gpu: { tile: 64, splitK: false },
  },
  { name: "WGSL kernels, 16-deep 128-tiles", blas: false, fused: true, gpu: { deep128: true } },
  {
    name: "WGSL kernels, one Adam launch per parameter",
    blas: false,
    fused: true,
    flatAdam: false,
  },
  { name: "WGSL kernels, default (planner, submit every 100)", blas: false, fused: true },
];

/** A lever's median step time. */
export interface LeverTiming {
  lever: string;
  ms_per_step: number;
  samples: number[];
}

/**
 * Times one training step (forward, backward, Adam: the trainer's inner loop) under each lever,
 * round-robin — one step of each lever in turn, `rounds` times — so all levers see the same
 * machine load. wasm ({@link WASM_LEVERS}) or webgpu ({@link GPU_LEVERS}); levers that need
 * OpenBLAS are skipped without it. `cpuTime` measures this process's CPU time per step instead
 * of wall time (`deno task bench --levers --cpu-time`: what a busy machine can still compare).
 *
 * @example
 * ```ts
 * const t = await measureLevers({ layers: 2, dModel: 64, heads: 2, batch: 64 }, { rounds: 5 });
 * ```
 */
export async function measureLevers(
  shape: ModelShape,
  opts: {
    rounds: number;
    warmup?: number;
    seq?: number;
    inputDim?: number;
    levers?: Lever[];
    /** This process's CPU time per step (all threads, `processCpuMs`) instead of wall time. */
    cpuTime?: boolean;
  },
): Promise<LeverTiming[]> {
  const { rounds, warmup = 2, seq = 40, inputDim = 16 } = opts;
  const cpuTime = opts.cpuTime === true && processCpuMs() !== null;
  const backend = tf.getBackend();
  if (backend !== "wasm" && backend !== "webgpu") {
    throw new Error("measureLevers needs the wasm or webgpu backend");
  }
  const blas = backend === "wasm" ? blasInUse() ?? loadBlas() : null;
  const deepOk = backend !== "webgpu" ||
    gpuBackend().device.limits.maxComputeWorkgroupStorageSize >= 16 * (128 + 128 + 8) * 4;
  const levers = (opts.levers ?? (backend === "wasm" ? WASM_LEVERS : GPU_LEVERS))
    .filter((l) => (!l.blas || blas) && (!l.gpu?.deep128 || deepOk));
  const f = stepFixture(shape, { seq, inputDim });
  const planner = setMatMulPlanner({});
  const bindBefore = backend === "webgpu" ? setBindGroupCache(false) : false;
  const flatBefore = setFlatAdam(true);
  const softmaxBefore = setSimdSoftmax(true);
  const attentionBefore = setSimdAttention(true);
  // A webgpu flag: registered only once the webgpu backend module is loaded.
  const submitBatch = backend === "webgpu"
    ? tf.env().get("WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE") as number
    : 0;
  const step = async (l: Lever) => {
    if (backend === "wasm") {
      useBlasMatMul(l.blas ? blas : null);
      if (l.blas && l.threads) blas!.setThreads(l.threads);
      setSimdSoftmax(l.simdSoftmax ?? true);
      setSimdAttention(l.simdAttention ?? true);
    } else {
      setMatMulPlanner({ ...planner, ...l.gpu });
      tf.env().set("WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE", l.submitBatch ?? submitBatch);
      setBindGroupCache(l.bindCache ?? false);
      setFlatAdam(l.flatAdam ?? true);
    }
    setFusedKernels(l.fused);
    // On a GPU, 5 steps back to back and one read (see timeQueuedSteps in train_step.ts).
    const n = backend === "webgpu" ? 5 : 1;
    const cpu0 = cpuTime ? processCpuMs()! : 0;
    const wall = (await f.run(n)).msPerStep;
    return cpuTime ? (processCpuMs()! - cpu0) / n : wall;
  };
  const threadsBefore = blas?.threads();
  const samples = levers.map(() => [] as number[]);
  try {
    for (const l of levers) for (let i = 0; i < warmup; i++) await step(l);
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < levers.length; i++) samples[i].push(await step(levers[i]));
    }
  } finally {
    if (backend === "wasm") {
      useBlasMatMul(blas);
      setSimdSoftmax(softmaxBefore);
      setSimdAttention(attentionBefore);
    } else {
      setMatMulPlanner(planner);
      tf.env().set("WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE", submitBatch);
      setBindGroupCache(bindBefore);
      setFlatAdam(flatBefore);
    }
    if (blas && threadsBefore) blas.setThreads(threadsBefore);
    setFusedKernels(true);
    f.dispose();
  }
  return levers.map((l, i) => ({
    lever: l.name,
    ms_per_step: Math.round(median(samples[i]) * 10) / 10,
    samples: samples[i].map((x) => Math.round(x * 10) / 10),
  }));
}
