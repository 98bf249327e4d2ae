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
