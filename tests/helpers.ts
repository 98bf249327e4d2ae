/** Shared test fixtures: tiny models and seeded random regression batches. */
import { Rng } from "../lib/util/rng.ts";
import type { RegressionInput } from "../lib/model/regression_transformer.ts";

/** A random regression batch (tokens and targets N(0, 1)), a pure function of the seed. */
export function randomRegressionBatch(
  seed: number,
  opts: { batch?: number; nPoints?: number; dim?: number } = {},
): RegressionInput {
  const { batch = 4, nPoints = 5, dim = 4 } = opts;
  const rng = new Rng(`test-batch:${seed}`);
  return {
    batch,
    nPoints,
    dim,
    tokens: rng.normalArray(batch * 2 * nPoints * dim),
    ys: rng.normalArray(batch * nPoints),
  };
}

/** A tiny regression-transformer config for fast tests. */
export const TINY = { nLayers: 2, dModel: 16, nHeads: 2, maxLen: 10, inputDim: 4 };
