/**
 * LayerNorm over the rows of x [M, d] on WebGPU: one workgroup of 64 threads per row, each
 * direction one launch for the row-wise part (plus the column sums of the parameter gradients,
 * lib/backend/webgpu/reduce.ts). tfjs's moments path costs ~9 launches each way.
 *
 * @module
 */
import type { tf } from "../../deps.ts";
import { dispatch, flatGrid, type GpuBackend, output } from "./program.ts";
import { layerNormParamTotals } from "./reduce.ts";

const WG = 64;

/** Tree sum of `v` over the workgroup via shared `red` (all threads get the total). */
function workgroupSum(v: string, out: string): string {
  return `
  red[li] = ${v};
  workgroupBarrier();
  for (var w = ${WG / 2}u; w > 0u; w = w / 2u) {
    if (li < w) { red[li] = red[li] + red[li + w]; }
    workgroupBarrier();
  }
  let ${out} = red[0];
  workgroupBarrier();`;
}

const PROLOGUE = `
@compute @workgroup_size(${WG}, 1, 1)
fn main(@builtin(workgroup_id) wid : vec3<u32>, @builtin(num_workgroups) nwg : vec3<u32>,
        @builtin(local_invocation_index) li : u32) {
  let row = wid.y * nwg.x + wid.x;
  // Whole workgroups leave together, so the barriers below stay in uniform control flow.
  if (row >= u.M) { return; }
  let o = row * u.d;`;

/**
 * [y, x̂, rstd [M]] of LayerNorm: x̂ = (x − mean)·rstd, rstd = 1/√(var + eps), y = x̂·γ + β.
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 * import { gpuBackend } from "./program.ts";
 *
 * const be = gpuBackend();
 * declare const x: tf.TensorInfo, gamma: tf.TensorInfo, beta: tf.TensorInfo;
 * const [y, xhat, rstd] = layerNormForwardGpu(be, x, gamma, beta, 1e-5);
 * ```
 */
export function layerNormForwardGpu(
  be: GpuBackend,
  x: tf.TensorInfo,
  gamma: tf.TensorInfo,
  beta: tf.TensorInfo,
  eps: number,
): tf.TensorInfo[] {
  const [M, d] = x.shape;
  const y = output(be, [M, d]), xhat = output(be, [M, d]), rstd = output(be, [M]);
  const code = () => `
@group(0) @binding(0) var<storage, read_write> y : array<f32>;
@group(0) @binding(1) var<storage, read_write> xh : array<f32>;
@group(0) @binding(2) var<storage, read_write> rs : array<f32>;
@group(0) @binding(3) var<storage, read> x : array<f32>;
@group(0) @binding(4) var<storage, read> gamma : array<f32>;
@group(0) @binding(5) var<storage, read> beta : array<f32>;
struct U { M : u32, d : u32, eps : f32 };
@group(0) @binding(6) var<uniform> u : U;
var<workgroup> red : array<f32, ${WG}>;
${PROLOGUE}
  var s = 0.0;
  for (var c = li; c < u.d; c = c + ${WG}u) { s = s + x[o + c]; }
  ${workgroupSum("s", "total")}
  let mean = total / f32(u.d);
  var q = 0.0;
  for (var c = li; c < u.d; c = c + ${WG}u) { let t = x[o + c] - mean; q = q + t * t; }
  ${workgroupSum("q", "sq")}
  let r = inverseSqrt(sq / f32(u.d) + u.eps);
  for (var c = li; c < u.d; c = c + ${WG}u) {
    let h = (x[o + c] - mean) * r;
    xh[o + c] = h;
    y[o + c] = h * gamma[c] + beta[c];
  }
  if (li == 0u) { rs[row] = r; }
}`;
  dispatch(be, { key: "toolkit_ln_fwd", grid: flatGrid(M), code }, [y, xhat, rstd], [
    x,
    gamma,
    beta,
  ], [
    ["u", M],
    ["u", d],
    ["f", eps],
  ]);
  return [y, xhat, rstd];
}

/** Rows per workgroup of the LayerNorm backward (its parameter partial sums are per block). */
const ROWS = 16;

/**
 * [dx, dγ, dβ]: with g = dy·γ, dx = rstd·(g − mean(g) − x̂·mean(g·x̂)); dγ = Σ dy·x̂; dβ = Σ dy.
 * Two launches: one workgroup per block of 16 rows computes dx row by row and the block's
 * partial sums of dy·x̂ and dy (in registers, each thread its columns); then the partials are
 * summed (`layerNormParamTotals`). One launch fewer than a row kernel plus two reductions.
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 * import { gpuBackend } from "./program.ts";
 *
 * const be = gpuBackend();
 * declare const dy: tf.TensorInfo, xhat: tf.TensorInfo, rstd: tf.TensorInfo, gamma: tf.TensorInfo;
 * const [dx, dgamma, dbeta] = layerNormBackwardGpu(be, dy, xhat, rstd, gamma);
 * ```
 */
export function layerNormBackwardGpu(
  be: GpuBackend,
  dy: tf.TensorInfo,
  xhat: tf.TensorInfo,
  rstd: tf.TensorInfo,
  gamma: tf.TensorInfo,
): tf.TensorInfo[] {
  const [M, d] = dy.shape;
  const J = Math.max(1, Math.ceil(d / WG)); // columns per thread
  const blocks = Math.ceil(M / ROWS);
  const dx = output(be, [M, d]), partial = output(be, [blocks, 2 * d]);
  const code = () => `
@group(0) @binding(0) var<storage, read_write> dx : array<f32>;
@group(0) @binding(1) var<storage, read_write> part : array<f32>;
@group(0) @binding(2) var<storage, read> dy : array<f32>;
@group(0) @binding(3) var<storage, read> xh : array<f32>;
@group(0) @binding(4) var<storage, read> rs : array<f32>;
@group(0) @binding(5) var<storage, read> gamma : array<f32>;
struct U { M : u32, d : u32, blocks : u32 };
@group(0) @binding(6) var<uniform> u : U;
var<workgroup> red : array<f32, ${WG}>;
@compute @workgroup_size(${WG}, 1, 1)
fn main(@builtin(workgroup_id) wid : vec3<u32>, @builtin(num_workgroups) nwg : vec3<u32>,
        @builtin(local_invocation_index) li : u32) {
  let blk = wid.y * nwg.x + wid.x;
  // Whole workgroups leave together, so the barriers below stay in uniform control flow.
  if (blk >= u.blocks) { return; }
  var aG : array<f32, ${J}>;
  var aB : array<f32, ${J}>;
  let r1 = min(u.M, (blk + 1u) * ${ROWS}u);
  for (var row = blk * ${ROWS}u; row < r1; row = row + 1u) {
    let o = row * u.d;
    var s = 0.0;
    var sx = 0.0;
    for (var j = 0u; j < ${J}u; j = j + 1u) {
      let c = li + j * ${WG}u;
      if (c < u.d) {
        let g = dy[o + c] * gamma[c];
        s = s + g;
        sx = sx + g * xh[o + c];
      }
    }
    ${workgroupSum("s", "sg")}
    ${workgroupSum("sx", "sgx")}
    let mg = sg / f32(u.d);
    let mgx = sgx / f32(u.d);
    let r = rs[row];
    for (var j = 0u; j < ${J}u; j = j + 1u) {
      let c = li + j * ${WG}u;
      if (c < u.d) {
        let gy = dy[o + c];
        let h = xh[o + c];
        dx[o + c] = r * (gy * gamma[c] - mg - h * mgx);
        aG[j] = aG[j] + gy * h;
        aB[j] = aB[j] + gy;
      }
    }
  }
  for (var j = 0u; j < ${J}u; j = j + 1u) {
    let c = li + j * ${WG}u;
    if (c < u.d) {
      part[blk * 2u * u.d + c] = aG[j];
      part[blk * 2u * u.d + u.d + c] = aB[j];
    }
  }
}`;
  dispatch(
    be,
    { key: `toolkit_ln_bwd_rows${ROWS}_j${J}`, grid: flatGrid(blocks), code },
    [dx, partial],
    [dy, xhat, rstd, gamma],
    [["u", M], ["u", d], ["u", blocks]],
  );
  return [dx, ...layerNormParamTotals(be, partial)];
}
