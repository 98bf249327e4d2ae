import { assertAlmostEquals, assertEquals } from "../assert.ts";
import {
  allocationOf,
  intermediateNeurons,
  mlpFromTheta,
  subtaskAllocationOf,
  type ToyTask,
  toyTask,
} from "../../lib/resource/mod.ts";

// 1 input, 4 hidden, 1 output; layout W0 (4), b0 (4), W1 (4), b1 (1).
//   neuron 0: in 0.5, out 0.3  -> active
//   neuron 1: in 2e-4, out 0.8 -> dead input
//   neuron 2: in 0.7, out 5e-4 -> dead output
//   neuron 3: in 2e-3, out 2e-3 -> active (just above 1e-3)
const net = mlpFromTheta(
  { inputs: 1, hidden: [4], outputs: 1, activation: "silu" },
  [0.5, 2e-4, 0.7, 2e-3, 0.1, 0.9, 0.1, 0, 0.3, 0.8, 5e-4, 2e-3, 0],
);

Deno.test("allocation counts neurons whose incoming and outgoing weights exceed the threshold", () => {
  assertEquals(allocationOf(net).active, [[0, 3]]);
  assertEquals(allocationOf(net, { threshold: 1e-2 }).total, 1);
  assertEquals(allocationOf(net, { rule: "in-or-out" }).total, 4);
  assertEquals(allocationOf(net, { rule: "out" }).active, [[0, 1, 3]]);
});

Deno.test("allocation counts each hidden layer", () => {
  // 1 → 2 → 2 → 1: layer-1 neuron 1 has no outgoing weight; layer-2 neuron 0 no incoming.
  const deep = mlpFromTheta({ inputs: 1, hidden: [2, 2], outputs: 1, activation: "silu" }, [
    1,
    1,
    0,
    0, // W0, b0
    0,
    0,
    1,
    0,
    0,
    0, // W1 [[0, 0], [1, 0]], b1
    1,
    1,
    0, // W2, b2
  ]);
  assertEquals(allocationOf(deep).perLayer, [1, 1]);
});

Deno.test("parallel-task neurons go to the subtask they connect", () => {
  // 2 inputs, 3 hidden, 2 outputs. W0 [3×2], b0 [3], W1 [2×3], b1 [2].
  const par = mlpFromTheta({ inputs: 2, hidden: [3], outputs: 2, activation: "silu" }, [
    1,
    0,
    /**/ 0.9,
    0,
    /**/ 0,
    1, // W0: neurons 0, 1 read x1; neuron 2 reads x2
    0,
    0,
    0,
    1,
    1,
    0,
    /**/ 0,
    0.05,
    1, // W1: out1 ← 0, 1; out2 ← 2 (and a weak link from neuron 1)
    0,
    0,
  ]);
  const s = subtaskAllocationOf(par, toyTask({ kind: "parallel", beta: 0.5 }));
  assertEquals(s.perSubtask, [2, 1]);
  assertEquals(s.mixed, 0);
});

Deno.test("neurons that compute an intermediate are found by correlation", () => {
  // relu neuron 0 computes x1 + 1 (> 0 on [-1, 1]); neuron 1 computes relu(x2) (not linear in x1).
  const task: ToyTask = {
    name: "t",
    inputs: 2,
    outputs: 1,
    lossWeights: [1],
    target: () => [0],
    subtasks: [],
    intermediates: { x1: (x) => x[0], x2: (x) => x[1] },
  };
  const n = 9;
  const x = new Float64Array(2 * n);
  for (let p = 0; p < n; p++) (x[p] = -1 + p / 4, x[n + p] = Math.cos(p));
  const relu = mlpFromTheta({ inputs: 2, hidden: [2], outputs: 1, activation: "relu" }, [
    1,
    0,
    0,
    1,
    1,
    0,
    1,
    1,
    0,
  ]);
  const r = intermediateNeurons(relu, task, { n, x, y: new Float64Array(n) });
  assertEquals(r.counts.x1, [1]);
  assertEquals(r.counts.x2, [0]);
  assertAlmostEquals(r.best.x1[0], 1, 1e-12);
});
