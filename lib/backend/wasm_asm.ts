/**
 * A tiny WebAssembly assembler: just enough to build SIMD128 kernels that import a memory (the
 * tfjs-wasm heap) and export functions of i32 arguments (byte offsets and counts). Instructions
 * are emitted by the methods of {@link Code}; {@link assemble} wraps functions into a module.
 *
 * @module
 */

/** Unsigned LEB128. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (32-bit). */
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && (b & 0x40))) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const f32Bytes = (x: number) => Array.from(new Uint8Array(new Float32Array([x]).buffer));
const I32 = 0x7f, F32 = 0x7d, V128 = 0x7b;

/** SIMD (0xFD-prefixed) opcodes used by the kernels. */
const SIMD = {
  load: 0x00,
  load32Splat: 0x09,
  store: 0x0b,
  shuffle: 0x0d,
  i32x4Splat: 0x11,
  f32x4Splat: 0x13,
  f32x4ExtractLane: 0x1f,
  f32x4Lt: 0x43,
  v128And: 0x4e,
  v128Bitselect: 0x52,
  f32x4Nearest: 0x6a,
  i32x4Shl: 0xab,
  i32x4Add: 0xae,
  i32x4Sub: 0xb1,
  f32x4Abs: 0xe0,
  f32x4Neg: 0xe1,
  f32x4Sqrt: 0xe3,
  f32x4Add: 0xe4,
  f32x4Sub: 0xe5,
  f32x4Mul: 0xe6,
  f32x4Div: 0xe7,
  f32x4Min: 0xe8,
  f32x4Max: 0xe9,
  f32x4Pmin: 0xea,
  f32x4Pmax: 0xeb,
  i32x4TruncSatF32x4S: 0xf8,
  f32x4RelaxedMadd: 0x105,
} as const;

type ValType = "i32" | "f32" | "v128";
const TYPE = { i32: I32, f32: F32, v128: V128 } as const;

/** The body of one function: locals are numbered after the parameters, in declaration order. */
export class Code {
  readonly bytes: number[] = [];
  readonly locals: number[] = [];
  readonly nParams: number;

  /** `params`: the parameter types (i32 byte offsets and counts, f32 scalars). */
  constructor(readonly params: ("i32" | "f32")[]) {
    this.nParams = params.length;
  }

  /** Declares a local of type i32, f32 or v128 and returns its index. */
  local(type: ValType): number {
    this.locals.push(TYPE[type]);
    return this.nParams + this.locals.length - 1;
  }

  /** Declares n locals of one type and returns their indices. */
  localsOf(type: ValType, n: number): number[] {
    return Array.from({ length: n }, () => this.local(type));
  }

  #op(...b: number[]): this {
    this.bytes.push(...b);
    return this;
  }
  #simd(op: number, ...rest: number[]): this {
    return this.#op(0xfd, ...uleb(op), ...rest);
  }

  get(i: number) {
    return this.#op(0x20, ...uleb(i));
  }
  set(i: number) {
    return this.#op(0x21, ...uleb(i));
  }
  tee(i: number) {
    return this.#op(0x22, ...uleb(i));
  }
  i32(n: number) {
    return this.#op(0x41, ...sleb(n));
  }
  f32(x: number) {
    return this.#op(0x43, ...f32Bytes(x));
  }
  i32Add() {
    return this.#op(0x6a);
  }
  i32Sub() {
    return this.#op(0x6b);
  }
  i32Mul() {
    return this.#op(0x6c);
  }
  i32GeU() {
    return this.#op(0x4f);
  }
  f32Add() {
    return this.#op(0x92);
  }
  f32Sub() {
    return this.#op(0x93);
  }
  f32Mul() {
    return this.#op(0x94);
  }
  f32Div() {
    return this.#op(0x95);
  }
  f32Sqrt() {
    return this.#op(0x91);
  }
  f32Max() {
    return this.#op(0x97);
  }
  i32ShrU() {
    return this.#op(0x76);
  }
  /** v128.const of four f32 lanes. */
  vconst(lanes: [number, number, number, number]) {
    return this.#simd(0x0c, ...lanes.flatMap(f32Bytes));
  }
  /** f32.convert_i32_u. */
  f32FromU32() {
    return this.#op(0xb3);
  }
  f32Load(offset = 0) {
    return this.#op(0x2a, 2, ...uleb(offset));
  }
  f32Store(offset = 0) {
    return this.#op(0x38, 2, ...uleb(offset));
  }
  /** v128.load at address + offset (unaligned access allowed). */
  load(offset = 0) {
    return this.#simd(SIMD.load, 0, ...uleb(offset));
  }
  store(offset = 0) {
    return this.#simd(SIMD.store, 0, ...uleb(offset));
  }
  /** v128.load32_splat: the f32 at address + offset in all four lanes (one instruction). */
  loadSplat(offset = 0) {
    return this.#simd(SIMD.load32Splat, 2, ...uleb(offset));
  }
  /**
   * i8x16.shuffle of the two v128s on the stack, by f32 lanes: lane l of the result is lane
   * `lanes[l]` of a (0–3) or of b (4–7).
   */
  shuffle(lanes: [number, number, number, number]) {
    return this.#simd(SIMD.shuffle, ...lanes.flatMap((l) => [0, 1, 2, 3].map((b) => 4 * l + b)));
  }
  splat() {
    return this.#simd(SIMD.f32x4Splat);
  }
  i32x4Splat() {
    return this.#simd(SIMD.i32x4Splat);
  }
  lane(i: number) {
    return this.#simd(SIMD.f32x4ExtractLane, i);
  }
  add() {
    return this.#simd(SIMD.f32x4Add);
  }
  sub() {
    return this.#simd(SIMD.f32x4Sub);
  }
  mul() {
    return this.#simd(SIMD.f32x4Mul);
  }
  div() {
    return this.#simd(SIMD.f32x4Div);
  }
  min() {
    return this.#simd(SIMD.f32x4Min);
  }
  max() {
    return this.#simd(SIMD.f32x4Max);
  }
  neg() {
    return this.#simd(SIMD.f32x4Neg);
  }
  abs() {
    return this.#simd(SIMD.f32x4Abs);
  }
  sqrt() {
    return this.#simd(SIMD.f32x4Sqrt);
  }
  /** f32x4.pmin: b < a ? b : a (one instruction, unlike min's NaN handling). */
  pmin() {
    return this.#simd(SIMD.f32x4Pmin);
  }
  /** f32x4.pmax: a < b ? b : a. */
  pmax() {
    return this.#simd(SIMD.f32x4Pmax);
  }
  i32x4Sub() {
    return this.#simd(SIMD.i32x4Sub);
  }
  nearest() {
    return this.#simd(SIMD.f32x4Nearest);
  }
  truncToI32() {
    return this.#simd(SIMD.i32x4TruncSatF32x4S);
  }
  i32x4Add() {
    return this.#simd(SIMD.i32x4Add);
  }
  i32x4Shl() {
    return this.#simd(SIMD.i32x4Shl);
  }
  /**
   * f32x4.relaxed_madd (relaxed SIMD): a·b + c, fused (one rounding) where the CPU has FMA,
   * else a rounded product and sum. Check the engine with {@link relaxedSimdSupported} first.
   */
  madd() {
    return this.#simd(SIMD.f32x4RelaxedMadd);
  }
  /** f32x4.lt: all-ones lanes where a < b, else zero. */
  lt() {
    return this.#simd(SIMD.f32x4Lt);
  }
  /** v128.and (bitwise): with a lt() mask, zeroes the lanes where it is false. */
  and() {
    return this.#simd(SIMD.v128And);
  }
  /** v128.bitselect(a, b, mask): a's bits where the mask is set, else b's. */
  bitselect() {
    return this.#simd(SIMD.v128Bitselect);
  }
  /** A v128 local holding `x` in every lane. */
  constant(x: number): number {
    const l = this.local("v128");
    this.f32(x).splat().set(l);
    return l;
  }
  /** A v128 local holding 0 in every lane. */
  zero(): number {
    return this.constant(0);
  }
  /** Pushes the sum of the 4 lanes of v128 local `v` (an f32). */
  hsum(v: number) {
    return this.get(v).lane(0).get(v).lane(1).f32Add().get(v).lane(2).f32Add().get(v).lane(3)
      .f32Add();
  }
  /**
   * `for (i = from ?? 0; i < limit; i += step) body()`: i and limit are i32 locals; step is a
   * constant, or `{ local }` an i32 local.
   */
  loop(
    i: number,
    limit: number,
    step: number | { local: number },
    body: () => void,
    from?: { local: number },
  ) {
    if (from) this.get(from.local).set(i);
    else this.i32(0).set(i);
    this.#op(0x02, 0x40, 0x03, 0x40); // block, loop (no result)
    this.get(i).get(limit).i32GeU().#op(0x0d, 1); // br_if 1: leave the block
    body();
    this.get(i);
    if (typeof step === "number") this.i32(step);
    else this.get(step.local);
    this.i32Add().set(i);
    this.#op(0x0c, 0, 0x0b, 0x0b); // br 0 (loop again); end loop; end block
    return this;
  }

  /** The encoded function body (locals then code). */
  encode(): number[] {
    const groups: number[] = [];
    for (const t of this.locals) groups.push(1, t);
    const body = [...uleb(this.locals.length), ...groups, ...this.bytes, 0x0b];
    return [...uleb(body.length), ...body];
  }
}

let relaxed: boolean | undefined;

/**
 * Whether this engine validates relaxed SIMD's f32x4.relaxed_madd ({@link Code.madd}); checked
 * once.
 *
 * @example
 * ```ts
 * const fma = relaxedSimdSupported(); // true on V8 ≥ 11.4 (Deno 1.34+)
 * ```
 */
export function relaxedSimdSupported(): boolean {
  if (relaxed === undefined) {
    const c = new Code([]);
    const v = c.local("v128");
    c.get(v).get(v).get(v).madd().set(v);
    relaxed = WebAssembly.validate(assemble({ probe: c }) as BufferSource);
  }
  return relaxed;
}

/**
 * A module importing `env.memory` and exporting each function (no results).
 *
 * @example
 * ```ts
 * const c = new Code(["i32"]); // (func (param i32)) that does nothing
 * const bytes = assemble({ noop: c });
 * ```
 */
export function assemble(fns: Record<string, Code>): Uint8Array {
  const names = Object.keys(fns);
  const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];
  const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
  const str = (s: string) => [...uleb(s.length), ...new TextEncoder().encode(s)];
  const types = names.map((
    n,
  ) => [0x60, ...uleb(fns[n].nParams), ...fns[n].params.map((t) => TYPE[t]), 0]);
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec(types)),
    ...section(2, vec([[...str("env"), ...str("memory"), 0x02, 0x00, 0x01]])), // memory, min 1 page
    ...section(3, vec(names.map((_, i) => uleb(i)))),
    ...section(7, vec(names.map((n, i) => [...str(n), 0x00, ...uleb(i)]))),
    ...section(10, vec(names.map((n) => fns[n].encode()))),
  ];
  return new Uint8Array(bytes);
}
