import { tf } from "../../lib/deps.ts";
import { initBackend } from "../../lib/backend/backend.ts";
import { openResults } from "../../lib/store/results.ts";
import { iclConfig, logEpochs } from "../../lib/icl/config.ts";
import { runIclExperiment } from "../../lib/icl/experiment.ts";
import { dropEpoch, firstSeparation, iclEvals, iclSnapshots } from "../../lib/icl/report.ts";
import { writeIclFigures } from "../../lib/icl/figures.ts";
import { ConfigError } from "../../lib/util/validate.ts";
import { assert, assertEquals, assertThrows } from "../assert.ts";

await initBackend({ backend: "wasm", quiet: true });

Deno.test("smoke experiment stores evaluations, snapshots, head ablation, and a complete summary", async () => {
  const store = openResults(":memory:");
  const dir = await Deno.makeTempDir();
  const s = await runIclExperiment(iclConfig("smoke"), { store, dir, progress: false });
  const evals = iclEvals(store, s.runId);
  assertEquals(evals.map((e) => e.epoch), [1, 3]);
  assertEquals(evals[0].cdY.length, 3, "layers 0, 1, 2");
  assertEquals(s.final_mse_per_concept.length, 4);
  assertEquals(s.patch_matrix_final.length, 4);
  // The shift matrix's diagonal is exactly zero (mean_source − mean_source), up to float error.
  s.patch_matrix_final_shift.forEach((r, i) =>
    assert(Math.abs(r[i]) < 1e-6, `shift diagonal ${r[i]}`)
  );
  assert(s.oracle_mse < 0.05, `oracle MSE at 19 examples ${s.oracle_mse}`);
  const snap = iclSnapshots(store, s.runId);
  assertEquals(snap.length, 1);
  assertEquals(snap[0].umap.length, 4 * 12);
  assertEquals(store.artifact<unknown[]>(s.runId, "headAblation")!.length, 2 * 2 * 4);
  const figs = await writeIclFigures(store, s.runId, `${dir}/fig`);
  assertEquals(figs.length, 8);
  for (const f of figs) assert((await Deno.readTextFile(f)).startsWith("<svg"), f);
  // A second call returns the stored summary without training again.
  const again = await runIclExperiment(iclConfig("smoke"), { store, dir, progress: false });
  assertEquals(again, s);
  store.close();
});

Deno.test("a deadline pauses the experiment with end-of-chunk measurements; the same call resumes and finishes it", async () => {
  const store = openResults(":memory:");
  const dir = await Deno.makeTempDir();
  const cfg = iclConfig("smoke");
  const paused = await runIclExperiment(cfg, {
    store,
    dir,
    progress: false,
    deadline: Date.now() - 1,
  });
  // smoke logs every 10 steps of 30: the pause falls on step 10 (epoch 1), before the end.
  assertEquals([paused.steps, paused.totalSteps], [10, 30]);
  assertEquals(store.run(paused.runId)?.status, "running");
  assertEquals(
    iclSnapshots(store, paused.runId).map((s) => s.step),
    [10],
    "a snapshot at the pause",
  );
  assert(store.artifact(paused.runId, "headAblation"), "head ablation at the pause");
  const done = await runIclExperiment(cfg, { store, dir, progress: false });
  assertEquals([done.steps, store.run(done.runId)?.status], [30, "done"]);
  assertEquals(iclEvals(store, done.runId).map((e) => e.step), [10, 30]);
  store.close();
});

Deno.test("extendFrom continues a stored run to exactly the run a longer config makes from scratch", async () => {
  const store = openResults(":memory:");
  const dir = await Deno.makeTempDir();
  const long = iclConfig("smoke", { train: { steps: 50 } });
  const fresh = await runIclExperiment(long, { store, dir, name: "fresh", progress: false });
  const short = await runIclExperiment(iclConfig("smoke"), {
    store,
    dir,
    name: "short",
    progress: false,
  });
  const ext = await runIclExperiment(long, {
    store,
    dir,
    name: "extended",
    progress: false,
    extendFrom: short.runId,
  });
  assertEquals(ext.final_mse_per_concept, fresh.final_mse_per_concept);
  assertEquals(ext.steps, 50);
  // The short run's evaluations carry over (its end, step 30, is one more than the long run has).
  assertEquals(iclEvals(store, ext.runId).map((e) => e.step), [10, 30, 50]);
  assertEquals(store.metrics(ext.runId, { name: "train_loss" }).map((m) => m.step), [
    10,
    20,
    30,
    40,
    50,
  ]);
  const other = iclConfig("smoke", { train: { steps: 50, lr: 3e-3 } });
  const err = await runIclExperiment(other, {
    store,
    dir,
    name: "bad",
    progress: false,
    extendFrom: short.runId,
  }).catch((e) => e);
  assert(err instanceof ConfigError && err.field === "extendFrom", String(err));
  store.close();
});

Deno.test("branchFrom continues a run's state under a new lr; with the same lr it equals extendFrom", async () => {
  const store = openResults(":memory:");
  const dir = await Deno.makeTempDir();
  const short = await runIclExperiment(iclConfig("smoke"), {
    store,
    dir,
    name: "short",
    progress: false,
  });
  const long = iclConfig("smoke", { train: { steps: 50 } });
  const ext = await runIclExperiment(long, {
    store,
    dir,
    name: "ext",
    progress: false,
    extendFrom: short.runId,
  });
  // A branch that changes nothing but the steps is the extension, exactly.
  const same = await runIclExperiment(long, {
    store,
    dir,
    name: "same",
    progress: false,
    branchFrom: short.runId,
  });
  assert(same.runId !== ext.runId, "a run of its own (the name is part of the id)");
  assertEquals(same.final_mse_per_concept, ext.final_mse_per_concept);
  const lower = iclConfig("smoke", { train: { steps: 50, lr: 3e-4 } });
  const br = await runIclExperiment(lower, {
    store,
    dir,
    name: "lower",
    progress: false,
    branchFrom: short.runId,
  });
  assertEquals(br.steps, 50);
  assert(
    br.final_mse_per_concept.join() !== ext.final_mse_per_concept.join(),
    "a different lr trains differently",
  );
  assertEquals(
    iclEvals(store, br.runId).map((e) => e.step),
    [10, 30, 50],
    "the earlier evaluations are copied",
  );
  const branch = store.artifact<
    { from: string; step: number; before: { lr: number }; after: { lr: number } }
  >(br.runId, "branch")!;
  assertEquals([branch.from, branch.step, branch.before.lr, branch.after.lr], [
    short.runId,
    30,
    1e-3,
    3e-4,
  ]);
  const wider = iclConfig("smoke", { model: { dModel: 32 }, train: { steps: 50 } });
  const e1 = await runIclExperiment(wider, {
    store,
    dir,
    name: "w",
    progress: false,
    branchFrom: short.runId,
  }).catch((e) => e);
  assert(e1 instanceof ConfigError && e1.field === "branchFrom", String(e1));
  const early = iclConfig("smoke", { train: { steps: 20, lr: 3e-4 } });
  const e2 = await runIclExperiment(early, {
    store,
    dir,
    name: "e",
    progress: false,
    branchFrom: short.runId,
  }).catch((e) => e);
  assert(e2 instanceof ConfigError && e2.field === "train.steps", String(e2));
  assertEquals(
    store.runs().filter((r) => r.name === "w" || r.name === "e"),
    [],
    "refused branches leave no run",
  );
  store.close();
});

Deno.test("experiment: tensor and wasm-buffer counts stay flat across its evaluation points", async () => {
  // layerRepresentations once kept every forward pass's activations: ~250 MB of wasm heap per
  // evaluation and ~1.4 GB per snapshot at the cpu preset, until the 4 GB heap ran out (malloc
  // returned 0) ~1,500 steps into a run.
  const store = openResults(":memory:");
  const seen: { name: string; tensors: number; buffers: number }[] = [];
  const setArtifact = store.setArtifact.bind(store);
  store.setArtifact = ((run: string, name: string, value: unknown) => {
    if (/^(eval|snapshot)@/.test(name)) {
      seen.push({ name, tensors: tf.memory().numTensors, buffers: tf.memory().numDataBuffers });
    }
    return setArtifact(run, name, value);
  }) as typeof store.setArtifact;
  const cfg = iclConfig("smoke", { evalEpochs: [1, 2, 3], snapshotEpochs: [2, 3] });
  await runIclExperiment(cfg, { store, dir: await Deno.makeTempDir(), progress: false });
  assertEquals(seen.map((s) => s.name), [
    "eval@10",
    "eval@20",
    "snapshot@20",
    "eval@30",
    "snapshot@30",
  ]);
  for (const s of seen) {
    assertEquals(s.tensors, seen[0].tensors, `numTensors at ${s.name}`);
    assertEquals(s.buffers, seen[0].buffers, `numDataBuffers at ${s.name}`);
  }
  store.close();
});

Deno.test("firstSeparation finds the first epoch where one concept leads the others' median", () => {
  const epochs = [5, 10, 20];
  assertEquals(
    firstSeparation(epochs, [[0.6, 0.6, 0.6, 0.6], [0.3, 0.5, 0.5, 0.5], [0.2, 0.2, 0.4, 0.4]]),
    { epoch: 10, concept: 0 },
  );
  // Curves that fall together (a few percent apart) never separate.
  assertEquals(
    firstSeparation(epochs, [[1, 1, 1, 1], [0.49, 0.48, 0.56, 0.56], [0.35, 0.36, 0.38, 0.37]]),
    null,
  );
  assertEquals(firstSeparation([1], [[0.5, 0.9, 0.2, 0.6]]), { epoch: 1, concept: 2 });
});

Deno.test("dropEpoch finds the midpoint crossing and ignores flat curves", () => {
  assertEquals(dropEpoch([1, 2, 4, 8], [1.0, 0.98, 0.2, 0.1]), 4);
  assertEquals(dropEpoch([1, 2, 4, 8], [1.0, 0.99, 0.98, 0.97]), null);
});

Deno.test("logEpochs is increasing, starts at 1 and ends at max", () => {
  const e = logEpochs(100);
  assertEquals(e[0], 1);
  assertEquals(e[e.length - 1], 100);
  assert(e.every((x, i) => i === 0 || x > e[i - 1]));
});

Deno.test("iclConfig: bad fields name themselves", () => {
  assertEquals(
    (assertThrows(() => iclConfig("smoke", { layer: 9 }), ConfigError) as ConfigError).field,
    "layer",
  );
  assertEquals(
    (assertThrows(
      () => iclConfig("smoke", { variant: "five" as never }),
      ConfigError,
    ) as ConfigError).field,
    "variant",
  );
  assertEquals(
    (assertThrows(() => iclConfig("nope" as never), ConfigError) as ConfigError).field,
    "preset",
  );
  assertEquals(
    (assertThrows(() => iclConfig("smoke", { batchsize: 3 } as never), ConfigError) as ConfigError)
      .field,
    "icl.batchsize",
  );
});

Deno.test("iclConfig merges nested overrides field by field; epoch lists stop at the run's end", () => {
  const c = iclConfig("gpu", { model: { dModel: 64 }, train: { steps: 2500 } });
  assertEquals([c.model.nLayers, c.model.dModel, c.model.initStd, c.train.lr, c.train.steps], [
    6,
    64,
    0.08,
    1e-3,
    2500,
  ]);
  assertEquals(c.evalEpochs, [1, 2, 3, 5, 7, 10]);
  assertEquals(c.snapshotEpochs, [3, 10]);
});

Deno.test("yToken separate: the model reads 17-dim tokens and the whole pipeline runs", async () => {
  const store = openResults(":memory:");
  const s = await runIclExperiment(iclConfig("smoke", { task: { yToken: "separate" } }), {
    store,
    dir: await Deno.makeTempDir(),
    progress: false,
  });
  assertEquals(s.steps, 30);
  assertEquals(s.final_mse_per_concept.length, 4);
  assert(s.final_mse_per_concept.every(Number.isFinite));
  store.close();
});
