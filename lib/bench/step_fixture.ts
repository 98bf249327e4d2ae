import { tf } from "../deps.ts";
import { RegressionTransformer } from "../model/regression_transformer.ts";
import { Adam } from "../train/optimizer.ts";
import { Rng } from "../util/rng.ts";
import type { ModelShape } from "./config.ts";

/** A model, its optimiser and one fixed batch, for timing bare training steps. */
export interface StepFixture {
  /** Records one step (forward, backward, Adam) and returns the loss, not yet read back. */
  enqueue(): tf.Scalar;
  /**
   * Records `count` steps back to back and reads the last loss (which waits for a GPU to
   * finish them): wall ms per step, and that loss.
   */
  run(count: number): Promise<{ msPerStep: number; loss: number }>;
  /** Trainable parameters. */
  params: number;
  /** Frees the model and the optimiser state. */
  dispose(): void;
}

/**
 * The trainer's inner loop without its bookkeeping — forward, backward and the Adam update on
 * one fixed random batch — for the levers, the profile and the GPU headline timing (on CPU
 * backends the headline goes through the real `train()`, lib/bench/train_step.ts).
 *
 * @example
 * ```ts
 * const f = stepFixture({ layers: 2, dModel: 64, heads: 2, batch: 64 });
 * const { msPerStep, loss } = await f.run(5);
 * f.dispose();
 * ```
 */
export function stepFixture(
  shape: ModelShape,
  opts: { seq?: number; inputDim?: number } = {},
): StepFixture {
  const { seq = 40, inputDim = 16 } = opts;
  const model = new RegressionTransformer(
    { nLayers: shape.layers, dModel: shape.dModel, nHeads: shape.heads, inputDim, maxLen: seq },
    { seed: 0 },
  );
  const adam = new Adam(model.params, { lr: 1e-4, betas: [0.9, 0.9999] });
  const rng = new Rng("step-fixture");
  const batch = {
    batch: shape.batch,
    nPoints: seq / 2,
    dim: inputDim,
    tokens: rng.normalArray(shape.batch * seq * inputDim),
    ys: rng.normalArray(shape.batch * seq / 2),
  };
  const vars = Object.values(model.params);
  const names = new Map(Object.entries(model.params).map(([n, v]) => [v.name, n]));
  const enqueue = () => {
    const { value, grads } = tf.variableGrads(() => model.loss(batch), vars);
    adam.apply(Object.fromEntries(Object.entries(grads).map(([k, g]) => [names.get(k) ?? k, g])));
    tf.dispose(Object.values(grads));
    return value;
  };
  return {
    params: vars.reduce((s, v) => s + v.size, 0),
    enqueue,
    async run(count: number) {
      const t0 = performance.now();
      for (let i = 0; i < count - 1; i++) enqueue().dispose();
      const last = enqueue();
      const loss = (await last.data())[0];
      last.dispose();
      return { msPerStep: (performance.now() - t0) / count, loss };
    },
    dispose() {
      adam.dispose();
      model.dispose();
    },
  };
}
