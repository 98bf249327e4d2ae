import { assertEquals, assertThrows } from "../assert.ts";
import { openResults } from "../../lib/store/results.ts";
import { ConfigError } from "../../lib/util/validate.ts";
import { runSweep, type SweepConfig } from "../../lib/resource/mod.ts";
import { runName, sweepConfigs } from "../../lib/resource/sweep.ts";

const SWEEP: SweepConfig = {
  name: "test",
  tasks: [{ kind: "single" }],
  alphas: [1, 64],
  seeds: [0, 1],
  depths: [1],
  widths: [8],
  train: { steps: 200, points: 50, testPoints: 50, checkpointEvery: 100, logEvery: 100 },
};

Deno.test("a sweep stores one run per (task, α, seed) and a rerun loads them", async () => {
  const store = openResults(":memory:");
  const first = await runSweep(SWEEP, { store, progress: false });
  assertEquals(first.map((o) => [o.config.alpha, o.config.seed]), [[1, 0], [1, 1], [64, 0], [
    64,
    1,
  ]]);
  const runs = store.runs({ experiment: "resource-test", status: "done" });
  assertEquals(runs.length, 4);
  // Mark one stored outcome; a rerun must return it instead of retraining.
  const id = runs.find((r) => r.name === runName(first[0].config))!.id;
  store.setArtifact(id, "outcome", { ...store.artifact<object>(id, "outcome"), testLoss: 123 });
  const again = await runSweep(SWEEP, { store, progress: false });
  assertEquals(again[0].testLoss, 123);
  assertEquals(again[3].theta, first[3].theta);
  assertEquals(store.artifact(id, "checkpoint"), null);
  store.close();
});

Deno.test("an unfinished run resumes from its stored checkpoint", async () => {
  const store = openResults(":memory:");
  const one = { ...SWEEP, alphas: [8], seeds: [0] };
  const [straight] = await runSweep(one, { progress: false });
  const cfg = sweepConfigs(one)[0];
  const id = store.startRun({
    experiment: "resource-test",
    name: runName(cfg),
    config: cfg,
  });
  // A checkpoint from a different trajectory proves the run starts from it.
  const { trainRun } = await import("../../lib/resource/train.ts");
  let ck;
  trainRun({ ...cfg, alpha: 4 }, { onCheckpoint: (c) => (ck = c) });
  store.setArtifact(id, "checkpoint", ck);
  const [resumed] = await runSweep(one, { store, progress: false });
  if (resumed.theta.every((v, i) => v === straight.theta[i])) {
    throw new Error("did not resume from the checkpoint");
  }
  store.close();
});

// Workers run lib/resource/sweep_worker.ts.
Deno.test("two workers give the same runs as one, and their metrics reach the store", async () => {
  const one = await runSweep(SWEEP, { progress: false });
  const store = openResults(":memory:");
  const two = await runSweep(SWEEP, { progress: false, workers: 2, store });
  assertEquals(two.map((o) => o.theta), one.map((o) => o.theta));
  const id = store.runs({ experiment: "resource-test" })[0].id;
  assertEquals(store.metrics(id, { name: "objective" }).map((m) => m.step), [0, 99, 199]);
  store.close();
});

Deno.test("a bad sweep names its field", () => {
  assertEquals(
    (assertThrows(() => sweepConfigs({ ...SWEEP, alphas: [] }), ConfigError) as ConfigError)
      .field,
    "alphas",
  );
  assertEquals(
    (assertThrows(
      () => sweepConfigs({ ...SWEEP, alphas: [0] }),
      ConfigError,
    ) as ConfigError).field,
    "alpha",
  );
  assertEquals(
    (assertThrows(
      () => sweepConfigs({ ...SWEEP, name: "Bad Name" }),
      ConfigError,
    ) as ConfigError).field,
    "name",
  );
});
