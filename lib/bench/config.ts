import type { BackendName } from "../backend/backend.ts";
import { checkKnownKeys, checkPositiveInt, ConfigError } from "../util/validate.ts";

/** One model shape of the training-step benchmark, `LAYERSxDMODELxHEADSxBATCH`. */
export interface ModelShape {
  layers: number;
  dModel: number;
  heads: number;
  batch: number;
}

/** What `deno task bench` runs. */
export interface BenchConfig {
  /** Backend to time (`auto`: the fastest that works here). Default `auto`. */
  backend: BackendName | "auto";
  /**
   * Model shapes, `LAYERSxDMODELxHEADSxBATCH` joined by commas. Default (empty):
   * {@link CPU_SHAPES}, plus paper 1's model {@link PAPER_SHAPE} beside a real GPU.
   */
  configs: string;
  /** Timed steps per shape (the median is reported). Default 7 (at least 5 for a report). */
  steps: number;
  /** Untimed warm-up steps before them. Default 3 (as the PyTorch reference). */
  warmup: number;
  /** Sequence length T. Default 40 = 20 (x, y) pairs, paper 1's. */
  seq: number;
  /** Token dimension D. Default 16, paper 1's. */
  inputDim: number;
  /** Time the PyTorch reference on the same shapes, right after ours. Default true. */
  torch: boolean;
  /** The reference script. Default `../shared/bench/torch_gpt_step.py` (from the repo root). */
  torchScript: string;
  /** Python interpreter with torch. Default `/usr/bin/python3` when it exists, else `python3`. */
  python: string;
  /** PyTorch intra-op threads on CPU. Default 2 (the cores of the benchmark machine). */
  torchThreads: number;
  /** PyTorch device: `auto` (cuda beside a real GPU backend, else cpu), `cpu` or `cuda`. */
  torchDevice: "auto" | "cpu" | "cuda";
  /** Also measure matmul GFLOP/s (1024² and the models' shapes). Default true. */
  matmul: boolean;
  /**
   * Times each shape this many times, ours then PyTorch's each time, and reports the medians
   * (a shared machine's load changes within seconds). Default 1.
   */
  repeats: number;
  /** Also time each wasm lever (tfjs kernels, OpenBLAS, fused kernels) round-robin. Default false. */
  levers: boolean;
  /**
   * Compare CPU time per step (each process, all its threads) instead of wall time: on a
   * machine shared with other work, with one thread each (`TOOLKIT_BLAS_THREADS=1`,
   * `torchThreads: 1`) it approximates the idle machine's single-core time. Default false.
   */
  cpuTime: boolean;
  /** Also profile one step of the largest shape (enqueue vs wait, kernel times). Default false. */
  profile: boolean;
}

/** Benchmark defaults. */
export const DEFAULT_BENCH: BenchConfig = {
  backend: "auto",
  configs: "",
  steps: 7,
  warmup: 3,
  seq: 40,
  inputDim: 16,
  torch: true,
  torchScript: "../shared/bench/torch_gpt_step.py",
  python: "",
  torchThreads: 2,
  torchDevice: "auto",
  matmul: true,
  repeats: 1,
  levers: false,
  cpuTime: false,
  profile: false,
};

/** The CPU-sized shapes benchmarked by default. */
export const CPU_SHAPES = "2x64x2x64,4x128x4x64";
/** Paper 1's model, benchmarked by default beside a real GPU. */
export const PAPER_SHAPE = "12x256x8x128";

/**
 * The shapes a config asks for: its own, else the defaults for this device.
 *
 * @example
 * ```ts
 * const shapes = benchShapes(benchConfig(), false); // the CPU-sized shapes
 * ```
 */
export function benchShapes(cfg: BenchConfig, realGpu: boolean): ModelShape[] {
  return parseShapes(cfg.configs || (realGpu ? `${CPU_SHAPES},${PAPER_SHAPE}` : CPU_SHAPES));
}

/**
 * Parses `LAYERSxDMODELxHEADSxBATCH[,…]`; a malformed entry throws `ConfigError("configs", …)`.
 *
 * @example
 * ```ts
 * parseShapes("2x64x2x64"); // [{ layers: 2, dModel: 64, heads: 2, batch: 64 }]
 * ```
 */
export function parseShapes(spec: string): ModelShape[] {
  const shapes = spec.split(",").map((s) => s.trim()).filter((s) => s).map((s) => {
    const parts = s.split("x").map(Number);
    const [layers, dModel, heads, batch] = parts;
    if (
      parts.length !== 4 || parts.some((v) => !Number.isInteger(v) || v < 1) || dModel % heads !== 0
    ) {
      throw new ConfigError(
        "configs",
        "LAYERSxDMODELxHEADSxBATCH of positive integers, heads dividing dModel (e.g. 4x128x4x64)",
        s,
      );
    }
    return { layers, dModel, heads, batch };
  });
  if (shapes.length === 0) {
    throw new ConfigError("configs", "at least one LAYERSxDMODELxHEADSxBATCH", spec);
  }
  return shapes;
}

/**
 * The `LAYERSxDMODELxHEADSxBATCH` name of a shape.
 *
 * @example
 * ```ts
 * shapeName({ layers: 2, dModel: 64, heads: 2, batch: 64 }); // "2x64x2x64"
 * ```
 */
export function shapeName(s: ModelShape): string {
  return `${s.layers}x${s.dModel}x${s.heads}x${s.batch}`;
}

/**
 * Fills defaults and validates a benchmark config (a bad field throws `ConfigError`).
 *
 * @example
 * ```ts
 * const cfg = benchConfig({ configs: "2x64x2x64", steps: 5 });
 * ```
 */
export function benchConfig(over: Partial<BenchConfig> = {}): BenchConfig {
  checkKnownKeys(over, DEFAULT_BENCH, "bench");
  const c = { ...DEFAULT_BENCH, ...over };
  if (c.configs) parseShapes(c.configs);
  checkPositiveInt(c, "steps");
  checkPositiveInt(c, "warmup", { min: 0 });
  checkPositiveInt(c, "seq", { min: 2 });
  if (c.seq % 2 !== 0) throw new ConfigError("seq", "an even length (x, y pairs)", c.seq);
  checkPositiveInt(c, "inputDim");
  checkPositiveInt(c, "torchThreads");
  checkPositiveInt(c, "repeats");
  if (!["auto", "cpu", "cuda"].includes(c.torchDevice)) {
    throw new ConfigError("torchDevice", "auto, cpu, cuda", c.torchDevice);
  }
  return c;
}
