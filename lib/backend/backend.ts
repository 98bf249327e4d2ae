import { backendModules, tf } from "../deps.ts";
import { ConfigError } from "../util/validate.ts";
import { setRuntimeFact } from "../util/runtime.ts";
import { loadBlas, NO_BLAS_WARNING } from "./blas.ts";
import { blasInUse, useBlasMatMul } from "./blas_matmul.ts";
import { fusedKernelsEnabled } from "./fast_path.ts";
import { useSharedIdentity } from "./wasm_identity.ts";
import { envFlag, envVar } from "../util/env.ts";

/** The compute backends the toolkit knows, fastest first. */
export const BACKENDS = ["webgpu", "wasm", "cpu"] as const;
/** A backend name, or `auto` to pick the fastest that works here. */
export type BackendName = typeof BACKENDS[number];

/** What {@link initBackend} chose, and why. */
export interface BackendInfo {
  backend: BackendName;
  /** The GPU adapter's description for webgpu; "cpu" otherwise. */
  device: string;
  /** Why this backend was chosen (flag, environment, or auto-detection). */
  reason: string;
  /**
   * Who computes matrix products: `openblas` (wasm backend with OpenBLAS through FFI: needs
   * `--allow-ffi` and the library; `TOOLKIT_BLAS=0` turns it off), `xnnpack` (tfjs-wasm's own),
   * `webgpu`, or `cpu` (tfjs's JavaScript kernels).
   */
  matmul?: "openblas" | "xnnpack" | "webgpu" | "cpu";
  /** OpenBLAS threads when `matmul` is `openblas` (`TOOLKIT_BLAS_THREADS`, default 2). */
  blasThreads?: number;
}

let current: BackendInfo | null = null;

/** Dispatches per WebGPU queue submit the toolkit sets (tfjs's default is 15). */
export const GPU_SUBMIT_BATCH = 100;

/**
 * Describes the WebGPU adapter, or null when there is none or only a software fallback.
 *
 * @example
 * ```ts
 * const gpu = await probeWebGPU(); // { name: "…", fallback: false } or null
 * ```
 */
export async function probeWebGPU(): Promise<{ name: string; fallback: boolean } | null> {
  // deno-lint-ignore no-explicit-any
  const gpu = (globalThis.navigator as any)?.gpu;
  if (!gpu) return null;
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return null;
    const info = adapter.info ?? {};
    const name = [info.vendor, info.architecture, info.device, info.description]
      .filter((s: string) => s).join(" ") || "unknown adapter";
    const fallback = Boolean(adapter.isFallbackAdapter ?? info.isFallbackAdapter);
    return { name, fallback };
  } catch {
    return null;
  }
}

/**
 * Chooses and initialises the tfjs backend: WebGPU when a real (non-fallback) GPU adapter
 * exists, else wasm (SIMD), else cpu.
 *
 * The choice can be forced by `opts.backend` (e.g. a `--backend` flag) or by the
 * `TOOLKIT_BACKEND` environment variable; `auto` (the default) detects. Calling it again with
 * the same choice is free.
 *
 * @example
 * ```ts
 * const info = await initBackend({ backend: "wasm" });
 * console.log(info.backend, info.device);
 * ```
 */
export async function initBackend(
  opts: { backend?: BackendName | "auto"; quiet?: boolean } = {},
): Promise<BackendInfo> {
  let requested = opts.backend ?? "auto";
  let reason = opts.backend && opts.backend !== "auto" ? "requested" : "auto-detected";
  if (requested === "auto") {
    const env = envVar("TOOLKIT_BACKEND");
    if (env) {
      requested = env as BackendName;
      reason = "TOOLKIT_BACKEND";
    }
  }
  if (requested !== "auto" && !(BACKENDS as readonly string[]).includes(requested)) {
    throw new ConfigError("backend", `auto, ${BACKENDS.join(", ")}`, requested);
  }
  if (current && (requested === "auto" || requested === current.backend)) return current;

  let choice: BackendName;
  let device = "cpu";
  if (requested === "auto") {
    const gpu = await probeWebGPU();
    choice = gpu && !gpu.fallback ? "webgpu" : "wasm";
    if (gpu) device = gpu.name;
    if (gpu?.fallback) reason = `auto-detected (GPU adapter "${gpu.name}" is a software fallback)`;
  } else {
    choice = requested;
    if (choice === "webgpu") {
      const gpu = await probeWebGPU();
      if (!gpu) throw new Error("webgpu requested but no WebGPU adapter is available here");
      device = gpu.name + (gpu.fallback ? " (software fallback)" : "");
    }
  }
  await backendModules[choice]();
  // The cpu backend is the fallback kernel provider; keep it registered.
  if (choice !== "cpu") await backendModules.cpu();
  if (!(await tf.setBackend(choice))) {
    if (requested !== "auto") throw new Error(`backend ${choice} failed to initialise`);
    choice = "cpu";
    reason += " (wasm failed to initialise)";
    await tf.setBackend("cpu");
  }
  await tf.ready();
  // tfjs submits the command queue every 15 dispatches; each submit costs CPU time, and a
  // training step is CPU-bound on a fast GPU: every 100 measured 57 → 43 ms per step on an
  // H100 (12x256x8x128, lib/bench/README.md).
  if (choice === "webgpu") tf.env().set("WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE", GPU_SUBMIT_BATCH);
  current = {
    backend: choice,
    device: choice === "webgpu" ? device : "cpu",
    reason,
    ...matmulPath(choice),
  };
  const mm = current.matmul === "openblas" ? `, matmul openblas ×${current.blasThreads}` : "";
  // Recorded into each run's provenance by the results store.
  setRuntimeFact("backend", `${current.backend} (${current.device}${mm})`);
  if (!opts.quiet && !envFlag("TOOLKIT_QUIET", false)) {
    console.error(
      `[toolkit] backend ${current.backend} (${current.device}; ${current.reason}${mm})`,
    );
  }
  // Shown even with `quiet` (it goes to stderr, JSON stays on stdout): a silent 4.7× is worse.
  if (current.matmul === "xnnpack" && envFlag("TOOLKIT_BLAS", true)) warnNoBlas();
  return current;
}

let warnedNoBlas = false;

/**
 * The wasm backend without OpenBLAS: one warning per process naming the package and the cost
 * (measured on the 2-core build machines, shared/spec/00_stack.md). `TOOLKIT_BLAS=0` (OpenBLAS
 * turned off on purpose) and `TOOLKIT_QUIET=1` silence it.
 */
function warnNoBlas() {
  if (warnedNoBlas || envFlag("TOOLKIT_QUIET", false)) return;
  warnedNoBlas = true;
  console.error(NO_BLAS_WARNING);
}

/** Installs OpenBLAS matmuls on the wasm backend when available; says who computes matmuls. */
function matmulPath(choice: BackendName): Pick<BackendInfo, "matmul" | "blasThreads"> {
  if (choice !== "wasm") return { matmul: choice };
  if (fusedKernelsEnabled()) useSharedIdentity(true);
  if (!blasInUse()) useBlasMatMul(loadBlas());
  const blas = blasInUse();
  return blas ? { matmul: "openblas", blasThreads: blas.threads() } : { matmul: "xnnpack" };
}

/**
 * The backend chosen by the last {@link initBackend}, or null before it.
 *
 * @example
 * ```ts
 * await initBackend();
 * console.log(backendInfo()?.backend);
 * ```
 */
export function backendInfo(): BackendInfo | null {
  return current;
}
