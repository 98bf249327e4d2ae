import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../assert.ts";
import { Rng } from "../../lib/util/rng.ts";
import { ConfigError } from "../../lib/util/validate.ts";
import { forward, initMlp, type Mlp, mlpFromTheta } from "../../lib/resource/mod.ts";
import { adamStep, backward, fastExp, penaltyMask } from "../../lib/resource/sparse_mlp.ts";

/** Loss ½·Σ (out − t)² and its analytic gradient. */
function lossAndGrad(net: Mlp, x: Float64Array, t: Float64Array, n: number) {
  const fw = forward(net, x, n);
  const d = Float64Array.from(fw.out, (o, i) => o - t[i]);
  return { loss: 0.5 * d.reduce((s, v) => s + v * v, 0), grad: backward(net, fw, d) };
}

for (const activation of ["silu", "tanh"] as const) {
  Deno.test(`analytic gradients match finite differences (${activation}, 2 hidden layers)`, () => {
    const rng = new Rng(3);
    const net = initMlp({ inputs: 3, hidden: [5, 4], outputs: 2, activation }, rng);
    const n = 7;
    const x = Float64Array.from({ length: 3 * n }, () => rng.range(-1, 1));
    const t = Float64Array.from({ length: 2 * n }, () => rng.range(-1, 1));
    const { grad } = lossAndGrad(net, x, t, n);
    const h = 1e-6;
    let worst = 0;
    for (let i = 0; i < net.theta.length; i++) {
      const keep = net.theta[i];
      net.theta[i] = keep + h;
      const up = lossAndGrad(net, x, t, n).loss;
      net.theta[i] = keep - h;
      const down = lossAndGrad(net, x, t, n).loss;
      net.theta[i] = keep;
      const fd = (up - down) / (2 * h);
      worst = Math.max(worst, Math.abs(fd - grad[i]) / Math.max(1e-3, Math.abs(fd)));
    }
    assert(worst < 1e-6, `worst relative gradient error ${worst}`);
  });
}

Deno.test("relu gradients match finite differences away from kinks", () => {
  const net = mlpFromTheta({ inputs: 1, hidden: [2], outputs: 1, activation: "relu" }, [
    1,
    -1,
    0.1,
    0.2,
    2,
    3,
    0.5,
  ]);
  const x = new Float64Array([0.5, -0.7, 0.9]), t = new Float64Array([0, 0, 0]);
  const { grad } = lossAndGrad(net, x, t, 3);
  for (let i = 0; i < net.theta.length; i++) {
    const keep = net.theta[i];
    net.theta[i] = keep + 1e-6;
    const up = lossAndGrad(net, x, t, 3).loss;
    net.theta[i] = keep - 1e-6;
    const down = lossAndGrad(net, x, t, 3).loss;
    net.theta[i] = keep;
    assertAlmostEquals(grad[i], (up - down) / 2e-6, 1e-6);
  }
});

Deno.test("fastExp matches Math.exp: 2e-15 relative on [-40, 40], 1e-13 on [-700, 700]", () => {
  const worst = (lo: number, hi: number, step: number) => {
    let w = 0;
    for (let y = lo; y <= hi; y += step) {
      w = Math.max(w, Math.abs(fastExp(y) / Math.exp(y) - 1));
    }
    return w;
  };
  assert(worst(-40, 40, 0.0037) < 2e-15, `near 0: ${worst(-40, 40, 0.0037)}`);
  assert(worst(-700, 700, 0.37) < 1e-13, `full range: ${worst(-700, 700, 0.37)}`);
});

Deno.test("forward with reuse gives the same output and recycles buffers", () => {
  const net = initMlp(
    { inputs: 2, hidden: [6, 6], outputs: 1, activation: "silu" },
    new Rng(1),
  );
  const x = Float64Array.from({ length: 2 * 5 }, (_, i) => i / 10 - 0.5);
  const a = forward(net, x, 5);
  const expected = Array.from(a.out);
  const b = forward(net, x, 5, { reuse: a });
  assert(b.out === a.out, "output buffer reused");
  assertEquals(Array.from(b.out), expected);
});

Deno.test("penalty mask covers every weight and the hidden biases only", () => {
  const net = mlpFromTheta({ inputs: 2, hidden: [3], outputs: 1, activation: "silu" });
  // layout: W0 (6), b0 (3), W1 (3), b1 (1)
  assertEquals(Array.from(penaltyMask(net, { biases: true })), [
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    0,
  ]);
  assertEquals(Array.from(penaltyMask(net, { biases: false })), [
    1,
    1,
    1,
    1,
    1,
    1,
    0,
    0,
    0,
    1,
    1,
    1,
    0,
  ]);
});

Deno.test("Adam's first step moves every parameter by lr against the gradient's sign", () => {
  const theta = new Float64Array([1, 1, 1]);
  adamStep(theta, new Float64Array([2, -0.5, 0]), {
    t: 0,
    m: new Float64Array(3),
    v: new Float64Array(3),
  }, 0.1);
  assertAlmostEquals(theta[0], 0.9, 1e-7);
  assertAlmostEquals(theta[1], 1.1, 1e-7);
  assertEquals(theta[2], 1);
});

Deno.test("a bad shape or parameter vector names its field", () => {
  const e = assertThrows(
    () => mlpFromTheta({ inputs: 1, hidden: [0], outputs: 1, activation: "silu" }),
    ConfigError,
  );
  assertEquals((e as ConfigError).field, "shape.sizes[1]");
  const f = assertThrows(
    () => mlpFromTheta({ inputs: 1, hidden: [2], outputs: 1, activation: "gelu" as never }),
    ConfigError,
  );
  assertEquals((f as ConfigError).field, "activation");
  const g = assertThrows(
    () => mlpFromTheta({ inputs: 1, hidden: [2], outputs: 1, activation: "silu" }, [1, 2]),
    ConfigError,
  );
  assertEquals((g as ConfigError).field, "theta.length");
});
