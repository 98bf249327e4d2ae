/**
 * Every environment variable the toolkit reads, in one table with what it does and its default,
 * and the two readers the rest of `lib/` uses instead of `Deno.env.get`: a process without env
 * permission (or a browser) gets the defaults instead of an error, and a variable the table does
 * not name does not type-check.
 *
 * @module
 */

/** The toolkit's environment variables: what each does, and its default. */
export const TOOLKIT_ENV = {
  TOOLKIT_RESULTS:
    "folder of the results store (results.sqlite, checkpoints/, figures); default results/",
  TOOLKIT_ARCHIVE:
    "folder of the committed reference-runs archive; default fixtures/runs; empty: none",
  TOOLKIT_BACKEND:
    "webgpu | wasm | cpu; default: auto-detect (webgpu on a real GPU adapter, else wasm)",
  TOOLKIT_BLAS:
    "0: never load OpenBLAS for the wasm backend's matmuls (XNNPACK instead); default 1",
  TOOLKIT_BLAS_LIB:
    "path of the OpenBLAS shared library; default: Debian's libopenblas0-pthread paths",
  TOOLKIT_BLAS_THREADS: "OpenBLAS threads (1 per run when several runs share the cores); default 2",
  TOOLKIT_FUSED: "0: plain tfjs ops instead of the fused wasm kernels (for comparison); default 1",
  TOOLKIT_SIMD:
    "0: JavaScript loops instead of the hand-written WebAssembly SIMD kernels; default 1",
  TOOLKIT_SIMD_SOFTMAX: "0: JavaScript causal softmax in the per-head attention path; default 1",
  TOOLKIT_SIMD_ATTENTION:
    "0: per-head attention (sgemm + softmax) instead of the fused SIMD kernel; default 1",
  TOOLKIT_GPU_FLATADAM:
    "0: one Adam launch per parameter instead of one over a flat buffer; default 1",
  TOOLKIT_GPU_BINDCACHE: "1: cache WebGPU bind groups (slower on an H100); default 0",
  TOOLKIT_GPU_TILE: "64 | 128: force the WebGPU matmul tile; default: the planner's choice",
  TOOLKIT_GPU_SPLITK: "0: no split-K in the WebGPU matmul planner; default 1",
  TOOLKIT_GPU_GROUPS:
    "the WebGPU matmul planner's target workgroup count; default 264 (2 per H100 SM)",
  TOOLKIT_QUIET: "1: no progress lines or backend banner; default 0",
  TOOLKIT_DEBUG: "1: errors print their stack trace (as --debug); default 0",
  TOOLKIT_WAIT:
    "1: wait for another process training the same checkpoint instead of failing; default 0",
  TOOLKIT_COMMIT: "git commit to record in provenance where the tree has no .git (device bundles)",
  TOOLKIT_DIRTY: "1: with TOOLKIT_COMMIT, record the tree as having uncommitted changes",
  TOOLKIT_SMOKE: "1: notebooks use their seconds-long smoke presets (what CI runs); default 0",
} as const;

/** The name of one of the toolkit's environment variables ({@link TOOLKIT_ENV}). */
export type ToolkitEnv = keyof typeof TOOLKIT_ENV;

/**
 * The value of one of the toolkit's environment variables, or undefined when it is unset or the
 * process may not read the environment.
 *
 * @example
 * ```ts
 * const dir = envVar("TOOLKIT_RESULTS") ?? "results";
 * ```
 */
export function envVar(name: ToolkitEnv): string | undefined {
  if (typeof Deno === "undefined") return undefined;
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

/**
 * A switch: "0" is off, "1" is on, anything else (or unset) is `fallback`.
 *
 * @example
 * ```ts
 * const simd = envFlag("TOOLKIT_SIMD", true); // false only under TOOLKIT_SIMD=0
 * const quiet = envFlag("TOOLKIT_QUIET", false); // true only under TOOLKIT_QUIET=1
 * ```
 */
export function envFlag(name: ToolkitEnv, fallback: boolean): boolean {
  const v = envVar(name);
  return v === "0" ? false : v === "1" ? true : fallback;
}

/** A process-wide on/off setting that starts from an environment variable (see `envSwitch`). */
export interface EnvSwitch {
  /** The current setting. */
  readonly on: boolean;
  /** Sets it; returns the previous setting (so a caller can restore it). */
  set(on: boolean): boolean;
}

/**
 * A switch that starts as `envFlag(name, fallback)` and that code can then flip: the one shape
 * behind every kernel lever (`setSimdKernels`, `setSimdAttention`, `setFlatAdam`, …), so a
 * benchmark or test can compare both paths in one process.
 *
 * @example
 * ```ts
 * const simd = envSwitch("TOOLKIT_SIMD", true);
 * const was = simd.set(false); // JavaScript loops from here on
 * simd.set(was);
 * ```
 */
export function envSwitch(name: ToolkitEnv, fallback: boolean): EnvSwitch {
  let on = envFlag(name, fallback);
  return {
    get on() {
      return on;
    },
    set(next: boolean) {
      const was = on;
      on = next;
      return was;
    },
  };
}
