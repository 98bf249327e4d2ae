import { tf } from "../deps.ts";

/**
 * Embedding lookup: rows of table [V, d] at integer ids [M] → [M, d], with a scatter-add
 * gradient (dTable = Σ over positions of dy rows at their ids).
 *
 * Why: tfjs's own gradient of `gather` uses UnsortedSegmentSum, which the wasm backend does not
 * implement; ScatterNd (which sums duplicate indices) is implemented everywhere.
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 *
 * const rows = embeddingLookup(tf.eye(4) as tf.Tensor2D, tf.tensor1d([2, 0], "int32")); // [[0,0,1,0],[1,0,0,0]]
 * ```
 */
export function embeddingLookup(table: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  return lookup(table, ids);
}

const lookup = tf.customGrad(
  // deno-lint-ignore no-explicit-any
  ((table: tf.Tensor2D, ids: tf.Tensor1D, save: any) => {
    save([ids]);
    const [V, d] = table.shape;
    return {
      value: tf.gather(table, ids),
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const idx = tf.reshape(saved[0], [-1, 1]);
        return [tf.scatterND(idx, dy, [V, d]), tf.zerosLike(saved[0])];
      },
    };
  }) as never,
) as unknown as (table: tf.Tensor2D, ids: tf.Tensor1D) => tf.Tensor2D;
