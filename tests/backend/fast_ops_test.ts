import { tf } from "../../lib/deps.ts";
import { initBackend } from "../../lib/backend/backend.ts";
import { dense } from "../../lib/backend/dense.ts";
import { layerNorm } from "../../lib/backend/layer_norm.ts";
import { gelu } from "../../lib/backend/gelu.ts";
import { embeddingLookup } from "../../lib/backend/embedding.ts";
import { causalAttention, causalAttentionOut } from "../../lib/backend/attention.ts";
import { assertAllClose } from "../assert.ts";

await initBackend({ backend: "wasm", quiet: true });
const TOL = 2e-5;

// Each fast-path op must equal the plain tfjs computation, values and gradients.
function compare(
  name: string,
  fast: (...x: tf.Tensor[]) => tf.Tensor,
  ref: (...x: tf.Tensor[]) => tf.Tensor,
  shapes: number[][],
) {
  Deno.test(`${name}: values and gradients equal plain tfjs autodiff`, () => {
    const xs = shapes.map((s, i) => tf.randomNormal(s, 0, 1, "float32", 7 + i));
    const dy = tf.randomNormal(fast(...xs).shape, 0, 1, "float32", 99);
    assertAllClose(fast(...xs).dataSync(), ref(...xs).dataSync(), TOL, `${name} forward`);
    const gFast = tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(fast(...a), dy)))(xs);
    const gRef = tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(ref(...a), dy)))(xs);
    gFast.forEach((g, i) =>
      assertAllClose(g.dataSync(), gRef[i].dataSync(), TOL * 10, `${name} grad ${i}`)
    );
  });
}

compare(
  "dense",
  (x, w, b) => dense(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D),
  (x, w, b) => tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b),
  [[6, 5], [5, 3], [3]],
);
compare(
  "dense without bias",
  (x, w) => dense(x as tf.Tensor2D, w as tf.Tensor2D),
  (x, w) => tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D),
  [[6, 5], [5, 3]],
);
compare(
  "layerNorm",
  (x, g, b) => layerNorm(x as tf.Tensor2D, g as tf.Tensor1D, b as tf.Tensor1D),
  (x, g, b) => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), g), b);
  },
  [[5, 8], [8], [8]],
);
compare(
  "gelu (tanh form)",
  (u) => gelu(u),
  (u) =>
    tf.mul(
      tf.mul(u, 0.5),
      tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(u, tf.mul(0.044715, tf.pow(u, 3)))))),
    ),
  [[4, 7]],
);

function refAttention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) {
  const T = q.shape[1]!;
  const mask = tf.linalg.bandPart(tf.ones([T, T]), -1, 0);
  const s = tf.div(
    tf.matMul(q as tf.Tensor3D, k as tf.Tensor3D, false, true),
    Math.sqrt(q.shape[2]!),
  );
  const masked = tf.add(tf.mul(s, mask), tf.mul(tf.sub(1, mask), -1e9));
  return tf.matMul(tf.softmax(masked) as tf.Tensor3D, v as tf.Tensor3D);
}
compare(
  "causal attention",
  (q, k, v) => causalAttentionOut(q as tf.Tensor3D, k as tf.Tensor3D, v as tf.Tensor3D),
  refAttention,
  [[3, 6, 4], [3, 6, 4], [3, 6, 4]],
);

Deno.test("causal attention probabilities are causal and rows sum to 1", () => {
  const q = tf.randomNormal([2, 5, 4], 0, 1, "float32", 1) as tf.Tensor3D;
  const p = causalAttention(q, q, q).probs.arraySync() as number[][][];
  for (const row of p[0].map((r, i) => ({ r, i }))) {
    assertAllClose([row.r.reduce((a, b) => a + b, 0)], [1], 1e-5);
    for (let j = row.i + 1; j < 5; j++) {
      assertAllClose([row.r[j]], [0], 1e-7, "future position attended");
    }
  }
});

Deno.test("embeddingLookup: the gradient sums the rows of repeated ids", () => {
  const table = tf.randomNormal([5, 3], 0, 1, "float32", 3) as tf.Tensor2D;
  const ids = tf.tensor1d([1, 4, 1, 0], "int32");
  assertAllClose(embeddingLookup(table, ids).dataSync(), tf.gather(table, ids).dataSync(), 0);
  const dy = tf.tensor2d([[1, 2, 3], [4, 5, 6], [10, 20, 30], [7, 8, 9]]);
  const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(embeddingLookup(t as tf.Tensor2D, ids), dy)))(
    table,
  );
  assertAllClose(g.dataSync(), [7, 8, 9, 11, 22, 33, 0, 0, 0, 0, 0, 0, 4, 5, 6], 1e-6);
});
