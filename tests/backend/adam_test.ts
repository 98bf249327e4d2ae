import { tf } from "../../lib/deps.ts";
import { initBackend } from "../../lib/backend/backend.ts";
import { adamUpdate } from "../../lib/backend/adam.ts";
import { assertAllClose, assertEquals } from "../assert.ts";

await initBackend({ backend: "wasm", quiet: true });

// The op's kernels are compared with each other in tests/train/optimizer_test.ts; this pins the
// rule itself, written out in float64, and that a parameter without a gradient is left alone.
Deno.test("adamUpdate: one step is Adam's rule, and a parameter without a gradient keeps its value", () => {
  const before = tf.memory().numTensors;
  const p0 = [1, -2, 3, 0.5, 7], g0 = [0.1, -0.3, 2, 0, 1];
  const variable = (x: () => tf.Tensor) => tf.tidy(() => tf.variable(x()));
  const p = variable(() => tf.tensor(p0)), q = variable(() => tf.tensor([4, 5]));
  const zeros = (n: number) => variable(() => tf.zeros([n]));
  const m = new Map([["p", zeros(5)], ["q", zeros(2)]]);
  const v = new Map([["p", zeros(5)], ["q", zeros(2)]]);
  const [b1, b2, eps, lr, decay] = [0.9, 0.999, 1e-8, 1e-2, 0.99];
  const g = tf.tensor(g0);
  const hyper = { b1, b2, eps, stepSize: lr / (1 - b1), sqrtBc2: Math.sqrt(1 - b2), decay };
  adamUpdate({ params: { p, q }, m, v }, { p: g }, hyper);
  const want = p0.map((x, i) => {
    const mi = (1 - b1) * g0[i], vi = (1 - b2) * g0[i] ** 2;
    return x * decay - hyper.stepSize * mi / (Math.sqrt(vi) / hyper.sqrtBc2 + eps);
  });
  assertAllClose(Array.from(p.dataSync()), want, 1e-5);
  assertEquals(Array.from(q.dataSync()), [4, 5]);
  tf.dispose([p, q, g, ...m.values(), ...v.values()]);
  assertEquals(tf.memory().numTensors, before);
});
