/**
 * Sums over the leading axis on WebGPU: split-K partial products, and the column sums of the
 * bias and LayerNorm parameter gradients (Σ over tokens of dy, of dy·x̂).
 *
 * One kernel serves all: thread t owns column t mod C of one block of rows, so consecutive
 * threads read consecutive addresses. Long sums (5,120 tokens) take two launches — blocks of
 * 64 rows, then the ~80 block sums — so thousands of threads share the work instead of a few
 * hundred threads walking every row.
 *
 * @module
 */
import type { tf } from "../../deps.ts";
import { dispatch, flatGrid, type GpuBackend, output } from "./program.ts";

const WG = 256;
/** Rows summed per thread in one launch. */
const BLOCK = 64;

/**
 * Σ over the leading axis of x [R, …] → […] (+ bias per column, + a residual of the result's
 * shape), in one launch: for short R (split-K).
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 * import { gpuBackend } from "./program.ts";
 *
 * const be = gpuBackend();
 * declare const partials: tf.TensorInfo;
 * const c = sumLeading(be, partials); // [S, M, N] → [M, N]
 * ```
 */
export function sumLeading(
  be: GpuBackend,
  x: tf.TensorInfo,
  opts: { bias?: tf.TensorInfo; residual?: tf.TensorInfo } = {},
): tf.TensorInfo {
  const [R, ...rest] = x.shape;
  const C = rest.reduce((a, b) => a * b, 1);
  const out = output(be, rest);
  blockSums(be, out, x, R, C, R, opts.bias ?? null, opts.residual ?? null);
  return out;
}

/**
 * Σ over the leading axis of x [R, …] in one launch, the result split in two: its first
 * `head` elements and the rest (the weight and bias gradients of
 * `gpuMatMulWithColumnSums`, lib/backend/webgpu/matmul.ts).
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 * import { gpuBackend } from "./program.ts";
 *
 * const be = gpuBackend();
 * declare const partials: tf.TensorInfo, K: number, N: number;
 * const [dW, db] = sumLeadingSplit(be, partials, [K, N]); // [S, K + 1, N] → [K, N], [N]
 * ```
 */
export function sumLeadingSplit(
  be: GpuBackend,
  x: tf.TensorInfo,
  headShape: number[],
): [tf.TensorInfo, tf.TensorInfo] {
  const [R, ...rest] = x.shape;
  const C = rest.reduce((a, b) => a * b, 1);
  const head = headShape.reduce((a, b) => a * b, 1);
  const out = output(be, headShape), tail = output(be, [C - head]);
  const grid = flatGrid(Math.ceil(C / WG));
  const code = () => `
struct U { R : u32, C : u32, head : u32 };
@group(0) @binding(0) var<storage, read_write> out : array<f32>;
@group(0) @binding(1) var<storage, read_write> tail : array<f32>;
@group(0) @binding(2) var<storage, read> x : array<f32>;
@group(0) @binding(3) var<uniform> u : U;
@compute @workgroup_size(${WG}, 1, 1)
fn main(@builtin(workgroup_id) wid : vec3<u32>, @builtin(num_workgroups) nwg : vec3<u32>,
        @builtin(local_invocation_index) li : u32) {
  let c = (wid.y * nwg.x + wid.x) * ${WG}u + li;
  if (c >= u.C) { return; }
  var s0 = 0.0; var s1 = 0.0;
  var r = 0u;
  for (; r + 1u < u.R; r = r + 2u) { s0 = s0 + x[r * u.C + c]; s1 = s1 + x[(r + 1u) * u.C + c]; }
  if (r < u.R) { s0 = s0 + x[r * u.C + c]; }
  let s = s0 + s1;
  if (c < u.head) { out[c] = s; } else { tail[c - u.head] = s; }
}`;
  dispatch(be, { key: "toolkit_sum_split", grid, code }, [out, tail], [x], [
    ["u", R],
    ["u", C],
    ["u", head],
  ]);
  return [out, tail];
}

/**
 * Column sums Σ_r x[r, c] of a 2-D x [R, C] (the bias gradient: Σ over tokens of dy).
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 * import { gpuBackend } from "./program.ts";
 *
 * const be = gpuBackend();
 * declare const dy: tf.TensorInfo;
 * const db = columnSums(be, dy);
 * ```
 */
export function columnSums(be: GpuBackend, x: tf.TensorInfo): tf.TensorInfo {
  const [R, C] = x.shape;
  if (R <= 2 * BLOCK) {
    const out = output(be, [C]);
    blockSums(be, out, x, R, C, R, null);
    return out;
  }
  const blocks = Math.ceil(R / BLOCK);
  const partial = output(be, [blocks, C]);
  blockSums(be, partial, x, R, C, BLOCK, null);
  const out = output(be, [C]);
  blockSums(be, out, partial, blocks, C, blocks, null);
  be.disposeData(partial.dataId);
  return out;
}

/**
 * out[b, c] = Σ_{r in block b} x[r, c] (+ bias[c mod its length]) (+ residual[c]) for blocks
 * of `block` rows. The bias is indexed modulo its length because a split-K matmul's [M, N]
 * output is summed here as one flat row of M·N columns, and its bias is per column n = c mod N.
 */
function blockSums(
  be: GpuBackend,
  out: tf.TensorInfo,
  x: tf.TensorInfo,
  R: number,
  C: number,
  block: number,
  bias: tf.TensorInfo | null,
  residual: tf.TensorInfo | null = null,
) {
  const blocks = Math.ceil(R / block);
  const grid = flatGrid(Math.ceil((blocks * C) / WG));
  const key = `toolkit_blocksum${bias ? "_bias" : ""}${residual ? "_res" : ""}`;
  const inputs = [x, ...(bias ? [bias] : []), ...(residual ? [residual] : [])];
  const code = () => {
    const lines = [
      `struct U { R : u32, C : u32, block : u32, total : u32, nb : u32 };`,
      `@group(0) @binding(0) var<storage, read_write> out : array<f32>;`,
      `@group(0) @binding(1) var<storage, read> x : array<f32>;`,
    ];
    let b = 2;
    if (bias) lines.push(`@group(0) @binding(${b++}) var<storage, read> bias : array<f32>;`);
    if (residual) {
      lines.push(`@group(0) @binding(${b++}) var<storage, read> res : array<f32>;`);
    }
    lines.push(
      `@group(0) @binding(${b}) var<uniform> u : U;`,
      `@compute @workgroup_size(${WG}, 1, 1)`,
      `fn main(@builtin(workgroup_id) wid : vec3<u32>, @builtin(num_workgroups) nwg : vec3<u32>,`,
      `        @builtin(local_invocation_index) li : u32) {`,
      `  let t = (wid.y * nwg.x + wid.x) * ${WG}u + li;`,
      `  if (t >= u.total) { return; }`,
      `  let blk = t / u.C; let c = t % u.C;`,
      `  let r0 = blk * u.block; let r1 = min(u.R, r0 + u.block);`,
      `  var s0 = 0.0; var s1 = 0.0; var s2 = 0.0; var s3 = 0.0;`,
      `  var r = r0;`,
      // Four independent sums keep four loads in flight.
      `  for (; r + 3u < r1; r = r + 4u) {`,
      `    s0 = s0 + ${term("r")}; s1 = s1 + ${term("(r + 1u)")};`,
      `    s2 = s2 + ${term("(r + 2u)")}; s3 = s3 + ${term("(r + 3u)")};`,
      `  }`,
      `  for (; r < r1; r = r + 1u) { s0 = s0 + ${term("r")}; }`,
      `  out[t] = (s0 + s1) + (s2 + s3)${bias ? " + bias[c % u.nb]" : ""}${
        residual ? " + res[t]" : ""
      };`,
      `}`,
    );
    return lines.join("\n");
  };
  function term(r: string) {
    return `x[${r} * u.C + c]`;
  }
  dispatch(be, { key, grid, code }, [out], inputs, [
    ["u", R],
    ["u", C],
    ["u", block],
    ["u", blocks * C],
    ["u", bias ? bias.shape.reduce((a, b) => a * b, 1) : 1],
  ]);
}

/** WGSL: two running sums `name0`, `name1` of expr(r) over rows r0 ≤ r < r1, two rows a step. */
const lnSums = (name: string, expr: (r: string) => string) => `
  var ${name}0 = 0.0; var ${name}1 = 0.0;
  var r = r0;
  for (; r + 1u < r1; r = r + 2u) { ${name}0 = ${name}0 + ${expr("r")}; ${name}1 = ${name}1 + ${
  expr("(r + 1u)")
}; }
  if (r < r1) { ${name}0 = ${name}0 + ${expr("r")}; }`;

/** WGSL: the LayerNorm parameter-sum kernels' header, one thread t < u.total per output. */
const lnHead = (bindings: string) => `
struct U { R : u32, C : u32, total : u32 };
${bindings}
@compute @workgroup_size(${WG}, 1, 1)
fn main(@builtin(workgroup_id) wid : vec3<u32>, @builtin(num_workgroups) nwg : vec3<u32>,
        @builtin(local_invocation_index) li : u32) {
  let t = (wid.y * nwg.x + wid.x) * ${WG}u + li;
  if (t >= u.total) { return; }`;

/**
 * [Σ_r dy·x̂, Σ_r dy] over the rows of dy, x̂ [R, C] (LayerNorm's dγ and dβ) in two launches:
 * per block of 64 rows both partial sums side by side in [blocks, 2C], then both totals.
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 * import { gpuBackend } from "./program.ts";
 *
 * const be = gpuBackend();
 * declare const dy: tf.TensorInfo, xhat: tf.TensorInfo;
 * const [dgamma, dbeta] = layerNormParamGrads(be, dy, xhat);
 * ```
 */
export function layerNormParamGrads(
  be: GpuBackend,
  dy: tf.TensorInfo,
  xhat: tf.TensorInfo,
): [tf.TensorInfo, tf.TensorInfo] {
  const [R, C] = dy.shape;
  const blocks = Math.ceil(R / BLOCK);
  const partial = output(be, [blocks, 2 * C]);
  const stage1 = () =>
    lnHead(`@group(0) @binding(0) var<storage, read_write> part : array<f32>;
@group(0) @binding(1) var<storage, read> dy : array<f32>;
@group(0) @binding(2) var<storage, read> xh : array<f32>;
@group(0) @binding(3) var<uniform> u : U;`) + `
  let blk = t / u.C; let c = t % u.C;
  let r0 = blk * ${BLOCK}u; let r1 = min(u.R, r0 + ${BLOCK}u);
  ${lnSums("a", (r) => `dy[${r} * u.C + c] * xh[${r} * u.C + c]`)}
  let a = a0 + a1;
  ${lnSums("b", (r) => `dy[${r} * u.C + c]`).replace("var r = r0;", "r = r0;")}
  part[blk * 2u * u.C + c] = a;
  part[blk * 2u * u.C + u.C + c] = b0 + b1;
}`;
  dispatch(
    be,
    { key: "toolkit_ln_params_1", grid: flatGrid(Math.ceil((blocks * C) / WG)), code: stage1 },
    [partial],
    [dy, xhat],
    [
      ["u", R],
      ["u", C],
      ["u", blocks * C],
    ],
  );
  return layerNormParamTotals(be, partial);
}

/**
 * [dγ, dβ] from per-block partial sums `partial` [blocks, 2C] (Σ dy·x̂ then Σ dy per block of
 * rows, side by side), in one launch; frees `partial`. The second half of
 * {@link layerNormParamGrads}, and what the one-launch LayerNorm backward (layer_norm.ts) ends
 * with.
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 * import { gpuBackend } from "./program.ts";
 *
 * const be = gpuBackend();
 * declare const partial: tf.TensorInfo;
 * const [dgamma, dbeta] = layerNormParamTotals(be, partial);
 * ```
 */
export function layerNormParamTotals(
  be: GpuBackend,
  partial: tf.TensorInfo,
): [tf.TensorInfo, tf.TensorInfo] {
  const [blocks, C2] = partial.shape;
  const C = C2 / 2;
  const dgamma = output(be, [C]), dbeta = output(be, [C]);
  const stage2 = () =>
    lnHead(`@group(0) @binding(0) var<storage, read_write> dg : array<f32>;
@group(0) @binding(1) var<storage, read_write> db : array<f32>;
@group(0) @binding(2) var<storage, read> part : array<f32>;
@group(0) @binding(3) var<uniform> u : U;`) + `
  let c = t;
  let r0 = 0u; let r1 = u.R;
  ${lnSums("a", (r) => `part[${r} * 2u * u.C + c]`)}
  ${lnSums("b", (r) => `part[${r} * 2u * u.C + u.C + c]`).replace("var r = r0;", "r = r0;")}
  dg[c] = a0 + a1;
  db[c] = b0 + b1;
}`;
  dispatch(
    be,
    { key: "toolkit_ln_params_2", grid: flatGrid(Math.ceil(C / WG)), code: stage2 },
    [dgamma, dbeta],
    [partial],
    [
      ["u", blocks],
      ["u", C],
      ["u", C],
    ],
  );
  be.disposeData(partial.dataId);
  return [dgamma, dbeta];
}
