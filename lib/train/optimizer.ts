import { tf } from "../deps.ts";
import { fusedKernels } from "../backend/fast_path.ts";
import { simdKernels } from "../backend/simd_kernels.ts";
import { f32Index, markWritten, sizeOf, type WasmBackend } from "../backend/wasm_heap.ts";
import { type AdamStepConstants, adamStepGpu } from "../backend/webgpu/elementwise.ts";
import { type GpuBackend, gpuBackend, gpuKernels } from "../backend/webgpu/program.ts";
import {
  disposeFlatAdam,
  flatAdamStepGpu,
  leaveFlatAdam,
  syncFlatAdam,
} from "../backend/webgpu/flat_adam.ts";
import type { NamedArray } from "../store/checkpoint.ts";
import type { Params } from "../model/transformer.ts";

/** Adam hyper-parameters. */
export interface AdamConfig {
  /** Learning rate. Paper 1: 1e-4. */
  lr: number;
  /** (β1, β2). Paper 1: (0.9, 0.9999); PyTorch default (0.9, 0.999). */
  betas: [number, number];
  /** Denominator epsilon. Default 1e-8 (PyTorch's). */
  eps: number;
  /** Decoupled weight decay (AdamW). Default 0 (plain Adam, as paper 1). */
  weightDecay: number;
}

/** Adam defaults: paper 1's values. */
export const DEFAULT_ADAM: AdamConfig = {
  lr: 1e-4,
  betas: [0.9, 0.9999],
  eps: 1e-8,
  weightDecay: 0,
};

/**
 * Adam (AdamW when weightDecay > 0) with PyTorch's update rule, whose moment estimates are
 * plain named tensors so they go into checkpoints and a resumed run continues exactly.
 *
 * p ← p − lr·wd·p (decoupled); m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²;
 * p ← p − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + eps).
 *
 * On wasm the update is one SIMD loop per parameter over the heap that rewrites p, m and v in
 * place (instead of ~12 tfjs kernels and 3 new tensors per parameter), bit for bit the tfjs-op
 * result; on webgpu it is ONE WGSL launch over all parameters, kept with both moments in flat
 * buffers (lib/backend/webgpu/flat_adam.ts; else one launch per parameter, in place; float32 GPU
 * arithmetic, equal to the tfjs path to rounding). A tensor whose memory is shared (refCount >
 * 1, e.g. a live clone) takes the tfjs path.
 *
 * @example
 * ```ts
 * import { RegressionTransformer, SparseRegressionTask, tf } from "toolkit";
 *
 * const model = new RegressionTransformer({ nLayers: 2 });
 * const batch = new SparseRegressionTask({ seed: 0 }).sample(8);
 * const adam = new Adam(model.params, { lr: 1e-3 });
 * const { grads } = tf.variableGrads(() => model.loss(batch));
 * adam.apply(grads);
 * ```
 */
export class Adam {
  readonly config: AdamConfig;
  step = 0;
  #m = new Map<string, tf.Variable>();
  #v = new Map<string, tf.Variable>();

  constructor(readonly params: Params, config: Partial<AdamConfig> = {}) {
    this.config = { ...DEFAULT_ADAM, ...config };
    for (const [name, p] of Object.entries(params)) {
      // tidy frees the zeros tensor; the variable keeps its own reference to the data.
      this.#m.set(name, tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
      this.#v.set(name, tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
    }
  }

  /** Applies one update from gradients keyed by parameter name, at learning rate `lr` (default: config). */
  apply(grads: tf.NamedTensorMap, opts: { lr?: number } = {}) {
    this.step++;
    const { betas: [b1, b2], eps, weightDecay } = this.config;
    const lr = opts.lr ?? this.config.lr;
    const bc1 = 1 - b1 ** this.step, bc2 = 1 - b2 ** this.step;
    const stepSize = lr / bc1, sqrtBc2 = Math.sqrt(bc2);
    const hyper = {
      b1,
      b2,
      eps,
      stepSize,
      sqrtBc2,
      decay: weightDecay > 0 ? 1 - lr * weightDecay : null,
    };
    const be = fusedKernels() ? tf.backend() as unknown as WasmBackend : null;
    const gpu = gpuKernels() ? gpuBackend() : null;
    // webgpu: every parameter in one launch when it can (lib/backend/webgpu/flat_adam.ts);
    // else the flat state, if any, goes back to the variables first.
    const moments = { m: this.#m, v: this.#v }, webgpu = webgpuBackend();
    if (gpu && flatAdamStepGpu(gpu, this.params, moments, grads, hyper)) return;
    if (webgpu) leaveFlatAdam(webgpu, moments);
    tf.tidy(() => {
      for (const [name, g] of Object.entries(grads)) {
        const p = this.params[name], m = this.#m.get(name)!, v = this.#v.get(name)!;
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
        const base = weightDecay > 0 ? tf.mul(p, 1 - lr * weightDecay) : p;
        p.assign(
          tf.sub(base, tf.mul(tf.div(m1, tf.add(tf.div(tf.sqrt(v1), sqrtBc2), eps)), stepSize)),
        );
      }
    });
  }

  /** The moment estimates as named arrays (`adam.m.NAME`, `adam.v.NAME`) for a checkpoint. */
  async state(): Promise<Record<string, NamedArray>> {
    const webgpu = webgpuBackend();
    if (webgpu) syncFlatAdam(webgpu, { m: this.#m, v: this.#v });
    const out: Record<string, NamedArray> = {};
    for (const [kind, map] of [["m", this.#m], ["v", this.#v]] as const) {
      for (const [name, t] of map) {
        out[`adam.${kind}.${name}`] = { data: (await t.data()) as Float32Array, shape: t.shape };
      }
    }
    return out;
  }

  /** Restores moments and the step count written by {@link state}. */
  load(state: Record<string, NamedArray>, step: number) {
    for (const [kind, map] of [["m", this.#m], ["v", this.#v]] as const) {
      for (const [name, t] of map) {
        const s = state[`adam.${kind}.${name}`];
        if (!s) throw new Error(`checkpoint lacks optimizer state adam.${kind}.${name}`);
        tf.tidy(() => t.assign(tf.tensor(s.data, t.shape)));
      }
    }
    this.step = step;
  }

  /** Frees the moment tensors. */
  dispose() {
    disposeFlatAdam(webgpuBackend(), { m: this.#m, v: this.#v });
    for (const t of [...this.#m.values(), ...this.#v.values()]) t.dispose();
  }
}

/**
 * One Adam step for one parameter on the wasm heap; false when a tensor's memory is shared.
 * Bit-for-bit the tfjs path above: the same operations in the same order, each rounded to
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

/**
 * The webgpu backend when it has been created (active or not: a flat Adam state may live on
 * it while another backend runs), else null.
 */
function webgpuBackend(): GpuBackend | null {
  return tf.engine().registryFactory["webgpu"] && tf.engine().registry["webgpu"]
    ? tf.engine().registry["webgpu"] as unknown as GpuBackend
    : null;
}

/** Whether none of the tensors shares its GPU buffer (safe to update in place). */
function unshared(be: GpuBackend, ts: tf.Tensor[]): boolean {
  return ts.every((t) => t.dtype === "float32" && be.tensorMap.get(t.dataId)?.refCount === 1);
}
