import { assert, assertAllClose, assertAlmostEquals, assertEquals } from "../assert.ts";
import {
  resolveResourceTrainConfig,
  type RunOutcome,
  runRows,
  summariseExperiment,
  type ToyTaskSpec,
} from "../../lib/resource/mod.ts";

/** A width-8 single-hidden-layer outcome whose first `active` neurons have weights 0.5. */
function outcome(
  task: ToyTaskSpec,
  alpha: number,
  active: number[],
  mse: number[],
  seed = 0,
): RunOutcome {
  const config = resolveResourceTrainConfig({ task, alpha, width: 8, seed });
  const inputs = task.kind === "parallel" ? 2 : 1, outputs = inputs;
  const W0 = new Array(8 * inputs).fill(0), W1 = new Array(outputs * 8).fill(0);
  // active[k] neurons for subtask k: neuron j reads input k and writes output k.
  let j = 0;
  active.forEach((count, k) => {
    for (let c = 0; c < count; c++, j++) (W0[j * inputs + k] = 0.5, W1[k * 8 + j] = 0.5);
  });
  const theta = [...W0, ...new Array(8).fill(0), ...W1, ...new Array(outputs).fill(0)];
  const w = task.kind === "parallel" ? [task.beta!, 1 - task.beta!] : [1];
  const testLoss = mse.reduce((s, v, k) => s + w[k] * v, 0);
  return { config, theta, trainMse: mse, testMse: mse, testLoss, objective: 0, seconds: 0 };
}

Deno.test("single task: series over α and slope −1 for loss ∝ 1/N", () => {
  const runs = [[1, 2], [8, 4], [64, 8]].map(([a, n]) =>
    outcome({ kind: "single" }, a, [n], [1e-4 / n])
  );
  const s = summariseExperiment("single", runs);
  assertEquals(s.rows.map((r) => r.neurons), [2, 4, 8]);
  assertEquals(Object.keys(s.json), ["alphas", "neurons", "mse", "slope", "slope_ci"]);
  assertEquals(s.json.alphas, [1, 8, 64]);
  assertAlmostEquals(s.slope, -1, 1e-12);
  assertAlmostEquals(s.slopeCi[0], -1, 1e-12);
});

Deno.test("parallel task: per-subtask neurons, ratios per (β, α), one series per β", () => {
  const runs = [
    outcome({ kind: "parallel", beta: 0.75 }, 32, [4, 2], [1e-5, 2e-5]),
    outcome({ kind: "parallel", beta: 0.75 }, 512, [6, 2], [0.5e-5, 1.5e-5]),
    outcome({ kind: "parallel", beta: 0.5 }, 32, [2, 2], [1e-5, 1e-5]),
    outcome({ kind: "parallel", beta: 0.5 }, 512, [4, 4], [0.5e-5, 0.5e-5]),
  ];
  const rows = runRows(runs);
  assertEquals(rows.map((r) => [r.n1, r.n2]), [[4, 2], [6, 2], [2, 2], [4, 4]]);
  const s = summariseExperiment("parallel", runs);
  assertEquals(s.series.map((x) => x.label), ["parallel(beta=0.75)", "parallel(beta=0.5)"]);
  const r75 = s.ratios.filter((r) => r.beta === 0.75);
  assertEquals(r75.map((r) => r.neuron_ratio), [2, 3]);
  assertAllClose(r75.map((r) => r.inverse_mse_ratio as number), [2, 3], 1e-12);
  assertEquals(Object.keys(s.json.groups as object).length, 2);
});

Deno.test("parallel task: N1/N2 with a t-interval over seeds, and its drift over α", () => {
  const b = { kind: "parallel", beta: 0.9 } as const;
  // seed 0: N1/N2 = 2 then 4 (doubles over α 32 → 512: drift log 2 / log 16 = 0.25);
  // seed 1: 3 then 3 (drift 0).
  const runs = [
    outcome(b, 32, [4, 2], [1e-5, 2e-5], 0),
    outcome(b, 512, [4, 1], [1e-5, 2e-5], 0),
    outcome(b, 32, [6, 2], [1e-5, 2e-5], 1),
    outcome(b, 512, [6, 2], [1e-5, 2e-5], 1),
  ];
  const s = summariseExperiment("parallel", runs);
  const r32 = s.ratios.find((r) => r.alpha === 32)!;
  assertEquals([r32.seeds, r32.neuron_ratio], [2, 2.5]);
  // t(0.975, 1 df) = 12.706; sd of [2, 3] = 0.7071; half-width 12.706 · 0.7071 / √2 = 6.353.
  assertAllClose([r32.neuron_ratio_lo as number, r32.neuron_ratio_hi as number], [
    2.5 - 6.353,
    2.5 + 6.353,
  ], 1e-3);
  assertEquals(s.drift.length, 1);
  assertAlmostEquals(s.drift[0].drift as number, 0.125, 1e-12);
  assertEquals(s.drift[0].seeds, 2);
  assert((s.drift[0].drift_lo as number) < 0 && (s.drift[0].drift_hi as number) > 0.25);
});
