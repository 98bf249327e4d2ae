/**
 * Adam's update as a backend op: one call per step, and the op picks the kernel for the running
 * backend, so the optimizer (lib/train/optimizer.ts) holds the rule and none of the kernels.
 *
 * On wasm the update is one SIMD loop per parameter over the heap that rewrites p, m and v in
 * place (instead of ~12 tfjs kernels and 3 new tensors per parameter), bit for bit the tfjs-op
 * result; on webgpu it is ONE WGSL launch over all parameters, kept with both moments in flat
 * buffers (lib/backend/webgpu/flat_adam.ts; else one launch per parameter, in place; float32 GPU
 * arithmetic, equal to the tfjs path to rounding). A tensor whose memory is shared (refCount > 1, e.g. a
 * live clone) takes the tfjs path.
 *
 * @module
 */
import { tf } from "../deps.ts";
import { fusedKernels } from "./fast_path.ts";
import { simdKernels } from "./simd_kernels.ts";
import { f32Index, markWritten, sizeOf, type WasmBackend } from "./wasm_heap.ts";
import { type AdamStepConstants, adamStepGpu } from "./webgpu/elementwise.ts";
import { type GpuBackend, gpuBackend, gpuKernels } from "./webgpu/program.ts";
import {
  disposeFlatAdam,
  flatAdamStepGpu,
  leaveFlatAdam,
  syncFlatAdam,
} from "./webgpu/flat_adam.ts";

export type { AdamStepConstants };

/** The tensors Adam updates in place, keyed by parameter name. */
export interface AdamSlots {
  /** The parameters. */
  params: Record<string, tf.Variable>;
  /** First-moment estimates, one per parameter. */
  m: Map<string, tf.Variable>;
  /** Second-moment estimates, one per parameter. */
  v: Map<string, tf.Variable>;
}

/**
 * One Adam step for every parameter that has a gradient, in place, on the fastest kernel the
 * running backend offers for each tensor:
 * p ← p·decay; m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²; p ← p − stepSize · m / (√v/√bc2 + eps).
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 *
 * const p = tf.variable(tf.ones([4])), m = tf.variable(tf.zeros([4])), v = tf.variable(tf.zeros([4]));
 * const hyper = { b1: 0.9, b2: 0.999, eps: 1e-8, stepSize: 1e-3 / 0.1, sqrtBc2: Math.sqrt(0.001), decay: null };
 * adamUpdate({ params: { p }, m: new Map([["p", m]]), v: new Map([["p", v]]) }, { p: tf.ones([4]) }, hyper);
 * ```
 */
export function adamUpdate(
  slots: AdamSlots,
  grads: tf.NamedTensorMap,
  hyper: AdamStepConstants,
): void {
  const { b1, b2, eps, stepSize, sqrtBc2, decay } = hyper;
  const be = fusedKernels() ? tf.backend() as unknown as WasmBackend : null;
  const gpu = gpuKernels() ? gpuBackend() : null;
  // webgpu: every parameter in one launch when it can; else the flat state, if any, goes back
  // to the variables first.
  const moments = { m: slots.m, v: slots.v }, webgpu = webgpuBackend();
  if (gpu && flatAdamStepGpu(gpu, slots.params, moments, grads, hyper)) return;
  if (webgpu) leaveFlatAdam(webgpu, moments);
  tf.tidy(() => {
    for (const [name, g] of Object.entries(grads)) {
      const p = slots.params[name], m = slots.m.get(name)!, v = slots.v.get(name)!;
      if (!p) continue;
      if (be && adamInPlace(be, p, m, v, g, hyper)) continue;
      if (gpu && unshared(gpu, [p, m, v]) && g.dtype === "float32") {
        adamStepGpu(gpu, p, m, v, g, hyper);
        continue;
      }
      const m1 = tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1));
      const v1 = tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2));
      m.assign(m1);
      v.assign(v1);
      const base = decay !== null ? tf.mul(p, decay) : p;
      p.assign(
        tf.sub(base, tf.mul(tf.div(m1, tf.add(tf.div(tf.sqrt(v1), sqrtBc2), eps)), stepSize)),
      );
    }
  });
}

/**
 * One Adam step for one parameter on the wasm heap; false when a tensor's memory is shared.
 * Bit-for-bit the tfjs path of {@link adamUpdate}: the same operations in the same order, each rounded to
 * float32 (Math.fround; a float32 +, −, ×, ÷ or √ computed in double and rounded once is the
 * correctly rounded float32 result), so the two paths can be mixed within a run.
 */
function adamInPlace(
  be: WasmBackend,
  p: tf.Variable,
  m: tf.Variable,
  v: tf.Variable,
  g: tf.Tensor,
  h: AdamStepConstants,
): boolean {
  for (const t of [p, m, v]) {
    if (be.dataIdMap.get(t.dataId)?.refCount !== 1 || t.dtype !== "float32") return false;
  }
  if (g.dtype !== "float32") return false;
  const H = be.wasm.HEAPF32, n = sizeOf(p.shape);
  const po = f32Index(be, p), mo = f32Index(be, m), vo = f32Index(be, v), go = f32Index(be, g);
  const f = Math.fround;
  const b1 = f(h.b1), c1 = f(1 - h.b1), b2 = f(h.b2), c2 = f(1 - h.b2), eps = f(h.eps);
  const stepSize = f(h.stepSize), sqrtBc2 = f(h.sqrtBc2), decay = h.decay === null ? 1 : f(h.decay);
  // x·1 is x exactly, so "no decay" is decay = 1 on both paths.
  const k = simdKernels(be.wasm.asm.memory);
  const done = k ? n - (n % 4) : 0;
  if (k && done) {
    k.adam(po * 4, mo * 4, vo * 4, go * 4, done, b1, c1, b2, c2, eps, stepSize, sqrtBc2, decay);
  }
  for (let i = done; i < n; i++) {
    const gi = H[go + i];
    const mi = f(f(H[mo + i] * b1) + f(gi * c1));
    const vi = f(f(H[vo + i] * b2) + f(f(gi * gi) * c2));
    H[mo + i] = mi;
    H[vo + i] = vi;
    const base = f(H[po + i] * decay);
    H[po + i] = base - f(f(mi / f(f(f(Math.sqrt(vi)) / sqrtBc2) + eps)) * stepSize);
  }
  for (const t of [p, m, v]) markWritten(be, t);
  return true;
}

/** Whether none of the tensors shares its GPU buffer (safe to update in place). */
function unshared(be: GpuBackend, ts: tf.Tensor[]): boolean {
  return ts.every((t) => t.dtype === "float32" && be.tensorMap.get(t.dataId)?.refCount === 1);
}

/**
 * Brings Adam's moments back into their variables when the backend keeps them elsewhere (the
 * webgpu flat buffers): before reading them, e.g. for a checkpoint.
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 *
 * const m = new Map([["p", tf.variable(tf.zeros([4]))]]), v = new Map([["p", tf.variable(tf.zeros([4]))]]);
 * syncAdamState({ m, v });
 * ```
 */
export function syncAdamState(moments: Pick<AdamSlots, "m" | "v">): void {
  const webgpu = webgpuBackend();
  if (webgpu) syncFlatAdam(webgpu, moments);
}

/**
 * Frees what the backend holds for Adam's moments (the webgpu flat buffers), before the moment
 * variables themselves are disposed.
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 *
 * const m = new Map([["p", tf.variable(tf.zeros([4]))]]), v = new Map([["p", tf.variable(tf.zeros([4]))]]);
 * disposeAdamState({ m, v });
 * ```
 */
export function disposeAdamState(moments: Pick<AdamSlots, "m" | "v">): void {
  disposeFlatAdam(webgpuBackend(), moments);
}

/**
 * The webgpu backend when it has been created (active or not: a flat Adam state may live on
 * it while another backend runs), else null.
 */
function webgpuBackend(): GpuBackend | null {
  return tf.engine().registryFactory["webgpu"] && tf.engine().registry["webgpu"]
    ? tf.engine().registry["webgpu"] as unknown as GpuBackend
    : null;
}
