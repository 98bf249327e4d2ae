/**
 * The whole model on the wasm backend's fast path (fused kernels, OpenBLAS matmuls when
 * available): gradients against finite differences and against the plain tfjs ops.
 */
import { tf } from "../../lib/deps.ts";
import { initBackend } from "../../lib/backend/backend.ts";
import { loadBlas } from "../../lib/backend/blas.ts";
import { useBlasMatMul } from "../../lib/backend/blas_matmul.ts";
import { setFusedKernels } from "../../lib/backend/fast_path.ts";
import { RegressionTransformer } from "../../lib/model/regression_transformer.ts";
import { assertAllClose, assertAlmostEquals } from "../assert.ts";
import { randomRegressionBatch, TINY } from "../helpers.ts";

await initBackend({ backend: "wasm", quiet: true });

function lossAndGrads(model: RegressionTransformer, seed: number): Float32Array[] {
  const batch = randomRegressionBatch(seed);
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => model.loss(batch), Object.values(model.params));
    return [
      value.dataSync() as Float32Array,
      ...Object.values(grads).map((g) => g.dataSync() as Float32Array),
    ];
  });
}

Deno.test("fast path: each parameter's gradient matches a central finite difference", () => {
  const model = new RegressionTransformer(TINY, { seed: 1 });
  const batch = randomRegressionBatch(0);
  const loss = () => model.loss(batch).dataSync()[0];
  const { grads } = tf.variableGrads(() => model.loss(batch), Object.values(model.params));
  // One random direction per parameter tensor, so every block's gradient is checked on its own.
  Object.entries(model.params).forEach(([name, v], i) => {
    const dir = tf.randomNormal(v.shape, 0, 1, "float32", 200 + i);
    const analytic = tf.sum(tf.mul(grads[v.name], dir)).dataSync()[0];
    const eps = 2e-3, orig = tf.clone(v);
    v.assign(tf.add(orig, tf.mul(dir, eps)));
    const up = loss();
    v.assign(tf.sub(orig, tf.mul(dir, eps)));
    const down = loss();
    v.assign(orig);
    const numeric = (up - down) / (2 * eps);
    assertAlmostEquals(
      analytic,
      numeric,
      0.03 * Math.abs(numeric) + 2e-4,
      `${name}: analytic ${analytic} vs numeric ${numeric}`,
    );
  });
  model.dispose();
});

Deno.test("fast path: whole-model loss and gradients equal the plain tfjs ops", () => {
  const model = new RegressionTransformer({ ...TINY, nHeads: 4 }, { seed: 3 });
  const fast = lossAndGrads(model, 5);
  setFusedKernels(false);
  useBlasMatMul(null);
  let plain: Float32Array[];
  try {
    plain = lossAndGrads(model, 5);
  } finally {
    setFusedKernels(true);
    useBlasMatMul(loadBlas());
  }
  fast.forEach((v, i) =>
    assertAllClose(v, plain[i], i === 0 ? 1e-6 : 2e-5, i === 0 ? "loss" : `gradient ${i - 1}`)
  );
  model.dispose();
});
