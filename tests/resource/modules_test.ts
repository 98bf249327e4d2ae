import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../assert.ts";
import { ConfigError } from "../../lib/util/validate.ts";
import { mlpFromTheta, moduleAnalysis, pairNeurons, toyTask } from "../../lib/resource/mod.ts";

Deno.test("neurons pair by opposite input weights and close biases", () => {
  assertEquals(pairNeurons([1, -1.1, 3, -3], [0.5, 0.5, 2, 2]), [[2, 3], [0, 1]]);
  assertEquals(pairNeurons([1, 2], [0, 0]), [[0], [1]]);
});

Deno.test("module analysis of a hand-built ± pair ≈ x²", () => {
  // c·(silu(wx) + silu(−wx)) = c·w·x·tanh(wx/2) ≈ c·w²x²/2 for small w: one module, share ≈ 1.
  const w = 0.2, c = 2 / (w * w);
  const x2 = toyTask({ kind: "single" });
  const net = mlpFromTheta({ inputs: 1, hidden: [3], outputs: 1, activation: "silu" }, [
    w,
    -w,
    1e-5,
    0,
    0,
    0,
    c,
    c,
    1e-5,
    0,
  ]);
  const m = moduleAnalysis(net, x2);
  assertEquals(m.modules.map((x) => x.neurons), [[0, 1]]);
  assertAlmostEquals(m.shareSum, 1, 0.01);
  assert(m.modules[0].mse < 1e-6, `module error ${m.modules[0].mse}`);
  assertAlmostEquals(m.cancellation, 1, 1e-12);
});

Deno.test("two identical modules add their errors coherently (κ = 2, r = 1)", () => {
  const w = 0.5, c = 1 / (w * w);
  const net = mlpFromTheta({ inputs: 1, hidden: [4], outputs: 1, activation: "silu" }, [
    w,
    -w,
    w,
    -w,
    0,
    0,
    0,
    0,
    c,
    c,
    c,
    c,
    0,
  ]);
  const m = moduleAnalysis(net, toyTask({ kind: "single" }));
  assertEquals(m.modules.length, 2);
  assertAlmostEquals(m.modules[0].share, 0.5, 0.02);
  assertAlmostEquals(m.meanErrorCorrelation, 1, 1e-9);
  assertAlmostEquals(m.cancellation, 2, 1e-9);
  assertAlmostEquals(m.summedErrorMse, 4 * m.modules[0].mse, 1e-15);
});

Deno.test("module analysis needs a 1-input, 1-layer network", () => {
  const deep = mlpFromTheta({ inputs: 1, hidden: [2, 2], outputs: 1, activation: "silu" });
  assertThrows(
    () => moduleAnalysis(deep, toyTask({ kind: "single" })),
    ConfigError,
    "net",
  );
});

Deno.test("a lone neuron's linear leakage is fitted out, not counted as error", () => {
  // 400·silu(0.1x) = 20x + x² − O(x⁴·1e-2): share ≈ 1, linear ≈ 20, small error.
  const net = mlpFromTheta({ inputs: 1, hidden: [1], outputs: 1, activation: "silu" }, [
    0.1,
    0,
    400,
    0,
  ]);
  const m = moduleAnalysis(net, toyTask({ kind: "single" }));
  assertAlmostEquals(m.modules[0].linear, 20, 0.01);
  assertAlmostEquals(m.modules[0].share, 1, 0.01);
  assert(m.modules[0].mse < 1e-6, `error ${m.modules[0].mse}`);
});
