/**
 * Element-wise WGSL kernels: GELU each way, and the Adam update in place.
 *
 * Each replaces a chain of tfjs kernels (GELU's tanh form is ~8 element-wise ops forward and
 * more backward; Adam ~12 per parameter plus three new tensors) by one launch: on an H100 a
 * launch costs ~15 µs of CPU whatever it does (spec/00_stack.md), so the count is what matters.
 *
 * @module
 */
import type { tf } from "../../deps.ts";
import { dispatch, f32, flatGrid, type GpuBackend, output, type Uniform } from "./program.ts";

const WG = 256;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const GELU_K = 0.044715;

function header(outs: string[], ins: string[], uniforms: string, n = "u.n"): string {
  const lines = outs.map((n, i) =>
    `@group(0) @binding(${i}) var<storage, read_write> ${n} : array<f32>;`
  );
  ins.forEach((n, i) =>
    lines.push(`@group(0) @binding(${outs.length + i}) var<storage, read> ${n} : array<f32>;`)
  );
  lines.push(
    `struct U { ${uniforms} };`,
    `@group(0) @binding(${outs.length + ins.length}) var<uniform> u : U;`,
  );
  lines.push(
    `@compute @workgroup_size(${WG}, 1, 1)`,
    `fn main(@builtin(workgroup_id) wid : vec3<u32>, @builtin(num_workgroups) nwg : vec3<u32>,`,
    `        @builtin(local_invocation_index) li : u32) {`,
    `  let i = (wid.y * nwg.x + wid.x) * ${WG}u + li;`,
    `  if (i >= ${n}) { return; }`,
  );
  return lines.join("\n");
}

/** σ(2c·(x + K·x³)) as WGSL, stable for large |x| (exp of a non-positive argument only). */
const SIGMOID_FN = `
fn geluSigmoid(x : f32) -> f32 {
  let z = ${f32(2 * SQRT_2_OVER_PI)} * x * (1.0 + ${f32(GELU_K)} * x * x);
  let e = exp(-abs(z));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), z >= 0.0);
}`;

/**
 * WGSL functions `geluSigmoid(u)` (GELU(u) = u·geluSigmoid(u)) and `geluDeriv(u)` (GELU′(u)),
 * the arithmetic of the GELU kernels below, for kernels that fuse GELU into a matmul's
 * epilogue (lib/backend/webgpu/matmul.ts) and must give the same numbers.
 */
export const GELU_WGSL = SIGMOID_FN + `
fn geluDeriv(v : f32) -> f32 {
  let g = geluSigmoid(v);
  return g + v * g * (1.0 - g) * ${f32(2 * SQRT_2_OVER_PI)} * (1.0 + ${f32(3 * GELU_K)} * v * v);
}`;

/**
 * [y, s] of GELU (tanh form) over u: y = u·s with s = σ(2c·(u + 0.044715u³)) kept for the
 * gradient (the same formula as the tfjs and wasm paths).
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 * import { gpuBackend } from "./program.ts";
 *
 * const be = gpuBackend();
 * declare const u: tf.TensorInfo;
 * const [y, s] = geluForwardGpu(be, u);
 * ```
 */
export function geluForwardGpu(be: GpuBackend, u: tf.TensorInfo): [tf.TensorInfo, tf.TensorInfo] {
  const n = u.shape.reduce((a, b) => a * b, 1);
  const y = output(be, u.shape), s = output(be, u.shape);
  const code = () =>
    SIGMOID_FN + "\n" + header(["y", "s"], ["x"], "n : u32") + `
  let v = x[i];
  let g = geluSigmoid(v);
  s[i] = g;
  y[i] = v * g;
}`;
  dispatch(be, { key: "toolkit_gelu_fwd", grid: flatGrid(Math.ceil(n / WG)), code }, [y, s], [u], [[
    "u",
    n,
  ]]);
  return [y, s];
}

/**
 * du = dy · (s + u·s·(1 − s)·2c·(1 + 3·0.044715u²)).
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 * import { gpuBackend } from "./program.ts";
 *
 * const be = gpuBackend();
 * declare const dy: tf.TensorInfo, u: tf.TensorInfo, s: tf.TensorInfo;
 * const du = geluBackwardGpu(be, dy, u, s);
 * ```
 */
export function geluBackwardGpu(
  be: GpuBackend,
  dy: tf.TensorInfo,
  u: tf.TensorInfo,
  s: tf.TensorInfo,
): tf.TensorInfo {
  const n = u.shape.reduce((a, b) => a * b, 1);
  const du = output(be, u.shape);
  const code = () =>
    header(["du"], ["dy", "x", "s"], "n : u32") + `
  let v = x[i]; let g = s[i];
  du[i] = dy[i] * (g + v * g * (1.0 - g) * ${f32(2 * SQRT_2_OVER_PI)} * (1.0 + ${
      f32(3 * GELU_K)
    } * v * v));
}`;
  dispatch(be, { key: "toolkit_gelu_bwd", grid: flatGrid(Math.ceil(n / WG)), code }, [du], [
    dy,
    u,
    s,
  ], [["u", n]]);
  return du;
}

/** Adam's per-step constants (see lib/train/optimizer.ts). */
export interface AdamStepConstants {
  b1: number;
  b2: number;
  eps: number;
  stepSize: number;
  sqrtBc2: number;
  /** 1 − lr·weightDecay, or null without decay. */
  decay: number | null;
}

/**
 * One Adam step over p, m, v in place, from gradient g (all the same size):
 * m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²; p ← p·decay − stepSize · m / (√v/√bc2 + eps).
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 * import { gpuBackend } from "./program.ts";
 *
 * const be = gpuBackend();
 * declare const p: tf.TensorInfo, m: tf.TensorInfo, v: tf.TensorInfo, g: tf.TensorInfo;
 * adamStepGpu(be, p, m, v, g, { b1: 0.9, b2: 0.999, eps: 1e-8, stepSize: 1e-3, sqrtBc2: 1, decay: null });
 * ```
 */
export function adamStepGpu(
  be: GpuBackend,
  p: tf.TensorInfo,
  m: tf.TensorInfo,
  v: tf.TensorInfo,
  g: tf.TensorInfo,
  h: AdamStepConstants,
) {
  const n = p.shape.reduce((a, b) => a * b, 1);
  const code = () =>
    // The size comes from the buffer (tfjs sizes a tensor's buffer exactly), so every parameter
    // of a step shares one uniform buffer of that step's constants.
    header(
      ["p", "m", "v"],
      ["g"],
      "b1 : f32, c1 : f32, b2 : f32, c2 : f32, eps : f32, step : f32, sqrtBc2 : f32, decay : f32",
      "arrayLength(&g)",
    ) + ADAM_STEP_WGSL;
  const grid = flatGrid(Math.ceil(n / WG));
  dispatch(be, { key: "toolkit_adam", grid, code }, [p, m, v], [g], adamUniforms(h));
}

/**
 * WGSL: Adam's update of element i (after the kernel's header), one arithmetic for the
 * per-parameter kernel here and the flat one (flat_adam.ts), so both paths give identical numbers.
 */
export const ADAM_STEP_WGSL = `
  let gi = g[i];
  let mi = m[i] * u.b1 + gi * u.c1;
  let vi = v[i] * u.b2 + (gi * gi) * u.c2;
  m[i] = mi;
  v[i] = vi;
  p[i] = p[i] * u.decay - (mi / (sqrt(vi) / u.sqrtBc2 + u.eps)) * u.step;
}`;

/** The uniforms of {@link ADAM_STEP_WGSL}: b1, 1 − b1, b2, 1 − b2, eps, step size, √bc2, decay. */
export function adamUniforms(h: AdamStepConstants): Uniform[] {
  return [
    ["f", h.b1],
    ["f", 1 - h.b1],
    ["f", h.b2],
    ["f", 1 - h.b2],
    ["f", h.eps],
    ["f", h.stepSize],
    ["f", h.sqrtBc2],
    ["f", h.decay ?? 1],
  ];
}
