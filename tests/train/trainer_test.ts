import { tf } from "../../lib/deps.ts";
import { initBackend } from "../../lib/backend/backend.ts";
import { RegressionTransformer } from "../../lib/model/regression_transformer.ts";
import { loadCheckpoint, saveCheckpoint } from "../../lib/store/checkpoint.ts";
import { openResults } from "../../lib/store/results.ts";
import { learningRate, train, trainConfig } from "../../lib/train/trainer.ts";
import { UsageError } from "../../lib/util/cli.ts";
import { ConfigError } from "../../lib/util/validate.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "../assert.ts";
import { randomRegressionBatch, TINY } from "../helpers.ts";

await initBackend({ backend: "wasm", quiet: true });
const batchOf = (step: number) => randomRegressionBatch(step);

Deno.test("tf.memory().numTensors stays flat over 200 training steps", async () => {
  const model = new RegressionTransformer(TINY, { seed: 0 });
  const counts: number[] = [];
  await train(model, { steps: 200, lr: 1e-3, logEvery: 20 }, {
    batch: batchOf,
    loss: (b) => model.loss(b),
    progress: false,
    evaluate: () => (counts.push(tf.memory().numTensors), {}),
  });
  // evaluate runs only at the end unless evalEvery is set; run again with evalEvery.
  counts.length = 0;
  await train(model, { steps: 200, lr: 1e-3, logEvery: 20, evalEvery: 10 }, {
    batch: batchOf,
    loss: (b) => model.loss(b),
    progress: false,
    evaluate: () => (counts.push(tf.memory().numTensors), {}),
  });
  assertEquals(counts.length, 20);
  assert(counts.every((c) => c === counts[0]), `tensor counts drift: ${counts.join(",")}`);
  model.dispose();
});

Deno.test("a killed run resumes from its checkpoint to the same final loss and parameters", async () => {
  const dir = await Deno.makeTempDir();
  const store = openResults(`${dir}/r.sqlite`);
  const cfg = { steps: 40, lr: 3e-3, logEvery: 5, checkpointEvery: 10 };
  const straight = new RegressionTransformer(TINY, { seed: 9 });
  const a = await train(straight, cfg, {
    batch: batchOf,
    loss: (b) => straight.loss(b),
    progress: false,
  });

  const run = store.startRun({ experiment: "test", config: cfg });
  const killed = new RegressionTransformer(TINY, { seed: 9 });
  const ckpt = `${dir}/ckpt.safetensors`;
  // "Kill" after step 23: the last checkpoint is at step 20; metrics up to 23 were logged.
  await train(killed, cfg, {
    batch: batchOf,
    loss: (b) => killed.loss(b),
    progress: false,
    checkpointPath: ckpt,
    store,
    runId: run,
    stopAfter: 23,
  });
  killed.dispose();
  const resumedModel = new RegressionTransformer(TINY, { seed: 123 }); // different init: must be overwritten
  const b = await train(resumedModel, { ...cfg }, {
    batch: batchOf,
    loss: (x) => resumedModel.loss(x),
    progress: false,
    checkpointPath: ckpt,
    store,
    runId: run,
  });
  assertEquals(b.resumedFrom, 20, "resumes from the last checkpoint before the kill");
  assertEquals(b.finalLoss, a.finalLoss);
  for (const name of Object.keys(straight.params)) {
    assertEquals(
      Array.from(resumedModel.params[name].dataSync()),
      Array.from(straight.params[name].dataSync()),
      name,
    );
  }
  // Every logging step appears exactly once in the store.
  const steps = store.metrics(run, { name: "train_loss" }).map((m) => m.step);
  assertEquals(steps, [5, 10, 15, 20, 25, 30, 35, 40]);
  store.close();
  straight.dispose();
  resumedModel.dispose();
});

Deno.test("a deadline pauses at a logging step with a checkpoint, and the run resumes to the same result", async () => {
  const dir = await Deno.makeTempDir();
  const cfg = { steps: 30, lr: 3e-3, logEvery: 5, checkpointEvery: 100 };
  const straight = new RegressionTransformer(TINY, { seed: 4 });
  const a = await train(straight, cfg, {
    batch: batchOf,
    loss: (b) => straight.loss(b),
    progress: false,
  });
  assertEquals(a.paused, false);
  const ckpt = `${dir}/ckpt.safetensors`;
  const first = new RegressionTransformer(TINY, { seed: 4 });
  // A deadline already past: training runs to the first logging step (5), checkpoints there and stops.
  const p = await train(first, cfg, {
    batch: batchOf,
    loss: (b) => first.loss(b),
    progress: false,
    checkpointPath: ckpt,
    deadline: Date.now() - 1,
  });
  assertEquals([p.step, p.paused], [5, true]);
  first.dispose();
  const second = new RegressionTransformer(TINY, { seed: 77 });
  const b = await train(second, cfg, {
    batch: batchOf,
    loss: (x) => second.loss(x),
    progress: false,
    checkpointPath: ckpt,
  });
  assertEquals([b.resumedFrom, b.step, b.paused], [5, 30, false]);
  assertEquals(b.finalLoss, a.finalLoss);
  for (const name of Object.keys(straight.params)) {
    assertEquals(
      Array.from(second.params[name].dataSync()),
      Array.from(straight.params[name].dataSync()),
      name,
    );
  }
  straight.dispose();
  second.dispose();
});

Deno.test("resume refuses a checkpoint written for another model or optimizer", async () => {
  const dir = await Deno.makeTempDir();
  const ckpt = `${dir}/c.safetensors`;
  const m = new RegressionTransformer(TINY, { seed: 0 });
  await train(m, { steps: 2, lr: 1e-3 }, {
    batch: batchOf,
    loss: (b) => m.loss(b),
    progress: false,
    checkpointPath: ckpt,
  });
  await assertRejects(
    () =>
      train(m, { steps: 4, lr: 2e-3 }, {
        batch: batchOf,
        loss: (b) => m.loss(b),
        progress: false,
        checkpointPath: ckpt,
      }),
    "lr=",
  );
  const other = new RegressionTransformer({ ...TINY, dModel: 8 }, { seed: 0 });
  await assertRejects(
    () =>
      train(other, { steps: 4, lr: 1e-3 }, {
        batch: batchOf,
        loss: (b) => other.loss(b),
        progress: false,
        checkpointPath: ckpt,
      }),
    "another model config",
  );
  m.dispose();
  other.dispose();
});

Deno.test("resume accepts a checkpoint written before a model field existed, with that field's old value only", async () => {
  const dir = await Deno.makeTempDir();
  const ckpt = `${dir}/c.safetensors`;
  const m = new RegressionTransformer(TINY, { seed: 0 });
  const opts = {
    batch: batchOf,
    loss: (b: ReturnType<typeof batchOf>) => m.loss(b),
    progress: false,
  };
  await train(m, { steps: 2, lr: 1e-3 }, { ...opts, checkpointPath: ckpt });
  // what a checkpoint from before `readInit` existed looks like: the same config without the field
  const c = await loadCheckpoint(ckpt);
  assert(c !== null);
  const old = JSON.parse(c.metadata.model);
  assertEquals(old.readInit, "normal");
  delete old.readInit;
  await saveCheckpoint(ckpt, { ...c, metadata: { ...c.metadata, model: JSON.stringify(old) } });
  const r = await train(m, { steps: 4, lr: 1e-3 }, { ...opts, checkpointPath: ckpt });
  assertEquals([r.resumedFrom, r.step], [2, 4]);
  // the same old checkpoint under a model that now uses the other init is refused
  await saveCheckpoint(ckpt, { ...c, metadata: { ...c.metadata, model: JSON.stringify(old) } });
  const linear = new RegressionTransformer({ ...TINY, readInit: "linear" }, { seed: 0 });
  await assertRejects(
    () =>
      train(linear, { steps: 4, lr: 1e-3 }, {
        ...opts,
        loss: (b) => linear.loss(b),
        checkpointPath: ckpt,
      }),
    "another model config",
  );
  m.dispose();
  linear.dispose();
});

Deno.test("training reduces the loss on a learnable task (a fixed linear map)", async () => {
  const model = new RegressionTransformer(TINY, { seed: 4 });
  // y_i = sum of x_i: the same function in every sequence, learnable in-weights.
  const batch = (s: number) => {
    const b = randomRegressionBatch(s);
    for (let i = 0; i < b.batch * b.nPoints; i++) {
      let sum = 0;
      for (let j = 0; j < b.dim; j++) sum += b.tokens[2 * i * b.dim + j];
      b.ys[i] = sum;
      b.tokens.fill(0, (2 * i + 1) * b.dim, (2 * i + 2) * b.dim);
      b.tokens[(2 * i + 1) * b.dim] = sum;
    }
    return b;
  };
  const res = await train(model, { steps: 150, lr: 3e-3, logEvery: 10 }, {
    batch,
    loss: (b) => model.loss(b),
    progress: false,
  });
  assert(
    res.finalLoss < 0.2 * res.history[0].loss,
    `loss ${res.history[0].loss} → ${res.finalLoss}`,
  );
  model.dispose();
});

const bad: [string, Record<string, unknown>][] = [
  ["steps", { steps: 0 }],
  ["lr", { lr: -1 }],
  ["betas", { betas: [0.9, 1.2] }],
  ["schedule", { schedule: "linear" }],
  ["train.step", { step: 10 }],
];
for (const [field, over] of bad) {
  Deno.test(`trainConfig: bad ${field} raises ConfigError naming it`, () => {
    const e = assertThrows(() => trainConfig(over as never), ConfigError) as ConfigError;
    assertEquals(e.field, field);
  });
}

Deno.test("cosine schedule decays from lr to 10% of lr after warm-up", () => {
  const c = trainConfig({ steps: 100, lr: 1, schedule: "cosine", warmupSteps: 10 });
  assertEquals(learningRate(c, 5), 0.5);
  assertEquals(learningRate(c, 10), 1);
  assert(Math.abs(learningRate(c, 100) - 0.1) < 1e-9);
});

Deno.test("a killed run's full stored loss curve equals an uninterrupted run's when checkpoints fall inside a log window", async () => {
  const dir = await Deno.makeTempDir();
  const store = openResults(`${dir}/r.sqlite`);
  // Checkpoints at 7, 14, 21, …; logs every 5: the resume at 14 starts inside the window 11–15.
  const cfg = { steps: 30, lr: 3e-3, logEvery: 5, checkpointEvery: 7 };
  const straightRun = store.startRun({
    experiment: "test",
    name: "straight",
    config: { ...cfg, k: 1 },
  });
  const straight = new RegressionTransformer(TINY, { seed: 5 });
  await train(straight, cfg, {
    batch: batchOf,
    loss: (b) => straight.loss(b),
    progress: false,
    store,
    runId: straightRun,
  });
  const run = store.startRun({ experiment: "test", name: "killed", config: cfg });
  const ckpt = `${dir}/ckpt.safetensors`;
  const killed = new RegressionTransformer(TINY, { seed: 5 });
  await train(killed, cfg, {
    batch: batchOf,
    loss: (b) => killed.loss(b),
    progress: false,
    checkpointPath: ckpt,
    store,
    runId: run,
    stopAfter: 17,
  });
  killed.dispose();
  const resumed = new RegressionTransformer(TINY, { seed: 6 });
  const r = await train(resumed, cfg, {
    batch: batchOf,
    loss: (b) => resumed.loss(b),
    progress: false,
    checkpointPath: ckpt,
    store,
    runId: run,
  });
  assertEquals(r.resumedFrom, 14);
  const curve = (id: string) =>
    store.metrics(id, { name: "train_loss" }).map((m) => [m.step, m.value]);
  assertEquals(curve(run), curve(straightRun));
  assertEquals(curve(run).length, 6);
  store.close();
  straight.dispose();
  resumed.dispose();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a run trained by another live process is refused (or waited for); a dead owner's lock is taken over", async () => {
  const dir = await Deno.makeTempDir();
  const ckpt = `${dir}/ckpt.safetensors`;
  const cfg = { steps: 4, lr: 3e-3, logEvery: 2 };
  const model = new RegressionTransformer(TINY, { seed: 1 });
  const opts = {
    batch: batchOf,
    loss: (b: ReturnType<typeof batchOf>) => model.loss(b),
    progress: false,
    checkpointPath: ckpt,
  };
  // A live owner: a sleeping child process.
  const child = new Deno.Command("sleep", { args: ["30"] }).spawn();
  const owner = { pid: child.pid, host: Deno.hostname(), since: new Date().toISOString() };
  await Deno.writeTextFile(`${ckpt}.lock`, JSON.stringify(owner));
  const e = await assertRejects(() => train(model, cfg, { ...opts, runId: "run-x" }));
  assert(
    e instanceof UsageError && e.message.includes(`pid ${child.pid}`) &&
      e.message.includes("--wait"),
    e.message,
  );
  assertEquals(await exists(ckpt), false, "nothing trained or written");
  // --wait: proceeds once the owner is gone.
  const waiting = train(model, cfg, { ...opts, wait: true });
  setTimeout(() => child.kill(), 200);
  const res = await waiting;
  await child.status;
  assertEquals(res.step, 4);
  assertEquals(await exists(`${ckpt}.lock`), false, "released after training");
  // A lock left by a dead process (its pid is gone): taken over.
  await Deno.writeTextFile(`${ckpt}.lock`, JSON.stringify({ ...owner, pid: child.pid }));
  const again = await train(model, { ...cfg, steps: 6 }, opts);
  assertEquals([again.resumedFrom, again.step], [4, 6]);
  model.dispose();
  await Deno.remove(dir, { recursive: true });
});

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
