/**
 * OpenBLAS through Deno's FFI: single-precision GEMM/GEMV on pointers into the tfjs-wasm heap.
 *
 * Loaded on demand by {@link loadBlas}; `null` when `--allow-ffi` is not granted, when
 * `TOOLKIT_BLAS=0`, or when no OpenBLAS library is found (Debian: `libopenblas0-pthread`).
 * `TOOLKIT_BLAS_LIB` names the library file explicitly; `TOOLKIT_BLAS_THREADS` sets the thread
 * count (default {@link DEFAULT_BLAS_THREADS}).
 *
 * @module
 */
import { envFlag, envVar } from "../util/env.ts";

/** Library names tried in order (the dynamic loader's search path first, then Debian's paths). */
export const BLAS_CANDIDATES = [
  "libopenblas.so.0",
  "/lib/x86_64-linux-gnu/libopenblas.so.0",
  "/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
  "/usr/lib/aarch64-linux-gnu/libopenblas.so.0",
  "libopenblas.so",
  "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
  "/usr/local/opt/openblas/lib/libopenblas.dylib",
] as const;

/**
 * OpenBLAS threads by default: 2, the cores of the benchmark machine (PyTorch's reference runs
 * with 2 intra-op threads too). Measured 1 vs 2 threads in lib/bench/README.md.
 */
export const DEFAULT_BLAS_THREADS = 2;

/**
 * What a command says once when the wasm backend runs without OpenBLAS (measured on the 2-core
 * Xeon build machines, shared/spec/00_stack.md).
 *
 * @example
 * ```ts
 * if (!loadBlas()) console.error(NO_BLAS_WARNING);
 * ```
 */
export const NO_BLAS_WARNING =
  "[toolkit] warning: OpenBLAS not found, wasm matmuls run ~4.7x slower " +
  "(a 4x128x4x64 training step: 647.7 ms without vs 137.8 ms with, 2-core Xeon); " +
  "install it with: apt-get install -y libopenblas0-pthread";

const ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112;

const I = "i32", F = "f32", P = "pointer";
const SYMBOLS = {
  cblas_sgemm: { parameters: [I, I, I, I, I, I, F, P, I, P, I, F, P, I], result: "void" },
  cblas_sgemv: { parameters: [I, I, I, I, F, P, I, P, I, F, P, I], result: "void" },
  openblas_set_num_threads: { parameters: ["i32"], result: "void" },
  openblas_get_num_threads: { parameters: [], result: "i32" },
  openblas_get_config: { parameters: [], result: "pointer" },
} as const;

/**
 * Row-major single-precision BLAS on one memory buffer (the tfjs-wasm heap): every matrix is
 * given as a byte offset into that buffer.
 */
export interface Blas {
  /** The library file that was loaded. */
  path: string;
  /** OpenBLAS's build description (version, target core). */
  config: string;
  /** Current thread count. */
  threads(): number;
  /** Sets the thread count (OpenBLAS's openblas_set_num_threads). */
  setThreads(n: number): void;
  /**
   * C = alpha·op(A)·op(B) + beta·C, all row-major; a, b, c are byte offsets into `heap`; lda,
   * ldb, ldc are the row strides (in elements) of the matrices as stored.
   */
  sgemm(
    heap: ArrayBuffer,
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: number,
    lda: number,
    b: number,
    ldb: number,
    beta: number,
    c: number,
    ldc: number,
  ): void;
  /** y = alpha·op(A)·x + beta·y for A [m, n] row-major (stride lda); offsets in bytes. */
  sgemv(
    heap: ArrayBuffer,
    trans: boolean,
    m: number,
    n: number,
    alpha: number,
    a: number,
    lda: number,
    x: number,
    incx: number,
    beta: number,
    y: number,
    incy: number,
  ): void;
}

let loaded: Blas | null | undefined;

/** Whether this process may open `path` with FFI (never prompts). */
function ffiGranted(path: string): boolean {
  try {
    if (Deno.permissions.querySync({ name: "ffi" }).state === "granted") return true;
    return Deno.permissions.querySync({ name: "ffi", path }).state === "granted";
  } catch {
    return false;
  }
}

/**
 * Opens OpenBLAS once per process; returns null (silently) when it is disabled or unavailable.
 *
 * @example
 * ```ts
 * const blas = loadBlas();
 * console.log(blas ? `${blas.config}, ${blas.threads()} threads` : "no BLAS");
 * ```
 */
export function loadBlas(): Blas | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  if (typeof Deno === "undefined" || typeof Deno.dlopen !== "function") return null;
  if (!envFlag("TOOLKIT_BLAS", true)) return null;
  const explicit = envVar("TOOLKIT_BLAS_LIB");
  for (const path of explicit ? [explicit] : BLAS_CANDIDATES) {
    if (!ffiGranted(path)) continue;
    let lib;
    try {
      lib = Deno.dlopen(path, SYMBOLS);
    } catch {
      continue;
    }
    loaded = wrap(path, lib);
    const env = Number(envVar("TOOLKIT_BLAS_THREADS"));
    loaded.setThreads(Number.isInteger(env) && env > 0 ? env : DEFAULT_BLAS_THREADS);
    return loaded;
  }
  return null;
}

function wrap(path: string, lib: Deno.DynamicLibrary<typeof SYMBOLS>): Blas {
  const s = lib.symbols;
  const cfg = s.openblas_get_config();
  // One pointer object per heap buffer (the buffer changes when wasm memory grows).
  let buf: ArrayBuffer | null = null;
  let base = 0n;
  const at = (heap: ArrayBuffer, byteOffset: number): Deno.PointerValue => {
    if (heap !== buf) {
      buf = heap;
      base = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(new Uint8Array(heap))));
    }
    return Deno.UnsafePointer.create(base + BigInt(byteOffset));
  };
  return {
    path,
    config: cfg ? new Deno.UnsafePointerView(cfg).getCString() : "OpenBLAS",
    threads: () => s.openblas_get_num_threads(),
    setThreads: (n) => s.openblas_set_num_threads(n),
    sgemm(heap, tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) {
      s.cblas_sgemm(
        ROW_MAJOR,
        tA ? TRANS : NO_TRANS,
        tB ? TRANS : NO_TRANS,
        m,
        n,
        k,
        alpha,
        at(heap, a),
        lda,
        at(heap, b),
        ldb,
        beta,
        at(heap, c),
        ldc,
      );
    },
    sgemv(heap, trans, m, n, alpha, a, lda, x, incx, beta, y, incy) {
      s.cblas_sgemv(
        ROW_MAJOR,
        trans ? TRANS : NO_TRANS,
        m,
        n,
        alpha,
        at(heap, a),
        lda,
        at(heap, x),
        incx,
        beta,
        at(heap, y),
        incy,
      );
    },
  };
}
