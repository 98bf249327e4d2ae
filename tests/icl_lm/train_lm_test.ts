import { initBackend } from "../../lib/backend/backend.ts";
import { iclLmConfig } from "../../lib/icl_lm/config.ts";
import { loadIclLmTasks } from "../../lib/icl_lm/data.ts";
import { taskLlamaConfig, trainTaskLm } from "../../lib/icl_lm/train_lm.ts";
import { LlamaModel } from "../../lib/model/llama.ts";
import { openResults } from "../../lib/store/results.ts";
import { assert, assertAllClose, assertEquals } from "../assert.ts";

await initBackend({ backend: "wasm", quiet: true });
const cfg = iclLmConfig("smoke", { tasks: ["bitwise"] });
const tasks = await loadIclLmTasks(cfg);

Deno.test("the task LM resumes exactly after a kill and logs to the results DB", async () => {
  const dir = await Deno.makeTempDir();
  const store = openResults(":memory:");
  const runId = store.startRun({ experiment: "t", config: {} });
  const path = `${dir}/lm.safetensors`;
  const killed = await trainTaskLm(cfg, {
    tasks,
    store,
    runId,
    checkpointPath: path,
    progress: false,
    stopAfter: 3,
  });
  assertEquals(killed.train.step, 3);
  killed.model.dispose();
  const resumed = await trainTaskLm(cfg, {
    tasks,
    store,
    runId,
    checkpointPath: path,
    progress: false,
  });
  assertEquals(resumed.train.resumedFrom, 3);
  assertEquals(resumed.train.step, 6);
  const straight = await trainTaskLm(cfg, { tasks, progress: false });
  for (const [n, v] of Object.entries(straight.model.params)) {
    assertAllClose(resumed.model.params[n].dataSync(), v.dataSync(), 1e-6, `parameter ${n}`);
  }
  assertEquals(store.metrics(runId, { name: "train_loss" }).map((r) => r.step), [3, 6]);
  resumed.model.dispose();
  straight.model.dispose();
  store.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("with evalEvery, the LM logs held-out and training-split accuracy per task", async () => {
  const store = openResults(":memory:");
  const runId = store.startRun({ experiment: "t", config: {} });
  const c = iclLmConfig("smoke", { tasks: ["bitwise"], train: { ...cfg.train, evalEvery: 3 } });
  const lm = await trainTaskLm(c, { tasks, store, runId, progress: false });
  for (const name of ["acc_bitwise", "acc_train_bitwise"]) {
    const rows = store.metrics(runId, { name });
    assertEquals(rows.map((r) => r.step), [3, 6], name);
    assert(rows.every((r) => r.value >= 0 && r.value <= 1), name);
  }
  lm.model.dispose();
  store.close();
});

Deno.test("the Llama-style task LM (RoPE, RMSNorm, SwiGLU) trains from its seeded init", async () => {
  const lc = taskLlamaConfig({ nLayers: 6, dModel: 96, nHeads: 4, maxLen: 1024, vocabSize: 256 });
  assertEquals(lc.ffnDim, 256);
  assertEquals(lc.headDim, 24);
  const lm = await trainTaskLm(
    iclLmConfig("smoke", { tasks: ["bitwise"], architecture: "llama" }),
    { tasks, progress: false },
  );
  assert(lm.model instanceof LlamaModel);
  assert(
    Number.isFinite(lm.train.finalLoss) && lm.train.finalLoss < Math.log(256),
    `loss ${lm.train.finalLoss}`,
  );
  assert(
    Array.from(lm.model.params["h.0.ln1.g"].dataSync()).some((g) => g !== 1),
    "norm gains trained",
  );
  lm.model.dispose();
});

Deno.test("the LM's run key depends on its training fields and architecture only", async () => {
  const { taskLmTrainingConfig } = await import("../../lib/icl_lm/experiment.ts");
  const { configHash } = await import("../../lib/store/results.ts");
  const key = (over: object) => configHash(taskLmTrainingConfig(iclLmConfig("cpu", over)));
  assertEquals(key({ perConcept: 10, loraRank: 4 }), key({}));
  assert(key({ architecture: "llama" }) !== key({}));
  assert(key({ seed: 1 }) !== key({}));
});

Deno.test("trainIclLm: a paused LM run, archived with its state, finishes on a fresh machine as if never paused", async () => {
  const { trainIclLm } = await import("../../lib/icl_lm/experiment.ts");
  const { exportRun } = await import("../../lib/store/archive.ts");
  const tmp = await Deno.makeTempDir();
  const whole = openResults(`${tmp}/a/results.sqlite`, { archive: false });
  const a = await trainIclLm(cfg, {
    store: whole,
    tasks,
    checkpointDir: `${tmp}/a`,
    progress: false,
  });
  assertEquals([a.lm.train.step, a.lm.train.paused, whole.run(a.runId)?.status], [
    6,
    false,
    "done",
  ]);
  a.lm.model.dispose();

  const src = openResults(`${tmp}/p/results.sqlite`, { archive: false });
  const p = await trainIclLm(cfg, {
    store: src,
    tasks,
    checkpointDir: `${tmp}/p`,
    progress: false,
    deadline: Date.now() - 1,
  });
  assertEquals([p.runId, p.lm.train.step, p.lm.train.paused], [a.runId, 3, true]);
  assertEquals(src.run(p.runId)?.status, "running", "a paused LM run is not done");
  p.lm.model.dispose();
  await exportRun(src, p.runId, {
    dir: `${tmp}/archive`,
    checkpoint: `${tmp}/p/${p.runId}.safetensors`,
    allowDirty: true,
  });

  const fresh = openResults(`${tmp}/q/results.sqlite`, { archive: `${tmp}/archive` });
  const q = await trainIclLm(cfg, {
    store: fresh,
    tasks,
    checkpointDir: `${tmp}/q`,
    progress: false,
  });
  assertEquals([q.lm.train.resumedFrom, q.lm.train.step, fresh.run(q.runId)?.status], [
    3,
    6,
    "done",
  ]);
  assertEquals(
    await Deno.readFile(`${tmp}/q/${q.runId}.safetensors`),
    await Deno.readFile(`${tmp}/a/${a.runId}.safetensors`),
    "bit-identical to the uninterrupted LM",
  );
  q.lm.model.dispose();
  for (const s of [whole, src, fresh]) s.close();
});

Deno.test("the long preset trains on the wider POS pool and the cpu model", () => {
  const long = iclLmConfig("long"), cpu = iclLmConfig("cpu");
  assertEquals(long.pos.trainPool, "anyConcept");
  assertEquals(long.model, cpu.model);
  assert((long.train.steps ?? 0) > (cpu.train.steps ?? 0));
});
