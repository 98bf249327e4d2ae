/**
 * Causal multi-head self-attention on WebGPU, one workgroup per (sequence, head), straight from
 * the fused projection qkv [B·T, 3d] (no split, no head transposes, no T×T matrices in memory).
 *
 * Forward: K and V of the head go to workgroup memory; thread i walks keys j ≤ i with an online
 * softmax (running max and sum) and keeps the output row in registers; it stores the row's
 * log-sum-exp L_i for the gradient. Backward recomputes P_ij = exp(s_ij − L_i):
 * with D_i = dO_i·O_i, dS_ij = P_ij (dO_i·v_j − D_i); first thread i sums dq_i over j ≤ i (K, V
 * shared), then thread j sums dk_j and dv_j over i ≥ j (Q, dO shared).
 *
 * Fits when a head's K and V fit in 16 KiB of workgroup memory: T·(hd + 1) ≤ 2048 floats (paper
 * 1: T 40, hd 32), and hd is a multiple of 4.
 *
 * @module
 */
import type { tf } from "../../deps.ts";
import { dispatch, f32, flatGrid, type GpuBackend, output } from "./program.ts";

const WG = 64;

/**
 * Whether the WGSL attention handles sequence length T and head size hd.
 *
 * @example
 * ```ts
 * gpuAttentionFits(128, 64); // true when the kernel handles T = 128, head size 64
 * ```
 */
export function gpuAttentionFits(T: number, hd: number): boolean {
  return hd % 4 === 0 && T * (hd + 1) <= 2048;
}

interface Geometry {
  B: number;
  H: number;
  T: number;
  d: number;
  hd: number;
}

function geometry(qkv: tf.TensorInfo, batch: number, heads: number): Geometry {
  const [M, d3] = qkv.shape, d = d3 / 3;
  return { B: batch, H: heads, T: M / batch, d, hd: d / heads };
}

/** Shared preamble: bindings are passed in; defines b, h, rowBase for workgroup (b, h). */
function prologue(g: Geometry): string {
  return `
@compute @workgroup_size(${WG}, 1, 1)
fn main(@builtin(workgroup_id) wid : vec3<u32>, @builtin(num_workgroups) nwg : vec3<u32>,
        @builtin(local_invocation_index) li : u32) {
  let bh = wid.y * nwg.x + wid.x;
  if (bh >= u.BH) { return; }
  let b = bh / ${g.H}u; let h = bh % ${g.H}u;
  let rowBase = b * ${g.T}u;
  let hoff = h * ${g.hd}u;`;
}

/** Loads head rows of `src(row, col)` (a WGSL expression builder) into shared vec4 array `dst`. */
function loadShared(g: Geometry, dst: string, src: (row: string, col: string) => string): string {
  const hd4 = g.hd / 4;
  return `
  for (var e = li; e < ${g.T * hd4}u; e = e + ${WG}u) {
    let t = e / ${hd4}u; let c = (e % ${hd4}u) * 4u;
    ${dst}[e] = vec4<f32>(${[0, 1, 2, 3].map((k) => src("t", `c + ${k}u`)).join(", ")});
  }`;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * [out [B·T, d], lse [B·H·T]] of causal attention over the heads of qkv.
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 * import { gpuBackend } from "./program.ts";
 *
 * const be = gpuBackend();
 * declare const qkv: tf.TensorInfo;
 * const [out, lse] = attentionForwardGpu(be, qkv, { batch: 2, heads: 4 });
 * ```
 */
export function attentionForwardGpu(
  be: GpuBackend,
  qkv: tf.TensorInfo,
  opts: { batch: number; heads: number },
): [tf.TensorInfo, tf.TensorInfo] {
  const g = geometry(qkv, opts.batch, opts.heads);
  const { B, H, T, d, hd } = g, hd4 = hd / 4, D3 = 3 * d;
  const out = output(be, [B * T, d]), lse = output(be, [B * H * T]);
  const qk = range(hd4);
  const at = (row: string, col: string, part: number) =>
    `qkv[(rowBase + ${row}) * ${D3}u + ${part * d}u + hoff + ${col}]`;
  const code = () => `
@group(0) @binding(0) var<storage, read_write> out : array<f32>;
@group(0) @binding(1) var<storage, read_write> lse : array<f32>;
@group(0) @binding(2) var<storage, read> qkv : array<f32>;
struct U { BH : u32 };
@group(0) @binding(3) var<uniform> u : U;
var<workgroup> Ks : array<vec4<f32>, ${T * hd4}>;
var<workgroup> Vs : array<vec4<f32>, ${T * hd4}>;
${prologue(g)}
  ${loadShared(g, "Ks", (r, c) => at(r, c, 1))}
  ${loadShared(g, "Vs", (r, c) => at(r, c, 2))}
  workgroupBarrier();
  for (var i = li; i < ${T}u; i = i + ${WG}u) {
    ${
    qk.map((k) =>
      `let q${k} = vec4<f32>(${range(4).map((c) => at("i", `${4 * k + c}u`, 0)).join(", ")}) * ${
        f32(1 / Math.sqrt(hd))
      };`
    ).join("\n    ")
  }
    ${qk.map((k) => `var o${k} = vec4<f32>(0.0);`).join(" ")}
    var mx = -3.0e38;
    var l = 0.0;
    for (var j = 0u; j <= i; j = j + 1u) {
      let kb = j * ${hd4}u;
      let s = ${qk.map((k) => `dot(q${k}, Ks[kb + ${k}u])`).join(" + ")};
      let mNew = max(mx, s);
      let a = exp(mx - mNew);
      let p = exp(s - mNew);
      l = l * a + p;
      ${qk.map((k) => `o${k} = o${k} * a + p * Vs[kb + ${k}u];`).join("\n      ")}
      mx = mNew;
    }
    let inv = 1.0 / l;
    let ob = (rowBase + i) * ${d}u + hoff;
    ${
    qk.map((k) => range(4).map((c) => `out[ob + ${4 * k + c}u] = o${k}[${c}] * inv;`).join(" "))
      .join("\n    ")
  }
    lse[bh * ${T}u + i] = mx + log(l);
  }
}`;
  const key = `toolkit_attn_fwd_T${T}_hd${hd}_H${H}`;
  dispatch(be, { key, grid: flatGrid(B * H), code }, [out, lse], [qkv], [["u", B * H]]);
  return [out, lse];
}

/**
 * dqkv [B·T, 3d] from the output gradient dO [B·T, d], given the forward's qkv, out and lse.
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 * import { gpuBackend } from "./program.ts";
 *
 * const be = gpuBackend();
 * declare const dO: tf.TensorInfo, qkv: tf.TensorInfo, out: tf.TensorInfo, lse: tf.TensorInfo;
 * const dqkv = attentionBackwardGpu(be, dO, qkv, out, lse, { batch: 2, heads: 4 });
 * ```
 */
export function attentionBackwardGpu(
  be: GpuBackend,
  dO: tf.TensorInfo,
  qkv: tf.TensorInfo,
  out: tf.TensorInfo,
  lse: tf.TensorInfo,
  opts: { batch: number; heads: number },
): tf.TensorInfo {
  const g = geometry(qkv, opts.batch, opts.heads);
  const { B, H, T, d, hd } = g;
  const dqkv = output(be, [B * T, 3 * d]);
  const code = () => attentionBackwardWgsl(g);
  const key = `toolkit_attn_bwd_T${T}_hd${hd}_H${H}`;
  dispatch(be, { key, grid: flatGrid(B * H), code }, [dqkv], [dO, qkv, out, lse], [["u", B * H]]);
  return dqkv;
}

/** WGSL expressions of the backward kernel's reads and writes, for geometry g. */
interface BackwardAccess {
  /** vec4 groups of a head (hd / 4), as indices. */
  ks: number[];
  /** 1/√hd as a WGSL literal. */
  scale: string;
  /** qkv[row, part·d + col] of the workgroup's head (part 0: q, 1: k, 2: v). */
  at: (row: string, col: string, part: number) => string;
  /** buf[row, col] of a [B·T, d] buffer (dO, O), in the workgroup's head. */
  atO: (buf: string, row: string, col: string) => string;
  /** The k-th vec4 of a row: f at columns 4k … 4k + 3. */
  vec: (f: (col: string) => string, k: number) => string;
  /** Stores the vec4s name0 … (times `mul`) as part `part` of dqkv's row. */
  write: (row: string, part: number, name: string, mul: string) => string;
}

// The index arithmetic every part of the backward kernel shares.
function backwardAccess(g: Geometry): BackwardAccess {
  const { d, hd } = g, hd4 = hd / 4, D3 = 3 * d;
  const ks = range(hd4);
  return {
    ks,
    scale: f32(1 / Math.sqrt(hd)),
    at: (row, col, part) => `qkv[(rowBase + ${row}) * ${D3}u + ${part * d}u + hoff + ${col}]`,
    atO: (buf, row, col) => `${buf}[(rowBase + ${row}) * ${d}u + hoff + ${col}]`,
    vec: (f, k) => `vec4<f32>(${range(4).map((c) => f(`${4 * k + c}u`)).join(", ")})`,
    write: (row, part, name, mul) =>
      ks.map((k) =>
        range(4).map((c) =>
          `dqkv[(rowBase + ${row}) * ${D3}u + ${part * d}u + hoff + ${
            4 * k + c
          }u] = ${name}${k}[${c}]${mul};`
        ).join(" ")
      )
        .join("\n    "),
  };
}

// The backward kernel: per (b, h) workgroup, the rows' statistics, then dq, then dk and dv.
function attentionBackwardWgsl(g: Geometry): string {
  const { T } = g, hd4 = g.hd / 4;
  const a = backwardAccess(g);
  return `
@group(0) @binding(0) var<storage, read_write> dqkv : array<f32>;
@group(0) @binding(1) var<storage, read> dO : array<f32>;
@group(0) @binding(2) var<storage, read> qkv : array<f32>;
@group(0) @binding(3) var<storage, read> O : array<f32>;
@group(0) @binding(4) var<storage, read> lse : array<f32>;
struct U { BH : u32 };
@group(0) @binding(5) var<uniform> u : U;
var<workgroup> S1 : array<vec4<f32>, ${T * hd4}>;
var<workgroup> S2 : array<vec4<f32>, ${T * hd4}>;
var<workgroup> Ls : array<f32, ${T}>;
var<workgroup> Ds : array<f32, ${T}>;
${prologue(g)}
  ${loadShared(g, "S1", (r, c) => a.at(r, c, 1))}
  ${loadShared(g, "S2", (r, c) => a.at(r, c, 2))}
${rowStatsWgsl(g, a)}
  workgroupBarrier();
${dqWgsl(g, a)}
  workgroupBarrier();
  ${loadShared(g, "S1", (r, c) => a.at(r, c, 0))}
  ${loadShared(g, "S2", (r, c) => a.atO("dO", r, c))}
  workgroupBarrier();
${dkDvWgsl(g, a)}
}`;
}

// Per row e: Ls[e] = its logsumexp from the forward, Ds[e] = dO_e · O_e.
function rowStatsWgsl(g: Geometry, a: BackwardAccess): string {
  return `  for (var e = li; e < ${g.T}u; e = e + ${WG}u) {
    Ls[e] = lse[bh * ${g.T}u + e];
    var s = 0.0;
    for (var c = 0u; c < ${g.hd}u; c = c + 1u) { s = s + ${a.atO("dO", "e", "c")} * ${
    a.atO("O", "e", "c")
  }; }
    Ds[e] = s;
  }`;
}

// dq_i = scale · Σ_{j ≤ i} dS_ij k_j (S1 = K, S2 = V)
function dqWgsl(g: Geometry, a: BackwardAccess): string {
  const { ks, scale, at, atO, vec, write } = a, hd4 = g.hd / 4;
  return `  // dq_i = scale · Σ_{j ≤ i} dS_ij k_j (S1 = K, S2 = V)
  for (var i = li; i < ${g.T}u; i = i + ${WG}u) {
    ${ks.map((k) => `let q${k} = ${vec((c) => at("i", c, 0), k)} * ${scale};`).join("\n    ")}
    ${ks.map((k) => `let g${k} = ${vec((c) => atO("dO", "i", c), k)};`).join("\n    ")}
    ${ks.map((k) => `var dq${k} = vec4<f32>(0.0);`).join(" ")}
    let Li = Ls[i]; let Di = Ds[i];
    for (var j = 0u; j <= i; j = j + 1u) {
      let kb = j * ${hd4}u;
      let p = exp(${ks.map((k) => `dot(q${k}, S1[kb + ${k}u])`).join(" + ")} - Li);
      let ds = p * (${ks.map((k) => `dot(g${k}, S2[kb + ${k}u])`).join(" + ")} - Di);
      ${ks.map((k) => `dq${k} = dq${k} + ds * S1[kb + ${k}u];`).join("\n      ")}
    }
    ${write("i", 0, "dq", ` * ${scale}`)}
  }`;
}

// dk_j = scale · Σ_{i ≥ j} dS_ij q_i, dv_j = Σ_{i ≥ j} P_ij dO_i (S1 = Q, S2 = dO)
function dkDvWgsl(g: Geometry, a: BackwardAccess): string {
  const { ks, scale, at, vec, write } = a, hd4 = g.hd / 4;
  return `  // dk_j = scale · Σ_{i ≥ j} dS_ij q_i, dv_j = Σ_{i ≥ j} P_ij dO_i (S1 = Q, S2 = dO)
  for (var j = li; j < ${g.T}u; j = j + ${WG}u) {
    ${ks.map((k) => `let k${k} = ${vec((c) => at("j", c, 1), k)} * ${scale};`).join("\n    ")}
    ${ks.map((k) => `let v${k} = ${vec((c) => at("j", c, 2), k)};`).join("\n    ")}
    ${ks.map((k) => `var dk${k} = vec4<f32>(0.0); var dv${k} = vec4<f32>(0.0);`).join("\n    ")}
    for (var i = j; i < ${g.T}u; i = i + 1u) {
      let ib = i * ${hd4}u;
      let p = exp(${ks.map((k) => `dot(k${k}, S1[ib + ${k}u])`).join(" + ")} - Ls[i]);
      ${ks.map((k) => `dv${k} = dv${k} + p * S2[ib + ${k}u];`).join("\n      ")}
      let ds = p * (${ks.map((k) => `dot(v${k}, S2[ib + ${k}u])`).join(" + ")} - Ds[i]);
      ${ks.map((k) => `dk${k} = dk${k} + ds * S1[ib + ${k}u];`).join("\n      ")}
    }
    ${write("j", 1, "dk", ` * ${scale}`)}
    ${write("j", 2, "dv", "")}
  }`;
}
