import { tf } from "../deps.ts";
import { adamUpdate, disposeAdamState, syncAdamState } from "../backend/adam.ts";
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
 * The update itself is the backend's op `adamUpdate` (lib/backend/adam.ts), which picks the
 * kernel: on wasm one SIMD loop per parameter, in place; on webgpu ONE launch over all
 * parameters, kept with both moments in flat buffers; else tfjs ops.
 *
 * @example
 * ```ts
 * import { RegressionTransformer, tf } from "toolkit";
 * import { SparseRegressionTask } from "toolkit/data";
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
    adamUpdate({ params: this.params, m: this.#m, v: this.#v }, grads, hyper);
  }

  /** The moment estimates as named arrays (`adam.m.NAME`, `adam.v.NAME`) for a checkpoint. */
  async state(): Promise<Record<string, NamedArray>> {
    // The moments may live in the backend's flat buffers: bring them back first.
    syncAdamState({ m: this.#m, v: this.#v });
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
    disposeAdamState({ m: this.#m, v: this.#v });
    for (const t of [...this.#m.values(), ...this.#v.values()]) t.dispose();
  }
}
