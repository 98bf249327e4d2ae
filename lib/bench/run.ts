import { type BackendInfo, backendInfo, initBackend } from "../backend/backend.ts";
import { markdownTable } from "../plot/display.ts";
import {
  type BenchConfig,
  benchConfig,
  benchShapes,
  type ModelShape,
  PAPER_SHAPE,
  parseShapes,
  shapeName,
} from "./config.ts";
import { type LeverTiming, measureLevers } from "./levers.ts";
import { profileStep, type StepProfile } from "./profile.ts";
import { gpuKernels } from "../backend/webgpu/program.ts";
import { runTorchReference } from "./torch_reference.ts";
import {
  countStepWork,
  type MatmulRate,
  matmulRate,
  type StepTiming,
  type StepWork,
  timeTrainingSteps,
} from "./train_step.ts";
import { median } from "../numeric/stats.ts";

/** One shape's row of the report. */
export interface BenchResult {
  config: string;
  params: number;
  /** Our median ms per training step (median over repeats). */
  ms_per_step: number;
  /** Every timed step of every repeat, ms. */
  samples: number[];
  /** PyTorch's ms per step on the same shape (null: not run or unavailable). */
  torch_ms_per_step: number | null;
  /** ours / PyTorch: the median of the repeats' ratios (null without PyTorch). */
  ratio: number | null;
  /** Per repeat: [ours, PyTorch] ms per step. */
  repeats: [number, number | null][];
  final_loss: number;
  /**
   * WebGPU work per training step (webgpu backend; null elsewhere): compute dispatches (every
   * kernel, tfjs's and the toolkit's), buffer copies and queue submits. Adapter-independent.
   */
  dispatches_per_step: number | null;
  copies_per_step: number | null;
  submits_per_step: number | null;
  /** GPU bytes tfjs holds after the timed steps (webgpu; null elsewhere). */
  gpu_bytes: number | null;
  /** Round-robin lever timings (with `levers`). */
  levers?: LeverTiming[];
}

/** What `deno task bench --json` prints. */
export interface BenchReport {
  /** What ms_per_step measures: wall-clock time, or CPU time of each process (`cpuTime`). */
  measure: "wall" | "cpu";
  backend: string;
  device: string;
  /** Who computes matmuls: openblas, xnnpack, webgpu, cpu. */
  matmul: string;
  blas_threads: number | null;
  results: BenchResult[];
  matmul_gflops: MatmulRate[];
  torch: { impl: string; device: string; threads: number } | { error: string } | null;
  steps: number;
  warmup: number;
  seq: number;
  input_dim: number;
  machine: string;
  /** 1-minute load average at the start and the end (Linux): other work on the machine. */
  load_avg: [number, number] | null;
  date: string;
  /** Where one step of the largest shape spends its time (with `profile`). */
  profile?: StepProfile;
  /**
   * webgpu: WebGPU work of one training step of every shape run and of paper 1's model
   * (12x256x8x128), counted by recording a step without running it (adapter-independent; a
   * software adapter counts what an H100 would), with the GPU bytes in use after it.
   */
  dispatch_counts?: StepWork[];
}

/** CPU model and core count (Linux), else the platform. */
function machine(): string {
  let cpu = Deno.build.os + " " + Deno.build.arch;
  try {
    const m = Deno.readTextFileSync("/proc/cpuinfo").match(/model name\s*:\s*(.+)/);
    if (m) cpu = m[1].trim();
  } catch { /* not Linux */ }
  return `${cpu}, ${navigator.hardwareConcurrency} cores`;
}

function loadAvg(): number | null {
  try {
    return Number(Deno.readTextFileSync("/proc/loadavg").split(" ")[0]);
  } catch {
    return null;
  }
}

/** The matmul shapes of one training step of a model (forward products and the attention). */
function modelMatmuls(
  s: { layers: number; dModel: number; heads: number; batch: number },
  seq: number,
) {
  const M = s.batch * seq, d = s.dModel, hd = d / s.heads;
  return [
    { m: M, k: d, n: 3 * d },
    { m: M, k: d, n: 4 * d },
    { m: M, k: 4 * d, n: d },
    { m: d, k: M, n: 4 * d, transposeA: true }, // a weight gradient xᵀ·dy
    { m: d, k: M, n: 3 * d, transposeA: true },
    { m: M, k: 4 * d, n: d, transposeB: true }, // an input gradient dy·Wᵀ
    { m: seq, k: hd, n: seq, batch: s.batch * s.heads, transposeB: true }, // attention scores
  ];
}

/**
 * Runs the training-step benchmark: for each shape, our median step time and then (back to back,
 * so both see the same machine load) PyTorch's, and the backend's matmul throughput.
 *
 * @example
 * ```ts
 * const report = await runBench({ configs: "2x64x2x64", steps: 5 });
 * console.log(formatBench(report));
 * ```
 */
export async function runBench(
  over: Partial<BenchConfig> = {},
  opts: { log?: (line: string) => void } = {},
): Promise<BenchReport> {
  const cfg = benchConfig(over);
  const log = opts.log ?? (() => {});
  const info: BackendInfo = await initBackend({ backend: cfg.backend, quiet: true });
  const realGpu = info.backend === "webgpu" && !info.device.includes("software fallback");
  const shapes = benchShapes(cfg, realGpu);
  const device = cfg.torchDevice === "auto" ? (realGpu ? "cuda" : "cpu") : cfg.torchDevice;
  const load0 = loadAvg();
  const results: BenchResult[] = [];
  let torch: BenchReport["torch"] = null;
  for (const shape of shapes) {
    const timed = await timeShape(shape, cfg, device, log);
    if (timed.torch !== undefined) torch = timed.torch;
    if (cfg.levers) log(`[bench] ${shapeName(shape)}: levers…`);
    const levers = cfg.levers && (info.backend === "wasm" || info.backend === "webgpu")
      ? await shapeLevers(shape, cfg, info.backend)
      : undefined;
    results.push(benchResult(shape, timed, levers));
  }
  const rates = cfg.matmul ? await matmulRates(shapes, cfg, log) : [];
  const profile = cfg.profile
    ? await profileStep(shapes[shapes.length - 1], { seq: cfg.seq, inputDim: cfg.inputDim })
    : undefined;
  const counts = info.backend === "webgpu" ? await dispatchCounts(shapes, cfg, log) : undefined;
  const now = backendInfo() ?? info;
  return {
    measure: cfg.cpuTime ? "cpu" : "wall",
    backend: now.backend,
    device: now.device,
    matmul: now.matmul ?? now.backend,
    blas_threads: now.blasThreads ?? null,
    results,
    matmul_gflops: rates,
    torch,
    steps: cfg.steps,
    warmup: cfg.warmup,
    seq: cfg.seq,
    input_dim: cfg.inputDim,
    machine: machine(),
    load_avg: load0 === null ? null : [load0, loadAvg() ?? load0],
    date: new Date().toISOString().slice(0, 10),
    ...(profile ? { profile } : {}),
    ...(counts ? { dispatch_counts: counts } : {}),
  };
}

/** One shape's timed repeats, before they become a {@link BenchResult}. */
interface ShapeTiming {
  repeats: [number, number | null][];
  samples: number[];
  finalLoss: number;
  params: number;
  work: Pick<StepTiming, "gpuWork" | "gpuBytes">;
  /** The last PyTorch run's report (undefined: PyTorch not run). */
  torch: BenchReport["torch"] | undefined;
}

// Step 1 of a shape: `repeats` times, our training steps, then PyTorch's back to back.
async function timeShape(
  shape: ModelShape,
  cfg: BenchConfig,
  device: "cpu" | "cuda",
  log: (line: string) => void,
): Promise<ShapeTiming> {
  const t: ShapeTiming = {
    repeats: [],
    samples: [],
    finalLoss: NaN,
    params: 0,
    work: {},
    torch: undefined,
  };
  for (let r = 0; r < cfg.repeats; r++) {
    log(
      `[bench] ${shapeName(shape)}: timing ${cfg.warmup} + ${cfg.steps} steps${
        cfg.repeats > 1 ? ` (repeat ${r + 1}/${cfg.repeats})` : ""
      }…`,
    );
    const ours = await timeTrainingSteps(shape, {
      steps: cfg.steps,
      warmup: cfg.warmup,
      seq: cfg.seq,
      inputDim: cfg.inputDim,
    });
    const oursMs = cfg.cpuTime ? ours.cpuMsPerStep ?? NaN : ours.msPerStep;
    t.samples.push(...ours.samples.map((x) => round(x)));
    t.finalLoss = ours.finalLoss;
    t.params = ours.params;
    if (ours.gpuWork) t.work = { gpuWork: ours.gpuWork, gpuBytes: ours.gpuBytes };
    let torchMs: number | null = null;
    if (cfg.torch) {
      log(`[bench] ${shapeName(shape)}: ours ${round(oursMs)} ms/step; PyTorch reference…`);
      ({ ms: torchMs, torch: t.torch } = await timeTorch(shape, cfg, device));
    }
    t.repeats.push([round(oursMs), torchMs]);
  }
  return t;
}

// The PyTorch reference on the same shape: its ms per step (null on error) and its report.
async function timeTorch(
  shape: ModelShape,
  cfg: BenchConfig,
  device: "cpu" | "cuda",
): Promise<{ ms: number | null; torch: NonNullable<BenchReport["torch"]> }> {
  const t = await runTorchReference(shape, {
    script: cfg.torchScript,
    python: cfg.python,
    device,
    threads: cfg.torchThreads,
    steps: Math.max(cfg.steps, 5),
    seq: cfg.seq,
    inputDim: cfg.inputDim,
    cpuTime: cfg.cpuTime,
  });
  if ("error" in t) return { ms: null, torch: { error: t.error } };
  return { ms: t.msPerStep, torch: { impl: t.impl, device: t.device, threads: t.threads } };
}

// Step 2 of a shape (wasm, webgpu): the round-robin lever timings.
function shapeLevers(shape: ModelShape, cfg: BenchConfig, backend: string): Promise<LeverTiming[]> {
  return measureLevers(shape, {
    // webgpu levers time 5 queued steps per round
    rounds: backend === "webgpu" ? Math.max(3, Math.ceil(cfg.steps / 5)) : Math.max(cfg.steps, 3),
    seq: cfg.seq,
    inputDim: cfg.inputDim,
    cpuTime: cfg.cpuTime,
  });
}

// Step 3 of a shape: the report row — medians over the repeats and the GPU work per step.
function benchResult(
  shape: ModelShape,
  t: ShapeTiming,
  levers: LeverTiming[] | undefined,
): BenchResult {
  const { repeats, work } = t;
  const paired = repeats.filter((x): x is [number, number] => x[1] !== null);
  return {
    config: shapeName(shape),
    params: t.params,
    ms_per_step: round(median(repeats.map((x) => x[0]))),
    samples: t.samples,
    torch_ms_per_step: paired.length ? round(median(paired.map((x) => x[1])), 1) : null,
    ratio: paired.length ? round(median(paired.map(([a, b]) => a / b)), 3) : null,
    repeats,
    final_loss: t.finalLoss,
    dispatches_per_step: work.gpuWork ? round(work.gpuWork.dispatches) : null,
    copies_per_step: work.gpuWork ? round(work.gpuWork.copies) : null,
    submits_per_step: work.gpuWork ? round(work.gpuWork.submits) : null,
    gpu_bytes: work.gpuBytes ?? null,
    ...(levers ? { levers } : {}),
  };
}

// The backend's matmul throughput: a 1024³ product and the shapes' own products (each once).
async function matmulRates(
  shapes: ModelShape[],
  cfg: BenchConfig,
  log: (line: string) => void,
): Promise<MatmulRate[]> {
  const rates: MatmulRate[] = [];
  log("[bench] matmul GFLOP/s…");
  const seen = new Set<string>();
  for (
    const mm of [
      { m: 1024, k: 1024, n: 1024 },
      ...shapes.flatMap((s) => modelMatmuls(s, cfg.seq)),
    ]
  ) {
    const impls = gpuKernels() && !mm.batch ? ["tfjs", "toolkit"] as const : ["tfjs"] as const;
    for (const impl of impls) {
      const r = await matmulRate(mm.m, mm.k, mm.n, { ...mm, reps: 5, impl });
      if (seen.has(r.shape + impl)) continue;
      seen.add(r.shape + impl);
      rates.push({ shape: r.shape, impl, gflops: round(r.gflops, 2), ms: round(r.ms, 3) });
    }
  }
  return rates;
}

// webgpu: the WebGPU work of one step of every shape and of paper 1's, recorded without running.
async function dispatchCounts(
  shapes: ModelShape[],
  cfg: BenchConfig,
  log: (line: string) => void,
): Promise<StepWork[]> {
  log("[bench] dispatches per step (recorded, not run)…");
  const counts: StepWork[] = [];
  const names = new Set(shapes.map(shapeName));
  names.add(PAPER_SHAPE);
  for (const name of names) {
    counts.push(
      await countStepWork(parseShapes(name)[0], {
        seq: cfg.seq,
        inputDim: cfg.inputDim,
        steps: 1,
        warmup: 1,
        dry: true,
      }),
    );
  }
  return counts;
}

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/**
 * The report as readable Markdown tables (steps, then matmul throughput).
 *
 * @example
 * ```ts
 * console.log(formatBench(await runBench()));
 * ```
 */
export function formatBench(r: BenchReport): string {
  const torch = r.torch && "impl" in r.torch
    ? `${r.torch.impl} ${r.torch.device}, ${r.torch.threads} threads`
    : "PyTorch";
  const load = r.load_avg ? `; load average ${r.load_avg[0]} → ${r.load_avg[1]}` : "";
  const head = `backend ${r.backend} (${r.device}), matmul ${r.matmul}` +
    (r.blas_threads ? ` ×${r.blas_threads} threads` : "") + `; ${r.machine}; ${r.date}${load}\n` +
    `median of ${r.steps} training steps after ${r.warmup} warm-up, T = ${r.seq}, D = ${r.input_dim}` +
    (r.results[0]?.repeats.length > 1
      ? `; median of ${r.results[0].repeats.length} repeats (ours, then PyTorch)`
      : "") +
    "\n";
  const unit = r.measure === "cpu" ? "CPU ms/step" : "ms/step";
  const steps = markdownTable(r.results.map((x) => ({
    config: x.config,
    params: String(x.params),
    [`ours ${unit}`]: x.ms_per_step.toFixed(1),
    [`${torch} ${unit}`]: x.torch_ms_per_step?.toFixed(1) ?? "n/a",
    "ours / PyTorch": x.ratio?.toFixed(2) ?? "n/a",
    ...(x.dispatches_per_step !== null
      ? {
        "dispatches/step": String(x.dispatches_per_step),
        "copies/step": String(x.copies_per_step),
        "submits/step": String(x.submits_per_step),
        "GPU MiB": ((x.gpu_bytes ?? 0) / 2 ** 20).toFixed(1),
      }
      : {}),
  })));
  const note = r.torch && "error" in r.torch ? `\nPyTorch: ${r.torch.error}\n` : "";
  const lev = r.results.filter((x) => x.levers).map((x) =>
    `\n\nlevers, ${x.config} (round-robin, ${r.measure === "cpu" ? "CPU " : ""}ms/step):\n\n` +
    markdownTable(x.levers!.map((l) => ({ lever: l.lever, "ms/step": l.ms_per_step.toFixed(1) })))
  ).join("");
  const mm = r.matmul_gflops.length
    ? "\n\n" +
      markdownTable(
        r.matmul_gflops.map((m) => ({
          matmul: m.shape,
          kernel: m.impl === "toolkit" ? "toolkit WGSL" : r.backend === "wasm" ? r.matmul : "tfjs",
          "GFLOP/s": m.gflops.toFixed(1),
          ms: m.ms.toFixed(2),
        })),
      )
    : "";
  const prof = r.profile
    ? `\n\nprofile of one ${r.profile.config} step: enqueue ${r.profile.enqueue_ms} ms, then wait ${r.profile.wait_ms} ms; ` +
      `${r.profile.kernel_calls} kernels, ${r.profile.kernel_ms} ms of kernel time (tf.profile)\n\n` +
      markdownTable(
        r.profile.kernels.slice(0, 15).map((k) => ({
          kernel: k.kernel,
          calls: String(k.calls),
          ms: k.ms.toFixed(2),
        })),
      )
    : "";
  const work = r.dispatch_counts
    ? "\n\nWebGPU work of one training step (recorded without running; adapter-independent):\n\n" +
      markdownTable(r.dispatch_counts.map((w) => ({
        config: w.config,
        dispatches: String(w.dispatches),
        copies: String(w.copies),
        submits: String(w.submits),
        "GPU MiB in use": (w.gpuBytes[w.gpuBytes.length - 1] / 2 ** 20).toFixed(1),
        tensors: String(w.numTensors[w.numTensors.length - 1]),
      })))
    : "";
  return head + "\n" + steps + note + lev + mm + prof + work;
}
