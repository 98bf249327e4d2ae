import { tf } from "../../lib/deps.ts";
import { initBackend } from "../../lib/backend/backend.ts";
import { RegressionTransformer } from "../../lib/model/regression_transformer.ts";
import { countParams } from "../../lib/model/params.ts";
import { assert, assertAlmostEquals, assertEquals } from "../assert.ts";
import { randomRegressionBatch, TINY } from "../helpers.ts";

await initBackend({ backend: "cpu", quiet: true });

Deno.test("gradients match central finite differences on a tiny model", () => {
  const model = new RegressionTransformer(TINY, { seed: 1 });
  const batch = randomRegressionBatch(0);
  const vars = Object.values(model.params);
  const { grads } = tf.variableGrads(() => model.loss(batch), vars);
  // Directional derivative along a random direction over *all* parameters (float32, so a
  // direction test is far better conditioned than per-coordinate differences).
  const dirs = vars.map((v, i) => tf.randomNormal(v.shape, 0, 1, "float32", 100 + i));
  const analytic = vars.reduce(
    (s, v, i) => s + tf.sum(tf.mul(grads[v.name], dirs[i])).dataSync()[0],
    0,
  );
  const eps = 1e-3;
  const lossAt = (sign: number) => {
    const saved = vars.map((v) => tf.clone(v));
    vars.forEach((v, i) => v.assign(tf.add(v, tf.mul(dirs[i], sign * eps))));
    const l = model.loss(batch).dataSync()[0];
    vars.forEach((v, i) => v.assign(saved[i]));
    return l;
  };
  const numeric = (lossAt(1) - lossAt(-1)) / (2 * eps);
  assertAlmostEquals(
    analytic,
    numeric,
    0.02 * Math.abs(numeric) + 1e-4,
    `analytic ${analytic} vs numeric ${numeric}`,
  );
  model.dispose();
});

Deno.test("same seed gives the same model and loss; another seed differs", () => {
  const batch = randomRegressionBatch(3);
  const a = new RegressionTransformer(TINY, { seed: 5 }),
    b = new RegressionTransformer(TINY, { seed: 5 });
  const c = new RegressionTransformer(TINY, { seed: 6 });
  const la = a.loss(batch).dataSync()[0],
    lb = b.loss(batch).dataSync()[0],
    lc = c.loss(batch).dataSync()[0];
  assertEquals(la, lb);
  assert(la !== lc);
  [a, b, c].forEach((m) => m.dispose());
});

Deno.test("predictions are causal: changing y_i does not change predictions up to x_i", () => {
  const model = new RegressionTransformer(TINY, { seed: 2 });
  const batch = randomRegressionBatch(4, { batch: 1 });
  const before = model.predict(batch).preds.dataSync();
  const tokens = batch.tokens.slice();
  tokens[(2 * 2 + 1) * batch.dim] += 5; // the y token of pair 3 (index 2)
  const after = model.predict({ ...batch, tokens }).preds.dataSync();
  for (let i = 0; i <= 2; i++) {
    assertAlmostEquals(after[i], before[i], 1e-6, `prediction ${i} saw the future`);
  }
  assert(Math.abs(after[3] - before[3]) > 1e-6, "prediction 4 ignores y_3");
  model.dispose();
});

Deno.test("parameter count of the paper's 12×256 model is ≈9.5M (spec 01)", () => {
  const model = new RegressionTransformer({
    nLayers: 12,
    dModel: 256,
    nHeads: 8,
    inputDim: 16,
    maxLen: 40,
  });
  const c = countParams(model.params);
  // 12 blocks × (12d² + 13d) + wpe 40d + read-in 16d + d + read-out d + 1 + final LN 2d
  const d = 256;
  assertEquals(c.total, 12 * (12 * d * d + 13 * d) + 40 * d + 17 * d + d + 1 + 2 * d);
  assertAlmostEquals(c.total / 1e6, 9.5, 0.05);
  assertEquals(c.nonEmbedding, 12 * (12 * d * d + 13 * d) + 2 * d);
  model.dispose();
});

Deno.test("readInit: `normal` keeps N(0, initStd) and zero biases; `linear` is nn.Linear's U(±1/√fan_in)", () => {
  const shape = { nLayers: 1, dModel: 64, nHeads: 2, inputDim: 16, initStd: 0.02 };
  const stats = (t: tf.Tensor) => {
    const v = t.dataSync();
    let s2 = 0, max = 0;
    for (const x of v) (s2 += x * x), (max = Math.max(max, Math.abs(x)));
    return { std: Math.sqrt(s2 / v.length), max };
  };
  const normal = new RegressionTransformer(shape, { seed: 0 });
  assertAlmostEquals(stats(normal.params["readIn.w"]).std, 0.02, 0.003);
  assertEquals(stats(normal.params["readIn.b"]).max, 0);
  const linear = new RegressionTransformer({ ...shape, readInit: "linear" }, { seed: 0 });
  // Read-in fan-in 16 → bound 0.25, std 0.25/√3; read-out fan-in 64 → bound 0.125.
  const w = stats(linear.params["readIn.w"]), b = stats(linear.params["readIn.b"]);
  assert(w.max <= 0.25 && w.max > 0.24, `readIn.w max ${w.max}`);
  assertAlmostEquals(w.std, 0.25 / Math.sqrt(3), 0.01);
  assert(b.max > 0.1 && b.max <= 0.25, `readIn.b max ${b.max}`);
  assert(stats(linear.params["readOut.w"]).max <= 0.125);
  // The blocks keep the GPT-2 init under both.
  assertAlmostEquals(
    stats(linear.params["h.0.attn.wqkv"]).std,
    0.02,
    0.004,
  );
  normal.dispose();
  linear.dispose();
});
