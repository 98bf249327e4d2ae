import type { ModelShape } from "./config.ts";
import { shapeName } from "./config.ts";

/** What the PyTorch reference script reported for one shape. */
export interface TorchTiming {
  config: string;
  msPerStep: number;
  /** torch.get_num_threads() as the script ran. */
  threads: number;
  /** e.g. "torch 1.13.1". */
  impl: string;
  device: string;
}

/** How to run the reference (see `shared/bench/torch_gpt_step.py`). */
export interface TorchOptions {
  /** Path of torch_gpt_step.py. */
  script: string;
  /** Python interpreter (empty: `/usr/bin/python3` when it exists, else `python3`). */
  python?: string;
  device: "cpu" | "cuda";
  /** Intra-op threads on CPU (ignored on cuda). */
  threads: number;
  steps: number;
  seq: number;
  inputDim: number;
  /**
   * Report CPU time per step (process-wide, all threads) instead of wall time: the unmodified
   * script runs with time.perf_counter replaced by time.process_time.
   */
  cpuTime?: boolean;
}

/** Runs the script (argv[1]) as __main__ with perf_counter reading the process's CPU time. */
const CPU_TIME_WRAPPER = [
  "import runpy, sys, time",
  "time.perf_counter = time.process_time",
  "sys.argv = sys.argv[1:]",
  "runpy.run_path(sys.argv[0], run_name='__main__')",
].join("\n");

/**
 * The interpreter to run: the given one, else Debian's (which has python3-torch), else PATH's.
 *
 * @example
 * ```ts
 * pythonPath(); // "/usr/bin/python3" on Debian
 * ```
 */
export function pythonPath(given?: string): string {
  if (given) return given;
  try {
    Deno.statSync("/usr/bin/python3");
    return "/usr/bin/python3";
  } catch {
    return "python3";
  }
}

/**
 * Runs the PyTorch reference training step on one shape, with GELU (our MLP's activation) and
 * OPENBLAS_NUM_THREADS=1 (as the script sets: torch's own threads do the parallel work).
 * Returns the timing, or `{ error }` when Python, torch or the script is missing or fails.
 *
 * @example
 * ```ts
 * const r = await runTorchReference({ layers: 2, dModel: 64, heads: 2, batch: 64 },
 *   { script: "../shared/bench/torch_gpt_step.py", device: "cpu", threads: 2, steps: 5, seq: 40, inputDim: 16 });
 * ```
 */
export async function runTorchReference(
  shape: ModelShape,
  opts: TorchOptions,
): Promise<TorchTiming | { error: string }> {
  try {
    Deno.statSync(opts.script);
  } catch {
    return { error: `reference script not found: ${opts.script}` };
  }
  const scriptArgs = [
    "--device",
    opts.device,
    "--configs",
    shapeName(shape),
    "--steps",
    String(Math.max(opts.steps, 1)),
    "--seq",
    String(opts.seq),
    "--din",
    String(opts.inputDim),
    "--gelu",
  ];
  if (opts.device === "cpu") scriptArgs.push("--threads", String(opts.threads));
  const args = opts.cpuTime
    ? ["-c", CPU_TIME_WRAPPER, opts.script, ...scriptArgs]
    : [opts.script, ...scriptArgs];
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(pythonPath(opts.python), {
      args,
      env: { OPENBLAS_NUM_THREADS: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (e) {
    return { error: `cannot run ${pythonPath(opts.python)}: ${(e as Error).message}` };
  }
  const text = new TextDecoder().decode(out.stdout);
  const line = text.split("\n").find((l) => l.trim().startsWith("{"));
  if (!out.success || !line) {
    const err = new TextDecoder().decode(out.stderr).trim().split("\n").slice(-1)[0] ?? "";
    return { error: `reference failed (exit ${out.code}): ${err.slice(0, 300)}` };
  }
  const j = JSON.parse(line);
  return {
    config: j.config,
    msPerStep: j.ms_per_step,
    threads: j.threads,
    impl: j.impl,
    device: j.device,
  };
}
