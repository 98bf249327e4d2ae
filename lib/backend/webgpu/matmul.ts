/**
 * Matrix products on WebGPU: C = op(A)·op(B) (+ bias), op = identity or transpose, as one
 * register-tiled WGSL kernel per layout, with split-K for long reductions.
 *
 * Why not tfjs's matMul: on an H100 its gradient products that reduce over the 2,560–5,120
 * tokens ([2560,128]ᵀ·[2560,384]) ran at ~10 GFLOP/s, because it neither reads the transposed
 * operand in coalesced rows nor splits a long reduction over workgroups (spec/00_stack.md).
 *
 * The kernel: 256 threads (16 × 16) compute a BM × BN tile (64 or 128 each way), each thread a
 * TM × TN block of accumulators held in registers, spread as 4 × 4 sub-blocks 64 rows and
 * columns apart so that reads of the shared tiles are conflict-free. Each step stages a
 * BK-deep slice of op(A) and op(B) in workgroup memory as [k][m] and [k][n] (padded rows), read
 * from global memory along whichever axis is contiguous for that layout (coalesced either way).
 * Loads and stores are bounds-checked, so any M, N, K works. With split-K, workgroup z reduces
 * its own K range into a partial product and a second kernel sums the partials.
 *
 * @module
 */
import type { tf } from "../../deps.ts";
import { dispatch, flatGrid, type GpuBackend, type GpuProgram, output } from "./program.ts";
import { sumLeading, sumLeadingSplit } from "./reduce.ts";
import { GELU_WGSL } from "./elementwise.ts";
import { envFlag, envVar } from "../../util/env.ts";

/** Tile shape of one matmul kernel. */
export interface MatMulTile {
  /** Rows of C per workgroup: 64 or 128. */
  bm: 64 | 128;
  /** Columns of C per workgroup: 64 or 128. */
  bn: 64 | 128;
  /** Reduction depth staged per step: 8 or 16. */
  bk: 8 | 16;
}

/** Options of {@link gpuMatMul}. */
export interface GpuMatMulOptions {
  /** A is stored [K, M] (C = Aᵀ·…). Default false. */
  transA?: boolean;
  /** B is stored [N, K] (C = …·Bᵀ). Default false. */
  transB?: boolean;
  /** Added to every row of C ([N]). */
  bias?: tf.TensorInfo;
  /** Added to C ([M, N]): a residual connection folded into the product's epilogue. */
  residual?: tf.TensorInfo;
  /** Tile and split-K; default {@link chooseMatMulPlan}. */
  plan?: MatMulPlan;
  /**
   * Append a row of ones to op(A), so C gets an extra last row Σ_k op(B)[k, ·] — with A = xᵀ
   * and B = dy, the bias gradient Σ_tokens dy beside the weight gradient xᵀ·dy, from the same
   * launch and the same split-K reduction (instead of two column-sum launches). C is then
   * returned as [dW [M, N], db [N]] by {@link gpuMatMulWithColumnSums}. No bias with it.
   */
  onesRow?: boolean;
  /**
   * C = GELU(op(A)·op(B) + bias), returned with the pre-activation U as [C, U] (by
   * {@link gpuMatMulGelu}): the MLP's first product and its activation in one launch.
   */
  gelu?: boolean;
  /** C = (op(A)·op(B))·GELU′(U) for this U [M, N]: the gradient through GELU in the epilogue. */
  geluGradOf?: tf.TensorInfo;
}

/** How one product is computed: the tile, and over how many workgroups K is split. */
export interface MatMulPlan extends MatMulTile {
  /** Number of K slices (1: no split). */
  splitK: number;
}

/** Workgroups that fill the GPU (an H100 has 132 SMs, two 256-thread workgroups each). */
let targetGroups = Number(envVar("TOOLKIT_GPU_GROUPS")) > 0
  ? Number(envVar("TOOLKIT_GPU_GROUPS"))
  : 264;
const tileEnv = envVar("TOOLKIT_GPU_TILE");
let forcedTile: 64 | 128 | null = tileEnv === "64" || tileEnv === "128"
  ? Number(tileEnv) as 64 | 128
  : null;
let splitKEnabled = envFlag("TOOLKIT_GPU_SPLITK", true);
let deep128 = false;

/**
 * Overrides the matmul planner (benchmark levers): a fixed tile size, split-K on or off, and
 * the workgroup count it aims for. Returns the previous settings.
 *
 * @example
 * ```ts
 * setMatMulPlanner({ tile: 64, splitK: false });
 * ```
 */
export function setMatMulPlanner(
  opts: { tile?: 64 | 128 | null; splitK?: boolean; targetGroups?: number; deep128?: boolean },
): { tile: 64 | 128 | null; splitK: boolean; targetGroups: number; deep128: boolean } {
  const was = { tile: forcedTile, splitK: splitKEnabled, targetGroups, deep128 };
  if (opts.tile !== undefined) forcedTile = opts.tile;
  if (opts.splitK !== undefined) splitKEnabled = opts.splitK;
  if (opts.targetGroups !== undefined) targetGroups = opts.targetGroups;
  if (opts.deep128 !== undefined) deep128 = opts.deep128;
  return was;
}

/**
 * The tile and split for an M × N × K product: 128-square tiles when they alone give enough
 * workgroups, else 64-square tiles; when even those are too few and K is long (the weight
 * gradients, which reduce over every token), K is split so the grid fills the GPU.
 *
 * @example
 * ```ts
 * chooseMatMulPlan(256, 768, 5120); // { bm: 128, bn: 128, bk: 8, splitK: 20 }
 * ```
 */
export function chooseMatMulPlan(M: number, N: number, K: number): MatMulPlan {
  const tiles = (b: number) => Math.ceil(M / b) * Math.ceil(N / b);
  let b: 64 | 128 = forcedTile ?? (tiles(128) >= targetGroups / 2 ? 128 : 64);
  if (
    !forcedTile && b === 64 && tiles(64) < targetGroups / 2 && M >= 128 && N >= 128 && K >= 2048
  ) b = 128;
  // deep128: 16-deep 128-tiles need 16.5 KiB of workgroup memory, past WebGPU's 16 KiB default
  // (an H100 grants 48 KiB); half the barriers per FLOP.
  const tile: MatMulTile = b === 128
    ? { bm: 128, bn: 128, bk: deep128 ? 16 : 8 }
    : { bm: 64, bn: 64, bk: 16 };
  let splitK = 1;
  if (splitKEnabled && tiles(b) < targetGroups / 2) {
    splitK = Math.max(1, Math.min(Math.ceil(targetGroups / tiles(b)), Math.floor(K / 256)));
  }
  return { ...tile, splitK };
}

/**
 * C = op(A)·op(B) (+ bias) as a new [M, N] tensor info.
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 * import { gpuBackend } from "./program.ts";
 *
 * declare const x: tf.TensorInfo, dy: tf.TensorInfo;
 * const be = gpuBackend();
 * const dW = gpuMatMul(be, x, dy, { transA: true }); // xᵀ·dy
 * ```
 */
export function gpuMatMul(
  be: GpuBackend,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  opts: GpuMatMulOptions = {},
): tf.TensorInfo {
  if (opts.onesRow || opts.gelu) {
    throw new Error(
      "gpuMatMul: onesRow and gelu return two tensors (gpuMatMulWithColumnSums, gpuMatMulGelu)",
    );
  }
  return matMul(be, a, b, opts) as tf.TensorInfo;
}

/**
 * [op(A)·op(B), Σ_k op(B)[k, ·]] — a weight gradient xᵀ·dy and the bias gradient Σ dy — from
 * one matmul launch over op(A) with a row of ones appended, and one reduction launch that
 * sums the split-K partials and splits off the last row (two launches in all, where a separate
 * bias gradient took two more).
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 * import { gpuBackend } from "./program.ts";
 *
 * const be = gpuBackend();
 * declare const x: tf.TensorInfo, dy: tf.TensorInfo;
 * const [dW, db] = gpuMatMulWithColumnSums(be, x, dy, { transA: true });
 * ```
 */
export function gpuMatMulWithColumnSums(
  be: GpuBackend,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  opts: Omit<GpuMatMulOptions, "onesRow" | "bias"> = {},
): [tf.TensorInfo, tf.TensorInfo] {
  return matMul(be, a, b, { ...opts, onesRow: true }) as [tf.TensorInfo, tf.TensorInfo];
}

/** One product ready to record: its launch's pieces, and what turns the output into results. */
interface PreparedMatMul {
  plan: MatMulPlan;
  flags: MatMulFlags;
  grid: [number, number, number];
  outputs: tf.TensorInfo[];
  inputs: tf.TensorInfo[];
  uniforms: ["u", number][];
  /** After the launch: the reduction of split-K partials, if any; the results. */
  finish: () => tf.TensorInfo | [tf.TensorInfo, tf.TensorInfo];
}

function prepareMatMul(
  be: GpuBackend,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  opts: GpuMatMulOptions,
): PreparedMatMul {
  const { transA = false, transB = false, bias, residual, onesRow = false } = opts;
  const [M, K] = transA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [K2, N] = transB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  if (K !== K2) throw new Error(`gpuMatMul: inner sizes differ (${K} vs ${K2})`);
  const Mo = onesRow ? M + 1 : M; // rows of C
  let plan = opts.plan ?? chooseMatMulPlan(Mo, N, K);
  const epilogue = opts.gelu ? "gelu" as const : opts.geluGradOf ? "geluGrad" as const : undefined;
  // A GELU epilogue needs the whole sum: no split-K (the MLP's products reduce over d, short).
  if (epilogue) plan = { ...plan, splitK: 1 };
  const shared = plan.bk * (plan.bm + plan.bn + 8) * 4;
  if (shared > be.device.limits.maxComputeWorkgroupStorageSize) plan = { ...plan, bk: 8 };
  const S = Math.max(1, Math.min(plan.splitK, Math.ceil(K / plan.bk)));
  const kChunk = Math.ceil(Math.ceil(K / S) / plan.bk) * plan.bk;
  const slices = Math.max(1, Math.ceil(K / kChunk));
  const grid: [number, number, number] = [Math.ceil(N / plan.bn), Math.ceil(Mo / plan.bm), slices];
  const uniforms = [["u", M], ["u", N], ["u", K], ["u", kChunk]] as ["u", number][];
  const base = { plan, grid, uniforms };
  const flags = { transA, transB, bias: false, onesRow, residual: false };
  if (onesRow) {
    // The partials [slices, M + 1, N] (slices may be 1: the reduction then only splits).
    const partial = output(be, [slices, Mo, N]);
    return {
      ...base,
      flags,
      outputs: [partial],
      inputs: [a, b],
      finish: () => {
        const out = sumLeadingSplit(be, partial, [M, N]);
        be.disposeData(partial.dataId);
        return out;
      },
    };
  }
  if (slices === 1) {
    const c = output(be, [M, N]);
    const extra = [...(bias ? [bias] : []), ...(residual ? [residual] : [])];
    const u = epilogue === "gelu" ? output(be, [M, N]) : opts.geluGradOf;
    return {
      ...base,
      flags: { ...flags, bias: bias !== undefined, residual: residual !== undefined, epilogue },
      outputs: [c],
      // U goes last (after the shader's other bindings); as gelu's output it is new, so
      // binding it among the inputs drops no CPU copy that matters.
      inputs: [a, b, ...extra, ...(u ? [u] : [])],
      finish: () => (epilogue === "gelu" ? [c, u!] : c),
    };
  }
  if (epilogue) throw new Error("gpuMatMul: a GELU epilogue cannot take split-K");
  const partial = output(be, [slices, M, N]);
  return {
    ...base,
    flags,
    outputs: [partial],
    inputs: [a, b],
    finish: () => {
      const c = sumLeading(be, partial, { bias, residual });
      be.disposeData(partial.dataId);
      return c;
    },
  };
}

/**
 * [GELU(op(A)·op(B) + bias), op(A)·op(B) + bias] in one launch (the pre-activation is kept for
 * the gradient).
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 * import { gpuBackend } from "./program.ts";
 *
 * const be = gpuBackend();
 * declare const x: tf.TensorInfo, w1: tf.TensorInfo, b1: tf.TensorInfo;
 * const [y, u] = gpuMatMulGelu(be, x, w1, { bias: b1 });
 * ```
 */
export function gpuMatMulGelu(
  be: GpuBackend,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  opts: Omit<GpuMatMulOptions, "onesRow" | "gelu" | "geluGradOf" | "residual"> = {},
): [tf.TensorInfo, tf.TensorInfo] {
  return matMul(be, a, b, { ...opts, gelu: true }) as [tf.TensorInfo, tf.TensorInfo];
}

function matMul(
  be: GpuBackend,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  opts: GpuMatMulOptions,
): tf.TensorInfo | [tf.TensorInfo, tf.TensorInfo] {
  const p = prepareMatMul(be, a, b, opts);
  dispatch(be, matMulProgram(p.plan, p.flags, p.grid), p.outputs, p.inputs, p.uniforms);
  return p.finish();
}

/**
 * The gradients of a dense layer y = x·W (+ b): dx = dy·Wᵀ and dW = xᵀ·dy (and db = Σ dy,
 * from a row of ones appended to xᵀ) computed by ONE launch — its first workgroups compute
 * tiles of dx, the rest the split-K partials of dW — plus the reduction of those partials.
 * Two launches per layer where three (and five with a separate bias gradient) were used:
 * on a fast GPU each launch costs ~15 µs of CPU to record (lib/bench/README.md).
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 * import { gpuBackend } from "./program.ts";
 *
 * const be = gpuBackend();
 * declare const dy: tf.TensorInfo, x: tf.TensorInfo, w: tf.TensorInfo;
 * const [dx, dW, db] = gpuDenseGrads(be, dy, x, w, true);
 * ```
 */
export function gpuDenseGrads(
  be: GpuBackend,
  dy: tf.TensorInfo,
  x: tf.TensorInfo,
  w: tf.TensorInfo,
  bias: boolean,
  opts: {
    /** x = GELU(U): return dU = (dy·Wᵀ)·GELU′(U) in place of dx (the MLP's backward). */
    geluOf?: tf.TensorInfo;
  } = {},
): tf.TensorInfo[] {
  const px = prepareMatMul(be, dy, w, { transB: true, geluGradOf: opts.geluOf });
  const pw = prepareMatMul(be, x, dy, { transA: true, onesRow: bias });
  const [fx, fw] = [px.flags, pw.flags];
  const groups = (g: [number, number, number]) => g[0] * g[1] * g[2];
  const g0 = groups(px.grid), g1 = groups(pw.grid);
  const key = `toolkit_matmul_pair_${tileKey(px.plan, fx)}_${tileKey(pw.plan, fw)}`;
  const code = () => {
    const b0 = matMulBindings(fx, "0", 0), b1 = matMulBindings(fw, "1", b0.next);
    return [
      `struct U { M0 : u32, N0 : u32, K0 : u32, kChunk0 : u32,`,
      `           M1 : u32, N1 : u32, K1 : u32, kChunk1 : u32, g0 : u32, g1 : u32,`,
      `           x0 : u32, y0 : u32, x1 : u32, y1 : u32 };`,
      ...b0.lines,
      ...b1.lines,
      `@group(0) @binding(${b1.next}) var<uniform> u : U;`,
      fx.epilogue || fw.epilogue ? GELU_WGSL : "",
      sharedTiles(px.plan, pw.plan),
      matMulFn(px.plan, fx, "0"),
      matMulFn(pw.plan, fw, "1"),
      `@compute @workgroup_size(16, 16, 1)`,
      `fn main(@builtin(local_invocation_id) lid : vec3<u32>, @builtin(workgroup_id) wid : vec3<u32>,`,
      `        @builtin(num_workgroups) nwg : vec3<u32>, @builtin(local_invocation_index) li : u32) {`,
      // The flat workgroup index picks the product and its tile; it is uniform over the
      // workgroup, so each product's barriers stay in uniform control flow.
      `  let id = wid.y * nwg.x + wid.x;`,
      `  if (id < u.g0) {`,
      `    mm0(lid, vec3<u32>(id % u.x0, (id / u.x0) % u.y0, id / (u.x0 * u.y0)), li);`,
      `  } else if (id < u.g0 + u.g1) {`,
      `    let j = id - u.g0;`,
      `    mm1(lid, vec3<u32>(j % u.x1, (j / u.x1) % u.y1, j / (u.x1 * u.y1)), li);`,
      `  }`,
      `}`,
    ].join("\n");
  };
  // dispatch() binds its outputs then its inputs in order; the shader binds each product's
  // C, A, B … together, so all go in as "outputs" in that order (marking an input written
  // only drops a CPU copy that uploading has dropped already).
  dispatch(
    be,
    { key, grid: flatGrid(g0 + g1), code },
    [...px.outputs, ...px.inputs, ...pw.outputs, ...pw.inputs],
    [],
    [
      ...px.uniforms,
      ...pw.uniforms,
      ["u", g0],
      ["u", g1],
      ["u", px.grid[0]],
      ["u", px.grid[1]],
      ["u", pw.grid[0]],
      ["u", pw.grid[1]],
    ],
  );
  const dx = px.finish() as tf.TensorInfo;
  const w2 = pw.finish();
  return Array.isArray(w2) ? [dx, ...w2] : [dx, w2];
}

/** The part of a program key that names a tile and a variant. */
function tileKey(t: MatMulTile, f: MatMulFlags): string {
  return `${t.bm}x${t.bn}x${t.bk}${f.transA ? "T" : "N"}${f.transB ? "T" : "N"}${
    f.bias ? "b" : ""
  }${f.onesRow ? "o" : ""}${f.residual ? "r" : ""}${f.epilogue ? "_" + f.epilogue : ""}`;
}

/** The program for one tile, layout and epilogue. */
function matMulProgram(
  t: MatMulTile,
  f: MatMulFlags,
  grid: [number, number, number],
): GpuProgram {
  const key = `toolkit_matmul_${t.bm}x${t.bn}x${t.bk}_${f.transA ? "T" : "N"}${
    f.transB ? "T" : "N"
  }${f.bias ? "_bias" : ""}${f.onesRow ? "_ones" : ""}${f.residual ? "_res" : ""}${
    f.epilogue ? "_" + f.epilogue : ""
  }`;
  return { key, grid, code: () => matMulSourceOf(t, f) };
}

/** The feature flags of one matmul variant. */
interface MatMulFlags {
  transA: boolean;
  transB: boolean;
  bias: boolean;
  onesRow: boolean;
  residual: boolean;
  /**
   * gelu: C = GELU(acc + bias) and U = acc + bias (an extra output, kept for the gradient);
   * geluGrad: C = acc·GELU′(U) (U an extra input): the gradient through GELU of a product.
   */
  epilogue?: "gelu" | "geluGrad";
}

/**
 * WGSL of one matmul variant. Thread (tx, ty) owns rows ty·4 + 64g + i and columns
 * tx·4 + 64h + j of the tile (g < TM/4, h < TN/4, i, j < 4). With `onesRow`, op(A) has an
 * extra row M of ones and C has M + 1 rows; with `residual`, R [M, N] is added to C.
 *
 * @example
 * ```ts
 * const wgsl = matMulSource(chooseMatMulPlan(256, 768, 512), false, true, false);
 * ```
 */
export function matMulSource(
  t: MatMulTile,
  transA: boolean,
  transB: boolean,
  bias: boolean,
  onesRow = false,
  residual = false,
): string {
  return matMulSourceOf(t, { transA, transB, bias, onesRow, residual });
}

function matMulSourceOf(t: MatMulTile, f: MatMulFlags): string {
  return [
    f.epilogue ? GELU_WGSL : "",
    `struct U { M : u32, N : u32, K : u32, kChunk : u32 };`,
    ...matMulBindings(f, "", 0).lines,
    `@group(0) @binding(${matMulBindings(f, "", 0).next}) var<uniform> u : U;`,
    sharedTiles(t),
    matMulFn(t, f, ""),
    `@compute @workgroup_size(16, 16, 1)`,
    `fn main(@builtin(local_invocation_id) lid : vec3<u32>, @builtin(workgroup_id) wid : vec3<u32>,`,
    `        @builtin(local_invocation_index) li : u32) {`,
    `  mm(lid, wid, li);`,
    `}`,
  ].join("\n");
}

/** Storage bindings C, A, B (, bias, R) of one product, names suffixed by `x`, from `first`. */
function matMulBindings(f: MatMulFlags, x: string, first: number) {
  let b = first;
  const lines = [
    `@group(0) @binding(${b++}) var<storage, read_write> C${x} : array<f32>;`,
    `@group(0) @binding(${b++}) var<storage, read> A${x} : array<f32>;`,
    `@group(0) @binding(${b++}) var<storage, read> B${x} : array<f32>;`,
  ];
  if (f.bias) lines.push(`@group(0) @binding(${b++}) var<storage, read> bias${x} : array<f32>;`);
  if (f.residual) lines.push(`@group(0) @binding(${b++}) var<storage, read> R${x} : array<f32>;`);
  if (f.epilogue) {
    const access = f.epilogue === "gelu" ? "read_write" : "read";
    lines.push(`@group(0) @binding(${b++}) var<storage, ${access}> Pre${x} : array<f32>;`);
  }
  return { lines, next: b };
}

/** Workgroup tiles big enough for every tile in `tiles` (shared by the products of a pair). */
function sharedTiles(...tiles: MatMulTile[]): string {
  const a = Math.max(...tiles.map((t) => (t.bk * (t.bm + 4)) / 4));
  const b = Math.max(...tiles.map((t) => (t.bk * (t.bn + 4)) / 4));
  return `var<workgroup> As : array<vec4<f32>, ${a}>;\nvar<workgroup> Bs : array<vec4<f32>, ${b}>;`;
}

/**
 * `fn mm{x}(lid, wid, li)`: one workgroup's tile of one product, reading C{x}, A{x}, B{x} …
 * and the uniforms u.M{x}, u.N{x}, u.K{x}, u.kChunk{x}.
 */
function matMulFn(t: MatMulTile, f: MatMulFlags, x: string): string {
  const g = mmGeometry(t);
  const lines: string[] = [];
  const L = (s: string) => lines.push(s);
  L(`fn mm${x}(lid : vec3<u32>, wid : vec3<u32>, li : u32) {`);
  L(`  let tx = lid.x; let ty = lid.y;`);
  L(`  let m0 = wid.y * ${t.bm}u; let n0 = wid.x * ${t.bn}u;`);
  L(`  let kStart = wid.z * u.kChunk${x}; let kEnd = min(u.K${x}, kStart + u.kChunk${x});`);
  L(`  let Mo = u.M${x}${f.onesRow ? " + 1u" : ""};`);
  for (const [gi, i, h] of accumulators(g)) L(`  var c_${gi}_${i}_${h} = vec4<f32>(0.0);`);
  L(`  for (var k0 = kStart; k0 < kEnd; k0 = k0 + ${t.bk}u) {`);
  stageA(L, t, f, x, g);
  stageB(L, t, f, x, g);
  L(`    workgroupBarrier();`);
  multiplyTiles(L, t, g);
  L(`    workgroupBarrier();`);
  L(`  }`);
  L(`  let base = wid.z * Mo * u.N${x};`);
  storeC(L, f, x, g);
  L(`}`);
  return lines.join("\n");
}

/** A tile's derived sizes: per-thread accumulator blocks, padded strides, loads per thread. */
interface MmGeometry {
  /** vec4 row groups (TM / 4) and column groups (TN / 4) of a thread's accumulators. */
  G: number;
  Hh: number;
  /** Padded row strides of the shared tiles As, Bs. */
  SA: number;
  SB: number;
  /** Elements each of the 256 threads stages per k step, of A and of B. */
  loadsA: number;
  loadsB: number;
}

// The sizes every part of the generated function derives from the tile.
function mmGeometry(t: MatMulTile): MmGeometry {
  const { bm: BM, bn: BN, bk: BK } = t;
  const TM = BM / 16, TN = BN / 16;
  const PAD = 4; // padding of the shared tiles' rows
  return {
    G: TM / 4,
    Hh: TN / 4,
    SA: BM + PAD,
    SB: BN + PAD,
    loadsA: (BM * BK) / 256,
    loadsB: (BN * BK) / 256,
  };
}

// The (g, i, h) of each vec4 accumulator c_g_i_h, in declaration order.
function accumulators({ G, Hh }: MmGeometry): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let g = 0; g < G; g++) {
    for (let i = 0; i < 4; i++) {
      for (let h = 0; h < Hh; h++) out.push([g, i, h]);
    }
  }
  return out;
}

// Stage op(A)[m0 …, k0 …] as As[k][m]; consecutive threads read consecutive addresses.
function stageA(L: (s: string) => void, t: MatMulTile, f: MatMulFlags, x: string, g: MmGeometry) {
  const { bm: BM, bk: BK } = t;
  for (let l = 0; l < g.loadsA; l++) {
    L(`    {`);
    L(`      let e = li + ${l * 256}u;`);
    if (f.transA) L(`      let r = e % ${BM}u; let c = e / ${BM}u;`); // A stored [K, M]: along m
    else L(`      let r = e / ${BK}u; let c = e % ${BK}u;`); // A stored [M, K]: along k
    L(`      let gm = m0 + r; let gk = k0 + c;`);
    L(`      var v = 0.0;`);
    if (f.transA) L(`      if (gm < u.M${x} && gk < kEnd) { v = A${x}[gk * u.M${x} + gm]; }`);
    else L(`      if (gm < u.M${x} && gk < kEnd) { v = A${x}[gm * u.K${x} + gk]; }`);
    if (f.onesRow) L(`      if (gm == u.M${x} && gk < kEnd) { v = 1.0; }`);
    L(`      let s = c * ${g.SA}u + r; As[s / 4u][s % 4u] = v;`);
    L(`    }`);
  }
}

// Stage op(B)[k0 …, n0 …] as Bs[k][n], reading along B's stored rows.
function stageB(L: (s: string) => void, t: MatMulTile, f: MatMulFlags, x: string, g: MmGeometry) {
  const { bn: BN, bk: BK } = t;
  for (let l = 0; l < g.loadsB; l++) {
    L(`    {`);
    L(`      let e = li + ${l * 256}u;`);
    if (f.transB) L(`      let r = e / ${BK}u; let c = e % ${BK}u;`); // B stored [N, K]: along k
    else L(`      let r = e % ${BN}u; let c = e / ${BN}u;`); // B stored [K, N]: along n
    L(`      let gn = n0 + r; let gk = k0 + c;`);
    L(`      var v = 0.0;`);
    if (f.transB) L(`      if (gn < u.N${x} && gk < kEnd) { v = B${x}[gn * u.K${x} + gk]; }`);
    else L(`      if (gn < u.N${x} && gk < kEnd) { v = B${x}[gk * u.N${x} + gn]; }`);
    L(`      let s = c * ${g.SB}u + r; Bs[s / 4u][s % 4u] = v;`);
    L(`    }`);
  }
}

// The staged tiles' product, unrolled over k: each thread's accumulators += a ⊗ b (fma).
function multiplyTiles(L: (s: string) => void, t: MatMulTile, g: MmGeometry) {
  for (let kk = 0; kk < t.bk; kk++) {
    L(`    {`);
    for (let gi = 0; gi < g.G; gi++) {
      L(`      let a${gi} = As[${(kk * g.SA) / 4 + 16 * gi}u + ty];`);
    }
    for (let h = 0; h < g.Hh; h++) L(`      let b${h} = Bs[${(kk * g.SB) / 4 + 16 * h}u + tx];`);
    for (const [gi, i, h] of accumulators(g)) {
      L(`      c_${gi}_${i}_${h} = fma(vec4<f32>(a${gi}[${i}]), b${h}, c_${gi}_${i}_${h});`);
    }
    L(`    }`);
  }
}

// Writes the accumulators to C (bounds-checked), with bias, residual and the GELU epilogue.
function storeC(L: (s: string) => void, f: MatMulFlags, x: string, g: MmGeometry) {
  for (let gi = 0; gi < g.G; gi++) {
    for (let i = 0; i < 4; i++) {
      L(`  {`);
      L(`    let m = m0 + ${64 * gi + i}u + ty * 4u;`);
      L(`    if (m < Mo) {`);
      for (let h = 0; h < g.Hh; h++) {
        for (let j = 0; j < 4; j++) {
          L(`      { let n = n0 + ${64 * h + j}u + tx * 4u;`);
          L(`        if (n < u.N${x}) { ${storeElement(f, x, `c_${gi}_${i}_${h}[${j}]`)} } }`);
        }
      }
      L(`    }`);
      L(`  }`);
    }
  }
}

// The WGSL that stores one accumulator `acc` at C[base + m·N + n] (and Pre, for gelu).
function storeElement(f: MatMulFlags, x: string, acc: string): string {
  const at = `base + m * u.N${x} + n`;
  const v = `${acc}${f.bias ? ` + bias${x}[n]` : ""}${
    f.residual ? ` + R${x}[m * u.N${x} + n]` : ""
  }`;
  return f.epilogue === "gelu"
    ? `let v = ${v}; Pre${x}[${at}] = v; C${x}[${at}] = v * geluSigmoid(v);`
    : f.epilogue === "geluGrad"
    ? `C${x}[${at}] = ${v} * geluDeriv(Pre${x}[${at}]);`
    : `C${x}[${at}] = ${v};`;
}
