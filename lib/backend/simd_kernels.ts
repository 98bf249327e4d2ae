/**
 * Hand-written WebAssembly SIMD128 kernels that run on the tfjs-wasm heap itself (the module
 * imports the backend's memory), for the element-wise work of the fused ops: 4 lanes per
 * instruction and no JavaScript in the inner loop.
 *
 * Every pointer argument is a byte offset of a float32 array; `n` counts floats and must be a
 * multiple of 4 (callers finish any remainder in JavaScript). exp is 2^t with t split into a
 * nearest integer k and |f| ≤ ½, 2^f by a degree-7 polynomial, 2^k built in the exponent bits
 * (the same scheme as {@link expFast}).
 *
 * Every call is guarded in JavaScript (a few comparisons): a pointer range outside the memory, a
 * null pointer (what `malloc` returns when the heap is full) or a bad count throws an Error
 * naming the kernel and the sizes, instead of writing over the heap or trapping with "memory
 * access out of bounds" somewhere later.
 *
 * @module
 */
import { assemble, Code, relaxedSimdSupported } from "./wasm_asm.ts";
import { envSwitch } from "../util/env.ts";

const C = Math.sqrt(2 / Math.PI), K = 0.044715;
const LN2 = Math.LN2;
const MAGIC = 1.5 * 2 ** 23;

/**
 * Parameter types: `i` i32s (byte offsets, counts) then `f` f32s.
 *
 * @example
 * ```ts
 * import { Code } from "./wasm_asm.ts";
 *
 * const c = new Code(params(2, 1)); // (func (param i32 i32 f32))
 * ```
 */
export function params(i: number, f = 0): ("i32" | "f32")[] {
  return [...Array(i).fill("i32"), ...Array(f).fill("f32")];
}
const POLY = [
  1,
  LN2,
  LN2 ** 2 / 2,
  LN2 ** 3 / 6,
  LN2 ** 4 / 24,
  LN2 ** 5 / 120,
  LN2 ** 6 / 720,
  LN2 ** 7 / 5040,
];

/** The exported kernels (byte offsets, float counts). */
export interface SimdKernels {
  /** y = u·s, s = σ(2c·(u + 0.044715u³)) (GELU, tanh form). */
  geluForward(u: number, y: number, s: number, n: number): void;
  /** du = dy·(s + u·s·(1 − s)·2c·(1 + 3·0.044715u²)). */
  geluBackward(dy: number, u: number, s: number, du: number, n: number): void;
  /**
   * Adam in place, operation for operation as tfjs ops would do it (each rounded to float32):
   * m ← m·β1 + g·(1−β1); v ← v·β2 + g²·(1−β2); p ← p·decay − (m / (√v / √bc2 + eps))·stepSize.
   */
  adam(
    p: number,
    m: number,
    v: number,
    g: number,
    n: number,
    b1: number,
    c1: number,
    b2: number,
    c2: number,
    eps: number,
    stepSize: number,
    sqrtBc2: number,
    decay: number,
  ): void;
  /** LayerNorm of `rows` rows of length d (a multiple of 4): y, x̂ [rows, d] and rstd [rows]. */
  layerNormForward(
    x: number,
    gamma: number,
    beta: number,
    y: number,
    xhat: number,
    rstd: number,
    rows: number,
    d: number,
    eps: number,
  ): void;
  /**
   * y = r + b row by row: r, y [rows, n], b [n] (n a multiple of 4) — the dense layer's
   * residual plus bias, written before its sgemm accumulates onto y.
   */
  rowsPlusBias(r: number, b: number, y: number, rows: number, n: number): void;
  /** LayerNorm's backward: dx [rows, d]; dgamma, dbeta [d] (overwritten). */
  layerNormBackward(
    dy: number,
    xhat: number,
    rstd: number,
    gamma: number,
    dx: number,
    dgamma: number,
    dbeta: number,
    rows: number,
    d: number,
  ): void;
}

/**
 * Emits `out = exp(z)` for v128 locals, with the constants of {@link expConstants}; `fma`: the
 * polynomial's steps as relaxed multiply-adds (`Code.madd`, where the engine has them). Rounding by
 * the magic number 1.5·2²³: t + M holds nearest(t) in its low mantissa bits, so k = (t + M) − M,
 * and 2^k's exponent bits are ((t + M) − bits(M) + 127) << 23 — cheap lane operations, unlike
 * nearest and trunc_sat.
 *
 * @example
 * ```ts
 * import { Code } from "./wasm_asm.ts";
 *
 * const c = new Code(params(1));
 * const k = expConstants(c), z = c.local("v128"), e = c.local("v128");
 * c.get(0).load().set(z);
 * emitExp(c, z, e, k); // e = exp(z), lane by lane
 * ```
 */
export function emitExp(
  c: Code,
  z: number,
  out: number,
  k: Record<string, number>,
  opts: { fma?: boolean } = {},
) {
  const t = c.local("v128"), m = c.local("v128"), f = c.local("v128");
  c.get(z).get(k.log2e).mul().get(k.lo).pmax().get(k.hi).pmin().tee(t).get(k.magic).add().set(m);
  c.get(t).get(m).get(k.magic).sub().sub().set(f);
  c.get(k.p7);
  for (let i = 6; i >= 0; i--) {
    if (opts.fma) c.get(f).get(k[`p${i}`]).madd(); // Horner step as one relaxed multiply-add
    else c.get(f).mul().get(k[`p${i}`]).add();
  }
  c.get(m).get(k.bias).i32x4Sub().i32(23).i32x4Shl().mul().set(out);
}

/**
 * Declares and sets the v128 constants {@link emitExp} reads (once per function, before its
 * loops).
 *
 * @example
 * ```ts
 * import { Code } from "./wasm_asm.ts";
 *
 * const c = new Code(params(1));
 * const k = expConstants(c); // k.log2e, k.magic, k.p0 … k.p7: local indices
 * ```
 */
export function expConstants(c: Code): Record<string, number> {
  const k: Record<string, number> = {
    log2e: c.constant(Math.LOG2E),
    lo: c.constant(-126),
    hi: c.constant(126),
    magic: c.constant(MAGIC),
    bias: c.local("v128"),
  };
  // bits(M) − 127, as integer lanes
  c.i32(new Int32Array(new Float32Array([MAGIC]).buffer)[0] - 127).i32x4Splat().set(k.bias);
  POLY.forEach((p, i) => (k[`p${i}`] = c.constant(p)));
  return k;
}

/** `fma`: exp's polynomial by relaxed multiply-adds (~25% faster here where the CPU has FMA). */
function geluForward(fma: boolean): Code {
  const c = new Code(params(4)); // u, y, s, n
  const [u, y, s, n] = [0, 1, 2, 3];
  const i = c.local("i32"), bytes = c.local("i32");
  const x = c.local("v128"), z = c.local("v128"), e = c.local("v128"), sig = c.local("v128");
  const k = expConstants(c);
  const one = c.constant(1), kk = c.constant(K), m2c = c.constant(-2 * C);
  c.get(n).i32(4).i32Mul().set(bytes);
  c.loop(i, bytes, 16, () => {
    c.get(u).get(i).i32Add().load().set(x);
    c.get(x).get(x).mul().get(kk).mul().get(one).add().get(x).mul().get(m2c).mul().set(z);
    emitExp(c, z, e, k, { fma });
    c.get(one).get(one).get(e).add().div().set(sig);
    c.get(s).get(i).i32Add().get(sig).store();
    c.get(y).get(i).i32Add().get(x).get(sig).mul().store();
  });
  return c;
}

function geluBackward(): Code {
  const c = new Code(params(5)); // dy, u, s, du, n
  const [dy, u, s, du, n] = [0, 1, 2, 3, 4];
  const i = c.local("i32"), bytes = c.local("i32");
  const x = c.local("v128"), sg = c.local("v128");
  const one = c.constant(1), k3 = c.constant(3 * K), c2 = c.constant(2 * C);
  c.get(n).i32(4).i32Mul().set(bytes);
  c.loop(i, bytes, 16, () => {
    c.get(u).get(i).i32Add().load().set(x);
    c.get(s).get(i).i32Add().load().set(sg);
    c.get(du).get(i).i32Add();
    c.get(dy).get(i).i32Add().load();
    // sg + x·sg·(1 − sg)·2c·(1 + 3K·x²)
    c.get(sg);
    c.get(x).get(sg).mul().get(one).get(sg).sub().mul().get(c2).mul();
    c.get(x).get(x).mul().get(k3).mul().get(one).add().mul();
    c.add().mul().store();
  });
  return c;
}

function adam(): Code {
  const c = new Code(params(5, 8));
  const [p, m, v, g, n] = [0, 1, 2, 3, 4];
  const sc = [5, 6, 7, 8, 9, 10, 11, 12].map((param) => {
    const l = c.local("v128");
    c.get(param).splat().set(l);
    return l;
  });
  const [b1, c1, b2, c2, eps, step, sqrtBc2, decay] = sc;
  const i = c.local("i32"), bytes = c.local("i32");
  const gv = c.local("v128"), mi = c.local("v128"), vi = c.local("v128");
  c.get(n).i32(4).i32Mul().set(bytes);
  c.loop(i, bytes, 16, () => {
    c.get(g).get(i).i32Add().load().set(gv);
    c.get(m).get(i).i32Add().load().get(b1).mul().get(gv).get(c1).mul().add().set(mi);
    c.get(v).get(i).i32Add().load().get(b2).mul().get(gv).get(gv).mul().get(c2).mul().add().set(vi);
    c.get(m).get(i).i32Add().get(mi).store();
    c.get(v).get(i).i32Add().get(vi).store();
    c.get(p).get(i).i32Add();
    c.get(p).get(i).i32Add().load().get(decay).mul();
    c.get(mi).get(vi).sqrt().get(sqrtBc2).div().get(eps).add().div().get(step).mul();
    c.sub().store();
  });
  return c;
}

/**
 * Locals of a loop over `rows` rows of `d` floats (parameters): row length and total in bytes,
 * the row's byte offset `off`, a column byte offset `j`, and `r` (4 bytes per row) for per-row
 * scalars.
 */
function rowLocals(c: Code, rows: number, d: number) {
  const [rowBytes, total, off, j, r] = c.localsOf("i32", 5);
  c.get(d).i32(4).i32Mul().set(rowBytes);
  c.get(rows).get(rowBytes).i32Mul().set(total);
  c.i32(0).set(r);
  return { rowBytes, total, off, j, r };
}

function layerNormForward(): Code {
  const c = new Code(params(8, 1));
  const [x, g, b, y, xh, rs, rows, d, eps] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const { rowBytes, total, off, j, r } = rowLocals(c, rows, d);
  const [acc, mean, rstd, cv] = c.localsOf("v128", 4), zero = c.zero();
  const rsS = c.local("f32");
  c.loop(off, total, { local: rowBytes }, () => {
    c.get(zero).set(acc);
    c.loop(
      j,
      rowBytes,
      16,
      () => c.get(acc).get(x).get(off).i32Add().get(j).i32Add().load().add().set(acc),
    );
    c.hsum(acc).get(d).f32FromU32().f32Div().splat().set(mean);
    c.get(zero).set(acc);
    c.loop(j, rowBytes, 16, () => {
      c.get(x).get(off).i32Add().get(j).i32Add().load().get(mean).sub().set(cv);
      c.get(acc).get(cv).get(cv).mul().add().set(acc);
    });
    c.f32(1).hsum(acc).get(d).f32FromU32().f32Div().get(eps).f32Add().f32Sqrt().f32Div().set(rsS);
    c.get(rs).get(r).i32Add().get(rsS).f32Store();
    c.get(rsS).splat().set(rstd);
    c.loop(j, rowBytes, 16, () => {
      c.get(x).get(off).i32Add().get(j).i32Add().load().get(mean).sub().get(rstd).mul().set(cv);
      c.get(xh).get(off).i32Add().get(j).i32Add().get(cv).store();
      c.get(y).get(off).i32Add().get(j).i32Add();
      c.get(cv).get(g).get(j).i32Add().load().mul().get(b).get(j).i32Add().load().add().store();
    });
    c.get(r).i32(4).i32Add().set(r);
  });
  return c;
}

function layerNormBackward(): Code {
  const c = new Code(params(9));
  const [dy, xh, rs, g, dx, dg, db, rows, d] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const { rowBytes, total, off, j, r } = rowLocals(c, rows, d);
  const [a1, a2, gg, dyv, xv, mg, mgx, rv] = c.localsOf("v128", 8), zero = c.zero();
  const at = (base: number) => c.get(base).get(off).i32Add().get(j).i32Add();
  c.loop(j, rowBytes, 16, () => {
    c.get(dg).get(j).i32Add().get(zero).store();
    c.get(db).get(j).i32Add().get(zero).store();
  });
  c.loop(off, total, { local: rowBytes }, () => {
    c.get(zero).set(a1).get(zero).set(a2);
    c.loop(j, rowBytes, 16, () => {
      at(dy).load().get(g).get(j).i32Add().load().mul().set(gg);
      c.get(a1).get(gg).add().set(a1);
      c.get(a2).get(gg);
      at(xh).load().mul().add().set(a2);
    });
    c.hsum(a1).get(d).f32FromU32().f32Div().splat().set(mg);
    c.hsum(a2).get(d).f32FromU32().f32Div().splat().set(mgx);
    c.get(rs).get(r).i32Add().f32Load().splat().set(rv);
    c.loop(j, rowBytes, 16, () => {
      at(dy).load().set(dyv);
      at(xh).load().set(xv);
      at(dx);
      c.get(dyv).get(g).get(j).i32Add().load().mul().get(mg).sub().get(xv).get(mgx).mul().sub().get(
        rv,
      ).mul().store();
      c.get(dg).get(j).i32Add().get(dg).get(j).i32Add().load().get(dyv).get(xv).mul().add().store();
      c.get(db).get(j).i32Add().get(db).get(j).i32Add().load().get(dyv).add().store();
    });
    c.get(r).i32(4).i32Add().set(r);
  });
  return c;
}

function rowsPlusBias(): Code {
  const c = new Code(params(5));
  const [r, b, y, rows, n] = [0, 1, 2, 3, 4];
  const { rowBytes, total, off, j } = rowLocals(c, rows, n);
  c.loop(off, total, { local: rowBytes }, () => {
    c.loop(j, rowBytes, 16, () => {
      c.get(y).get(off).i32Add().get(j).i32Add();
      c.get(r).get(off).i32Add().get(j).i32Add().load().get(b).get(j).i32Add().load().add();
      c.store();
    });
  });
  return c;
}

/** A pointer argument: name, byte offset, length in bytes of the range the kernel touches. */
export type Range = [name: string, ptr: number, bytes: number];

/**
 * Throws unless every non-empty range lies inside `memory` and does not start at the null
 * pointer, and every count is a non-negative integer (a multiple of 4 where `by4`). Cheap: a
 * few comparisons per call, against kernels that touch thousands of floats.
 *
 * @example
 * ```ts
 * declare const memory: WebAssembly.Memory, x: number, y: number, n: number;
 * guard(memory, "copy", { n }, [["x", x, 4 * n], ["y", y, 4 * n]], ["n"]); // throws if bad
 * ```
 */
export function guard(
  memory: WebAssembly.Memory,
  kernel: string,
  counts: Record<string, number>,
  ranges: Range[],
  by4: string[] = [],
) {
  const size = memory.buffer.byteLength;
  const what = () =>
    Object.entries(counts).map(([k, v]) => `${k} = ${v}`).join(", ") +
    `; ${
      ranges.map(([n, p, b]) => `${n} = [${p}, ${p + b})`).join(", ")
    }; wasm memory ${size} bytes`;
  for (const [name, v] of Object.entries(counts)) {
    if (!Number.isInteger(v) || v < 0 || (by4.includes(name) && v % 4 !== 0)) {
      const want = by4.includes(name) ? "a non-negative multiple of 4" : "a non-negative integer";
      throw new Error(`SIMD kernel ${kernel}: ${name} must be ${want} (${what()})`);
    }
  }
  for (const [name, ptr, bytes] of ranges) {
    if (bytes <= 0) continue;
    if (!Number.isInteger(ptr) || ptr <= 0 || ptr + bytes > size) {
      const why = ptr === 0
        ? "starts at the null pointer (a failed allocation: is the heap full of leaked tensors?)"
        : "lies outside the wasm memory";
      throw new Error(`SIMD kernel ${kernel}: ${name} ${why} (${what()})`);
    }
  }
}

/** The raw exports wrapped in {@link guard}s (byte lengths of each pointer's range). */
function guarded(memory: WebAssembly.Memory, raw: SimdKernels): SimdKernels {
  const g = (kernel: string, counts: Record<string, number>, ranges: Range[], by4: string[]) =>
    guard(memory, kernel, counts, ranges, by4);
  return {
    geluForward(u, y, s, n) {
      const b = n * 4;
      g("geluForward", { n }, [["u", u, b], ["y", y, b], ["s", s, b]], ["n"]);
      raw.geluForward(u, y, s, n);
    },
    geluBackward(dy, u, s, du, n) {
      const b = n * 4;
      g("geluBackward", { n }, [["dy", dy, b], ["u", u, b], ["s", s, b], ["du", du, b]], ["n"]);
      raw.geluBackward(dy, u, s, du, n);
    },
    adam(p, m, v, gr, n, b1, c1, b2, c2, eps, stepSize, sqrtBc2, decay) {
      const b = n * 4;
      g("adam", { n }, [["p", p, b], ["m", m, b], ["v", v, b], ["g", gr, b]], ["n"]);
      raw.adam(p, m, v, gr, n, b1, c1, b2, c2, eps, stepSize, sqrtBc2, decay);
    },
    layerNormForward(x, gamma, beta, y, xhat, rstd, rows, d, eps) {
      const md = rows * d * 4, dd = rows > 0 ? d * 4 : 0;
      g("layerNormForward", { rows, d }, [
        ["x", x, md],
        ["gamma", gamma, dd],
        ["beta", beta, dd],
        ["y", y, md],
        ["xhat", xhat, md],
        ["rstd", rstd, rows * 4],
      ], ["d"]);
      raw.layerNormForward(x, gamma, beta, y, xhat, rstd, rows, d, eps);
    },
    rowsPlusBias(r, b, y, rows, n) {
      const m = rows * n * 4;
      g("rowsPlusBias", { rows, n }, [["r", r, m], ["b", b, rows > 0 ? n * 4 : 0], ["y", y, m]], [
        "n",
      ]);
      raw.rowsPlusBias(r, b, y, rows, n);
    },
    layerNormBackward(dy, xhat, rstd, gamma, dx, dgamma, dbeta, rows, d) {
      const md = rows * d * 4, dd = d * 4;
      g("layerNormBackward", { rows, d }, [
        ["dy", dy, md],
        ["xhat", xhat, md],
        ["rstd", rstd, rows * 4],
        ["gamma", gamma, rows > 0 ? dd : 0],
        ["dx", dx, md],
        ["dgamma", dgamma, dd],
        ["dbeta", dbeta, dd],
      ], ["d"]);
      raw.layerNormBackward(dy, xhat, rstd, gamma, dx, dgamma, dbeta, rows, d);
    },
  };
}

let compiled: WebAssembly.Module | null = null;
const instances = new WeakMap<WebAssembly.Memory, SimdKernels>();

// On by default; TOOLKIT_SIMD=0 (or setSimdKernels(false)) turns them off, and the fused ops then
// run their JavaScript loops over the same heap (the same results, ~35% slower end to end).
// They were opt-in for a while after a 4×64 ICL training run died with "memory access out of
// bounds" inside geluForward after ~1,500 steps (2026-11-26). The kernels were not at fault: the
// experiment's layerRepresentations leaked every forward pass's activations (~250 MB of heap per
// evaluation, ~1.4 GB per snapshot), the heap reached wasm32's 4 GB, malloc returned 0, and tfjs
// handed out tensors at byte 0, whose writes corrupted the bottom of the heap. The guard below now
// stops such a call with a clear Error.
const simdSwitch = envSwitch("TOOLKIT_SIMD", true);

/**
 * Turns the hand-written WebAssembly SIMD kernels (GELU, LayerNorm, Adam, attention) on or off;
 * on by default (`TOOLKIT_SIMD=0` starts with them off). Returns the previous setting.
 *
 * @example
 * ```ts
 * setSimdKernels(false); // what TOOLKIT_SIMD=0 does
 * ```
 */
export function setSimdKernels(on: boolean): boolean {
  return simdSwitch.set(on);
}

/**
 * The kernels instantiated on `memory` (compiled once, instantiated once per memory); null
 * when this WebAssembly engine lacks SIMD128 (a module that fails to build otherwise throws).
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 *
 * const k = simdKernels((tf.backend() as any).wasm.asm.memory);
 * ```
 */
export function simdKernels(memory: WebAssembly.Memory): SimdKernels | null {
  if (!simdSwitch.on) return null;
  const have = instances.get(memory);
  if (have) return have;
  try {
    compiled ??= new WebAssembly.Module(assemble({
      geluForward: geluForward(relaxedSimdSupported()),
      geluBackward: geluBackward(),
      adam: adam(),
      layerNormForward: layerNormForward(),
      layerNormBackward: layerNormBackward(),
      rowsPlusBias: rowsPlusBias(),
    }) as BufferSource);
  } catch (e) {
    if (!simdSupported()) return null;
    throw e;
  }
  const inst = new WebAssembly.Instance(compiled, { env: { memory } });
  const k = guarded(memory, inst.exports as unknown as SimdKernels);
  instances.set(memory, k);
  return k;
}

/** Whether the engine validates a one-instruction SIMD module (f32x4.splat). */
function simdSupported(): boolean {
  const c = new Code(params(0, 1));
  c.get(0).splat().set(c.local("v128"));
  return WebAssembly.validate(assemble({ probe: c }) as BufferSource);
}

/**
 * The three products of one causal attention head, for a head size fixed when the module is
 * built (its hd/4 lanes unrolled into registers). Pointers in bytes, row strides in bytes; P is
 * T×T row-major and only its lower triangle is read (scores writes only that triangle).
 */
export interface AttentionKernels {
  /** s[i·T + j] = scale · a_i·b_j for j ≤ i. */
  scores(a: number, lda: number, b: number, ldb: number, s: number, T: number, scale: number): void;
  /** o_i = alpha · Σ_{j ≤ i} p[i·T + j] · a_j (P·V, dS·K). */
  rows(p: number, a: number, lda: number, o: number, ldo: number, T: number, alpha: number): void;
  /** o_j = alpha · Σ_{i ≥ j} p[i·T + j] · a_i (Pᵀ·dO, dSᵀ·Q). */
  cols(p: number, a: number, lda: number, o: number, ldo: number, T: number, alpha: number): void;
}

const I32x6 = params(6, 1);

function attnScores(chunks: number): Code {
  const c = new Code(I32x6);
  const [a, lda, b, ldb, s, T, scale] = [0, 1, 2, 3, 4, 5, 6];
  const i = c.local("i32"), j = c.local("i32"), jEnd = c.local("i32");
  const ai = c.local("i32"), bj = c.local("i32"), sij = c.local("i32"), rowBytes = c.local("i32");
  const q = Array.from({ length: chunks }, () => c.local("v128"));
  const acc = [c.local("v128"), c.local("v128")];
  c.get(T).i32(4).i32Mul().set(rowBytes);
  c.get(a).set(ai);
  c.loop(i, T, 1, () => {
    q.forEach((l, k) => c.get(ai).load(16 * k).set(l));
    c.get(i).i32(1).i32Add().set(jEnd);
    c.get(b).set(bj);
    c.get(s).get(i).get(rowBytes).i32Mul().i32Add().set(sij);
    c.loop(j, jEnd, 1, () => {
      q.forEach((l, k) => {
        if (k < 2) c.get(l).get(bj).load(16 * k).mul().set(acc[k]);
        else c.get(acc[k % 2]).get(l).get(bj).load(16 * k).mul().add().set(acc[k % 2]);
      });
      if (chunks > 1) c.get(acc[0]).get(acc[1]).add().set(acc[0]);
      c.get(sij).hsum(acc[0]).get(scale).f32Mul().f32Store();
      c.get(bj).get(ldb).i32Add().set(bj);
      c.get(sij).i32(4).i32Add().set(sij);
    });
    c.get(ai).get(lda).i32Add().set(ai);
  });
  return c;
}

/** rows (cols = false) or cols (cols = true). */
function attnCombine(chunks: number, cols: boolean): Code {
  const c = new Code(I32x6);
  const [p, a, lda, o, ldo, T, alpha] = [0, 1, 2, 3, 4, 5, 6];
  const r = c.local("i32"), t = c.local("i32"), t0 = c.local("i32"), tEnd = c.local("i32");
  const rowBytes = c.local("i32"), pp = c.local("i32"), at = c.local("i32"), or = c.local("i32");
  const pv = c.local("v128"), av = c.local("v128");
  const acc = Array.from({ length: chunks }, () => c.local("v128"));
  c.get(alpha).splat().set(av);
  c.get(T).i32(4).i32Mul().set(rowBytes);
  c.get(o).set(or);
  // rows: output row r sums t = 0 … r of p[r, t]·a_t; cols: t = r … T−1 of p[t, r]·a_t.
  c.loop(r, T, 1, () => {
    acc.forEach((l) => c.f32(0).splat().set(l));
    if (cols) {
      c.get(T).set(tEnd).get(r).set(t0);
      c.get(p).get(r).get(rowBytes).i32Mul().i32Add().get(r).i32(4).i32Mul().i32Add().set(pp);
      c.get(a).get(r).get(lda).i32Mul().i32Add().set(at);
    } else {
      c.get(r).i32(1).i32Add().set(tEnd).i32(0).set(t0);
      c.get(p).get(r).get(rowBytes).i32Mul().i32Add().set(pp);
      c.get(a).set(at);
    }
    c.loop(t, tEnd, 1, () => {
      c.get(pp).f32Load().splat().set(pv);
      acc.forEach((l, k) => c.get(l).get(pv).get(at).load(16 * k).mul().add().set(l));
      c.get(pp);
      if (cols) c.get(rowBytes);
      else c.i32(4);
      c.i32Add().set(pp);
      c.get(at).get(lda).i32Add().set(at);
    }, { local: t0 });
    acc.forEach((l, k) => c.get(or).get(l).get(av).mul().store(16 * k));
    c.get(or).get(ldo).i32Add().set(or);
  });
  return c;
}

/**
 * The causal softmax of one head's scores and its gradient, on T×T row-major blocks (T a
 * multiple of 4, pointers in bytes). They replace the JavaScript loops of the wasm attention
 * kernels, ~40% of attention's CPU time at T 40 (lib/bench/README.md).
 */
export interface SoftmaxKernels {
  /** Row i of p: softmax over columns j ≤ i in place, 0 for j > i. */
  softmax(p: number, T: number): void;
  /** s ← p ⊙ (s − Σ_j s⊙p) row by row (dS from dP = s and P = p; p is 0 above the diagonal). */
  softmaxGrad(s: number, p: number, T: number): void;
}

function causalSoftmax(): Code {
  const c = new Code(params(2)); // p, T
  const [p, T] = [0, 1];
  const i = c.local("i32"), j = c.local("i32"), row = c.local("i32"), rowBytes = c.local("i32");
  const used = c.local("i32"); // bytes of the chunks that hold columns ≤ i
  const x = c.local("v128"), e = c.local("v128"), vmax = c.local("v128"), vsum = c.local("v128");
  const lanes = c.local("v128"), idx = c.local("v128"), n = c.local("v128"), mask = c.local("v128");
  const mx = c.local("f32");
  const k = expConstants(c);
  const four = c.constant(4), neg = c.constant(-3.0e38), zero = c.zero();
  // lanes = [0, 1, 2, 3]: the column index of each lane within a chunk; a lane takes part
  // where its column < n (f32x4.lt mask), others are −3e38 for the max and 0 after exp.
  c.vconst([0, 1, 2, 3]).set(lanes);
  c.get(T).i32(4).i32Mul().set(rowBytes);
  c.get(p).set(row);
  c.loop(i, T, 1, () => {
    // n = i + 1 valid columns; the chunks up to and including column i.
    c.get(i).f32FromU32().f32(1).f32Add().splat().set(n);
    c.get(i).i32(4).i32Add().i32(2).i32ShrU().i32(4).i32Mul().i32(4).i32Mul().set(used);
    // max over columns ≤ i
    c.get(neg).set(vmax);
    c.get(lanes).set(idx);
    c.loop(j, used, 16, () => {
      c.get(idx).get(n).lt().set(mask);
      c.get(row).get(j).i32Add().load().get(neg).get(mask).bitselect().get(vmax).max().set(vmax);
      c.get(idx).get(four).add().set(idx);
    });
    c.get(vmax).lane(0).get(vmax).lane(1).f32Max().get(vmax).lane(2).f32Max().get(vmax).lane(3)
      .f32Max().set(mx);
    // e = exp(x − max) on columns ≤ i (0 elsewhere), their sum
    c.get(mx).splat().set(vmax);
    c.get(zero).set(vsum);
    c.get(lanes).set(idx);
    c.loop(j, used, 16, () => {
      c.get(idx).get(n).lt().set(mask);
      c.get(row).get(j).i32Add().load().get(vmax).sub().set(x);
      emitExp(c, x, e, k);
      c.get(e).get(mask).and().set(e);
      c.get(row).get(j).i32Add().get(e).store();
      c.get(vsum).get(e).add().set(vsum);
      c.get(idx).get(four).add().set(idx);
    });
    c.f32(1).hsum(vsum).f32Div().splat().set(x);
    c.loop(j, used, 16, () => {
      c.get(row).get(j).i32Add().get(row).get(j).i32Add().load().get(x).mul().store();
    });
    c.loop(j, rowBytes, 16, () => {
      c.get(row).get(j).i32Add().get(zero).store();
    }, { local: used });
    c.get(row).get(rowBytes).i32Add().set(row);
  });
  return c;
}

function causalSoftmaxGrad(): Code {
  const c = new Code(params(3)); // s, p, T
  const [s, p, T] = [0, 1, 2];
  const i = c.local("i32"), j = c.local("i32"), off = c.local("i32"), rowBytes = c.local("i32");
  const acc = c.local("v128"), dot = c.local("v128"), pv = c.local("v128");
  c.get(T).i32(4).i32Mul().set(rowBytes);
  c.i32(0).set(off);
  // P is 0 above the diagonal, so whole rows give the causal sums and zeros there.
  c.loop(i, T, 1, () => {
    c.f32(0).splat().set(acc);
    c.loop(j, rowBytes, 16, () => {
      c.get(s).get(off).i32Add().get(j).i32Add().load();
      c.get(p).get(off).i32Add().get(j).i32Add().load().mul().get(acc).add().set(acc);
    });
    c.hsum(acc).splat().set(dot);
    c.loop(j, rowBytes, 16, () => {
      c.get(p).get(off).i32Add().get(j).i32Add().load().set(pv);
      c.get(s).get(off).i32Add().get(j).i32Add();
      c.get(s).get(off).i32Add().get(j).i32Add().load().get(dot).sub().get(pv).mul().store();
    });
    c.get(off).get(rowBytes).i32Add().set(off);
  });
  return c;
}

const softmaxSwitch = envSwitch("TOOLKIT_SIMD_SOFTMAX", true);

/**
 * Turns the SIMD causal softmax of the wasm attention on or off (benchmark lever;
 * `TOOLKIT_SIMD_SOFTMAX=0` starts off: JavaScript loops). Returns the previous setting.
 *
 * @example
 * ```ts
 * const was = setSimdSoftmax(false);
 * ```
 */
export function setSimdSoftmax(on: boolean): boolean {
  return softmaxSwitch.set(on);
}

let softmaxModule: WebAssembly.Module | undefined;
const softmaxInstances = new WeakMap<WebAssembly.Memory, SoftmaxKernels>();

/**
 * The causal softmax kernels on this memory, or null where SIMD is off or T is not a multiple
 * of 4 (the callers' JavaScript loops then run).
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 *
 * const memory = (tf.backend() as unknown as { wasm: { asm: { memory: WebAssembly.Memory } } })
 *   .wasm.asm.memory;
 * const k = softmaxKernels(memory, 40);
 * ```
 */
export function softmaxKernels(memory: WebAssembly.Memory, T: number): SoftmaxKernels | null {
  if (!softmaxSwitch.on || T % 4 !== 0 || !simdKernels(memory)) return null;
  let k = softmaxInstances.get(memory);
  if (k) return k;
  softmaxModule ??= new WebAssembly.Module(assemble({
    softmax: causalSoftmax(),
    softmaxGrad: causalSoftmaxGrad(),
  }) as BufferSource);
  const raw = new WebAssembly.Instance(softmaxModule, { env: { memory } })
    .exports as unknown as SoftmaxKernels;
  k = {
    softmax(pp, TT) {
      guard(memory, "softmax", { T: TT }, [["p", pp, TT * TT * 4]], ["T"]);
      raw.softmax(pp, TT);
    },
    softmaxGrad(sp, pp, TT) {
      guard(memory, "softmaxGrad", { T: TT }, [["s", sp, TT * TT * 4], ["p", pp, TT * TT * 4]], [
        "T",
      ]);
      raw.softmaxGrad(sp, pp, TT);
    },
  };
  softmaxInstances.set(memory, k);
  return k;
}

const attention = new Map<number, WebAssembly.Module>();
const attentionInstances = new WeakMap<WebAssembly.Memory, Map<number, AttentionKernels>>();

/**
 * Attention kernels for head size hd (a multiple of 4, at most 256) on `memory`, built once per
 * head size; null without SIMD or for other head sizes.
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 *
 * const k = attentionKernels((tf.backend() as any).wasm.asm.memory, 32);
 * ```
 */
export function attentionKernels(memory: WebAssembly.Memory, hd: number): AttentionKernels | null {
  if (hd % 4 !== 0 || hd > 256 || !simdKernels(memory)) return null;
  let byHd = attentionInstances.get(memory);
  if (!byHd) attentionInstances.set(memory, byHd = new Map());
  const have = byHd.get(hd);
  if (have) return have;
  let mod = attention.get(hd);
  if (!mod) {
    const chunks = hd / 4;
    mod = new WebAssembly.Module(assemble({
      scores: attnScores(chunks),
      rows: attnCombine(chunks, false),
      cols: attnCombine(chunks, true),
    }) as BufferSource);
    attention.set(hd, mod);
  }
  const raw = new WebAssembly.Instance(mod, { env: { memory } })
    .exports as unknown as AttentionKernels;
  // rows of hd floats every ld bytes; P (and S) is T×T
  const span = (ld: number, T: number) => (T > 0 ? (T - 1) * ld + hd * 4 : 0);
  const g = (kernel: string, counts: Record<string, number>, ranges: Range[]) =>
    guard(memory, `${kernel} (hd ${hd})`, counts, ranges);
  const k: AttentionKernels = {
    scores(a, lda, b, ldb, s, T, scale) {
      g("scores", { lda, ldb, T }, [["a", a, span(lda, T)], ["b", b, span(ldb, T)], [
        "s",
        s,
        T * T * 4,
      ]]);
      raw.scores(a, lda, b, ldb, s, T, scale);
    },
    rows(p, a, lda, o, ldo, T, alpha) {
      g("rows", { lda, ldo, T }, [["p", p, T * T * 4], ["a", a, span(lda, T)], [
        "o",
        o,
        span(ldo, T),
      ]]);
      raw.rows(p, a, lda, o, ldo, T, alpha);
    },
    cols(p, a, lda, o, ldo, T, alpha) {
      g("cols", { lda, ldo, T }, [["p", p, T * T * 4], ["a", a, span(lda, T)], [
        "o",
        o,
        span(ldo, T),
      ]]);
      raw.cols(p, a, lda, o, ldo, T, alpha);
    },
  };
  byHd.set(hd, k);
  return k;
}
