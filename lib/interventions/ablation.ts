/**
 * Single-head ablation through the models' hooks: zero one attention head at a time
 * (`ForwardHooks.ablateHeads`) and record how a measurement changes against the clean model.
 * The measurement is the caller's (per-concept MSE in paper 1, an accuracy elsewhere), so any
 * model with hooks and any metric share this one loop.
 *
 * @module
 */
import type { ForwardHooks } from "../model/hooks.ts";

/** One head's ablation: the change of each component of the measurement (ablated − clean). */
export interface HeadAblationEffect {
  /** Block, counted from 1 as `ablateHeads` counts it. */
  layer: number;
  head: number;
  /** ablated − clean, per component of the measurement. */
  delta: number[];
}

/**
 * Measures once cleanly, then once per head of every layer with that head zeroed, and returns
 * the differences, layers then heads in order.
 *
 * @example
 * ```ts
 * import { type ForwardHooks, RegressionTransformer, tf } from "toolkit";
 * import { SparseRegressionTask } from "toolkit/data";
 *
 * const model = new RegressionTransformer({ nLayers: 2, nHeads: 2 });
 * const batch = new SparseRegressionTask({ seed: 0 }).sample(8);
 * const loss = (hooks?: ForwardHooks) =>
 *   Promise.resolve([tf.tidy(() => model.loss(batch, { hooks }).dataSync()[0])]);
 * const effects = await ablateEachHead(model.config, loss); // 4 rows, one per (layer, head)
 * ```
 */
export async function ablateEachHead(
  shape: { nLayers: number; nHeads: number },
  measure: (hooks: ForwardHooks | undefined) => Promise<number[]>,
): Promise<HeadAblationEffect[]> {
  const clean = await measure(undefined);
  const out: HeadAblationEffect[] = [];
  for (let layer = 1; layer <= shape.nLayers; layer++) {
    for (let head = 0; head < shape.nHeads; head++) {
      const ablated = await measure({ ablateHeads: [{ layer, head }] });
      out.push({ layer, head, delta: ablated.map((m, i) => m - clean[i]) });
    }
  }
  return out;
}
