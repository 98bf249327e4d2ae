import { assert, assertEquals } from "../assert.ts";
import {
  allocationOf,
  mseOf,
  netOf,
  resolveResourceTrainConfig,
  type ResourceCheckpoint,
  runData,
  trainRun,
} from "../../lib/resource/mod.ts";
import { stepBatch } from "../../lib/resource/train.ts";
import { configHash } from "../../lib/store/results.ts";

const TINY = {
  task: { kind: "single" as const },
  steps: 4000,
  width: 16,
  points: 100,
  testPoints: 100,
  lr: 3e-3,
};

Deno.test("a tiny real run: allocated neurons increase with α and the loss falls", () => {
  const runs = [1, 32, 1024].map((alpha) => trainRun({ ...TINY, alpha }));
  const n = runs.map((r) => allocationOf(netOf(r.config, r.theta)).total);
  assert(n[0] < n[1] && n[1] < n[2], `neurons ${n}`);
  assert(n[0] <= 4, `α = 1 keeps few neurons: ${n[0]}`);
  assert(
    runs[2].testLoss < runs[1].testLoss && runs[1].testLoss < 2e-4,
    `mse ${runs.map((r) => r.testLoss)}`,
  );
  const net = netOf(runs[2].config, runs[2].theta);
  assertEquals(mseOf(net, runData(runs[2].config).test), runs[2].testMse);
});

Deno.test("a run resumed from its checkpoint ends exactly where the straight run does", () => {
  const cfg = { ...TINY, alpha: 8, steps: 400, checkpointEvery: 200, logEvery: 100 };
  const checkpoints: ResourceCheckpoint[] = [];
  const logged: number[] = [];
  const straight = trainRun(cfg, {
    onCheckpoint: (c) => checkpoints.push(c),
    onLog: (s) => logged.push(s),
  });
  assertEquals(checkpoints.map((c) => c.step), [200]);
  assertEquals(logged, [0, 99, 199, 299, 399]);
  const resumed = trainRun(cfg, { resume: checkpoints[0] });
  assertEquals(resumed.theta, straight.theta);
  assertEquals(resumed.testLoss, straight.testLoss);
});

Deno.test("data depend on the seed only", () => {
  const a = runData(resolveResourceTrainConfig({ seed: 1, alpha: 2 }));
  const b = runData(resolveResourceTrainConfig({ seed: 1, alpha: 64 }));
  const c = runData(resolveResourceTrainConfig({ seed: 2 }));
  assertEquals(Array.from(a.train.x.slice(0, 5)), Array.from(b.train.x.slice(0, 5)));
  assert(a.train.x[0] !== c.train.x[0]);
  assert(a.train.x[0] !== a.test.x[0], "train and test sets differ");
});

Deno.test("freshSamples: a batch per step from (seed, step); absent from the config when false", () => {
  const base = resolveResourceTrainConfig({ task: { kind: "sequential" }, points: 50 });
  const off = resolveResourceTrainConfig({
    task: { kind: "sequential" },
    points: 50,
    freshSamples: false,
  });
  assertEquals("freshSamples" in off, false);
  assertEquals(configHash(off), configHash(base));
  const on = resolveResourceTrainConfig({
    task: { kind: "sequential" },
    points: 50,
    freshSamples: true,
  });
  const a = stepBatch(on, 3), b = stepBatch(on, 3), c = stepBatch(on, 4);
  assertEquals(Array.from(a.x), Array.from(b.x));
  assert(a.x[0] !== c.x[0]);
  assertEquals(Array.from(stepBatch(base, 7).x), Array.from(runData(base).train.x));
  const r = trainRun({ ...on, depth: 1, width: 8, steps: 300, alpha: 100 });
  // Every batch is new data, so the last batch's MSE is a held-out estimate: within ×2 of the test MSE.
  const ratio = r.trainMse[0] / r.testMse[0];
  assert(ratio > 0.5 && ratio < 2, `train/test MSE ratio ${ratio}`);
});
