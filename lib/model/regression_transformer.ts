/**
 * The regression transformer of paper 1 (Garg et al. 2022's in-context regression set-up):
 * tokens x_1, [y_1, 0…0], x_2, … each a D-vector, linearly read in to d_model, plus learned
 * positions, through the decoder stack, linearly read out to one number per token. The
 * prediction ŷ_i is read at the x_i token (causal, so y_i is unseen); the loss is the MSE over
 * the n predictions.
 *
 * @module
 */
import { tf } from "../deps.ts";
import { dense } from "../backend/dense.ts";
import { Rng } from "../util/rng.ts";
import { regressionConfig, type RegressionTransformerConfig } from "./config.ts";
import type { ForwardHooks, HookResults } from "./hooks.ts";
import {
  addPositions,
  blockParamSpecs,
  makeParams,
  type ParamInit,
  type Params,
  runStack,
  type StackOptions,
} from "./transformer.ts";

/** The part of a regression batch the model reads (see `lib/tasks` for the generators). */
export interface RegressionInput {
  batch: number;
  nPoints: number;
  dim: number;
  /** [batch, 2·nPoints, tokenDim]: x_1, [y_1, 0, …], x_2, … */
  tokens: Float32Array;
  /** Token width when it is not `dim` (y in its own input dimension). */
  tokenDim?: number;
  /** [batch, nPoints] targets. */
  ys: Float32Array;
}

/** Weight and bias specs of the read-in or read-out layer under `readInit`. */
function readSpecs(
  name: string,
  [fanIn, fanOut]: [number, number],
  c: RegressionTransformerConfig,
): ParamInit[] {
  if (c.readInit === "linear") {
    const bound = 1 / Math.sqrt(fanIn);
    return [
      { name: `${name}.w`, shape: [fanIn, fanOut], init: "uniform", bound },
      { name: `${name}.b`, shape: [fanOut], init: "uniform", bound },
    ];
  }
  return [
    { name: `${name}.w`, shape: [fanIn, fanOut], init: "normal", std: c.initStd },
    { name: `${name}.b`, shape: [fanOut], init: "zeros" },
  ];
}

/**
 * A GPT-2-style regression transformer with hooks.
 *
 * @example
 * ```ts
 * import { initBackend } from "toolkit";
 * import { SparseRegressionTask } from "toolkit/data";
 *
 * await initBackend({ backend: "wasm" });
 * const model = new RegressionTransformer({ nLayers: 2, dModel: 64, nHeads: 2 }, { seed: 0 });
 * const batch = new SparseRegressionTask({ seed: 0 }).sample(8);
 * const loss = model.loss(batch); // tf.Scalar
 * ```
 */
export class RegressionTransformer {
  readonly config: RegressionTransformerConfig;
  readonly params: Params;
  readonly kind = "regression";

  constructor(config: Partial<RegressionTransformerConfig> = {}, opts: { seed?: number } = {}) {
    this.config = regressionConfig(config);
    const c = this.config;
    const rng = new Rng(`regression-init:${opts.seed ?? 0}`);
    this.params = makeParams([
      ...readSpecs("readIn", [c.inputDim, c.dModel], c),
      ...blockParamSpecs(c),
      ...readSpecs("readOut", [c.dModel, 1], c),
    ], rng);
  }

  /**
   * One output per token: tokens [B, T, D] → [B, T], plus hook results (captured residual
   * streams, attention patterns). The caller disposes what it keeps.
   */
  forward(
    tokens: tf.Tensor3D,
    opts: StackOptions = {},
  ): { out: tf.Tensor2D; results: HookResults } {
    const [B, T, D] = tokens.shape;
    if (D !== this.config.inputDim) {
      throw new Error(`tokens have dim ${D}; the model reads ${this.config.inputDim}`);
    }
    const p = this.params;
    const emb = tf.reshape(
      dense(
        tf.reshape(tokens, [B * T, D]),
        p["readIn.w"] as tf.Tensor2D,
        p["readIn.b"] as tf.Tensor1D,
      ),
      [B, T, -1],
    ) as tf.Tensor3D;
    const { out, results } = runStack(
      addPositions(emb, p, this.config.maxLen),
      p,
      this.config,
      opts,
    );
    const y = dense(out, p["readOut.w"] as tf.Tensor2D, p["readOut.b"] as tf.Tensor1D);
    return { out: tf.reshape(y, [B, T]), results };
  }

  /** Predictions at the x tokens: [B, nPoints]. */
  predict(
    input: RegressionInput,
    opts: { hooks?: ForwardHooks } = {},
  ): { preds: tf.Tensor2D; results: HookResults } {
    const { out, results } = this.forward(toTokens(input), opts);
    return { preds: xPositions(out, input), results };
  }

  /** Mean squared error over all nPoints predictions (the training loss). */
  loss(input: RegressionInput, opts: StackOptions = {}): tf.Scalar {
    return tf.tidy(() => {
      const { out } = this.forward(toTokens(input), opts);
      const ys = tf.tensor2d(input.ys, [input.batch, input.nPoints]);
      return tf.mean(tf.square(tf.sub(xPositions(out, input), ys)));
    });
  }

  /** Frees the model's variables. */
  dispose() {
    for (const v of Object.values(this.params)) v.dispose();
  }
}

function toTokens(input: RegressionInput): tf.Tensor3D {
  return tf.tensor3d(input.tokens, [input.batch, 2 * input.nPoints, input.tokenDim ?? input.dim]);
}

/** Outputs at the even (x) positions: [B, 2n] → [B, n]. */
function xPositions(out: tf.Tensor2D, input: RegressionInput): tf.Tensor2D {
  const pairs = tf.reshape(out, [input.batch, input.nPoints, 2]);
  return tf.reshape(tf.slice(pairs, [0, 0, 0], [-1, -1, 1]), [input.batch, input.nPoints]);
}
