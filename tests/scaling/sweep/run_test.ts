import { tf } from "../../../lib/deps.ts";
import { initBackend } from "../../../lib/backend/backend.ts";
import { crossEntropyRows, LanguageModel } from "../../../lib/model/language_model.ts";
import { openResults } from "../../../lib/store/results.ts";
import { runScalingSweep, sweepPlan, sweepTokens } from "../../../lib/scaling/sweep/run.ts";
import {
  analyzeSweep,
  isoFlopMinimum,
  sizeJackknife,
  type SweepPoint,
} from "../../../lib/scaling/sweep/analysis.ts";
import { scalingSweepConfig } from "../../../lib/scaling/sweep/config.ts";
import { SweepBatches } from "../../../lib/scaling/sweep/data.ts";
import { lmWindowLoss, softmaxCrossEntropyRows } from "../../../lib/scaling/sweep/loss.ts";
import { ConfigError } from "../../../lib/util/validate.ts";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../../assert.ts";

await initBackend({ backend: "wasm", quiet: true });
const root = new URL("../../../", import.meta.url).pathname;

Deno.test("sweep grid: every run's tokens satisfy C = 6·N_T·D up to whole steps", () => {
  for (const preset of ["smoke", "cpu"]) {
    const cfg = scalingSweepConfig(preset);
    const { sizes, cells } = sweepPlan(cfg);
    assertEquals(cells.length, cfg.sizes.length * cfg.budgets.length * cfg.seeds.length);
    assertEquals(new Set(cells.map((c) => c.runId)).size, cells.length, "run ids are distinct");
    const perStep = cfg.batchSize * cfg.context;
    for (const c of cells) {
      const n = sizes[c.size].total;
      assertEquals(c.tokens, c.steps * perStep);
      const exact = c.budget / (6 * n);
      assert(
        Math.abs(c.tokens - exact) <= perStep / 2 || c.steps === 1,
        `${c.name}: ${c.tokens} vs ${exact}`,
      );
      if (preset === "cpu") assertAlmostEquals(6 * n * c.tokens / c.budget, 1, 0.01, c.name);
    }
    for (const s of sizes) assertEquals(s.total, s.nonEmbedding + s.embedding);
  }
  // cpu-wide = cpu's 18 runs (same ids) + a 4th budget without the smallest model (D/N_T > 8).
  const cpu = sweepPlan(scalingSweepConfig("cpu")).cells;
  const wide = sweepPlan(scalingSweepConfig("cpu-wide")).cells;
  assertEquals(wide.length, 23);
  const wideIds = new Set(wide.map((c) => c.runId));
  assert(cpu.every((c) => wideIds.has(c.runId)), "cpu's runs are cpu-wide's");
  const added = wide.filter((c) => c.budget === 2.25e12);
  assertEquals(added.map((c) => c.size), [1, 2, 3, 4, 5], "d 4 is skipped at 2.25e12");
  assert(wide.every((c) => c.tokens / c.info.total <= 8));
  // cpu-wider = cpu-wide's 23 runs + a 5th budget, d 12 → d 32 (d 8 there has D/N_T 5.2 > 5).
  const wider = sweepPlan(scalingSweepConfig("cpu-wider")).cells;
  const widerIds = new Set(wider.map((c) => c.runId));
  assert(wide.every((c) => widerIds.has(c.runId)), "cpu-wide's runs are cpu-wider's");
  assertEquals(wider.filter((c) => c.budget === 5.0625e12).map((c) => c.size), [2, 3, 4, 5]);
  assertEquals(wider.length, 27);
  assertEquals(sweepTokens({ batchSize: 4, context: 16 }, 1e3, 6e3 * 640), {
    steps: 10,
    tokens: 640,
  });
});

Deno.test("IsoFLOP minimum: a parabola in log N is recovered; a monotone profile is an edge", () => {
  const n = [1e5, 2e5, 4e5, 8e5, 1.6e6, 3.2e6];
  const exact = isoFlopMinimum(n, n.map((x) => 3 + 0.2 * Math.log(x / 6e5) ** 2));
  assert(exact.interior);
  assertAlmostEquals(exact.nOpt / 6e5, 1, 1e-9);
  assertAlmostEquals(exact.lossOpt, 3, 1e-9);
  const noise = [0.004, -0.003, 0.002, -0.004, 0.003, -0.002];
  const noisy = isoFlopMinimum(n, n.map((x, i) => 3 + 0.2 * Math.log(x / 6e5) ** 2 + noise[i]));
  assertAlmostEquals(Math.log(noisy.nOpt / 6e5), 0, 0.05);
  const edge = isoFlopMinimum(n, n.map((x) => 3 + Math.log(x)));
  assertEquals(edge.interior, false);
  assertEquals(edge.nOpt, 1e5);
  assertThrows(() => isoFlopMinimum([1, 2], [1, 2]), ConfigError);
});

Deno.test("analyzeSweep on a Chinchilla law recovers a_T ≈ β/(α+β); non-embedding counting gives a larger a", () => {
  const [A, B, E, alpha, beta] = [482.01, 2085.43, 1.8172, 0.3478, 0.3658];
  const shapes = [[1, 16], [2, 24], [2, 32], [3, 48], [4, 64], [4, 80], [5, 96], [6, 128]];
  const budgets = [3e14, 1e15, 3e15, 1e16]; // optima 1.3M → 7.3M, inside the sizes
  const points: SweepPoint[] = [];
  shapes.forEach(([layers, d], size) => {
    const nNonEmbedding = 12 * layers * d * d, nTotal = nNonEmbedding + 50257 * d;
    for (const budget of budgets) {
      const tokens = budget / (6 * nTotal);
      points.push({
        size,
        nTotal,
        nNonEmbedding,
        budget,
        tokens,
        loss: E + A / nTotal ** alpha + B / tokens ** beta,
      });
    }
  });
  const a = analyzeSweep(points);
  assertEquals(a.profiles.total.length, budgets.length);
  assert(a.optimal.total.every((r) => r.interior), JSON.stringify(a.optimal.total));
  assertAlmostEquals(a.fits.total!.exponent, beta / (alpha + beta), 0.03);
  assert(a.profiles.nonEmbedding.length >= 2, "non-embedding profiles exist");
  assert(a.profiles.nonEmbedding.every((p) => p.points.length >= 3));
  // Counted Kaplan's way, the same optima scale like the paper's small-N asymptote β/(β+α/3) = 0.76.
  assertAlmostEquals(a.fits.nonEmbedding!.exponent, 0.72, 0.05);
  const jk = sizeJackknife(points);
  assertEquals(jk.map((r) => r.dropped), shapes.map((_, i) => i));
  for (const r of jk) {
    if (r.total !== null) assertAlmostEquals(r.total, beta / (alpha + beta), 0.05);
  }
});

Deno.test("the sweep's cross-entropy equals crossEntropyRows in value and gradient; batches are pure", () => {
  const rows = 6, V = 50;
  const logits = tf.variable(tf.randomNormal([rows, V], 0, 3, "float32", 1));
  const targets = Int32Array.from({ length: rows }, (_, i) => (i * 17) % V);
  const g = (f: () => tf.Scalar) => tf.variableGrads(f, [logits]);
  const ref = g(() => tf.mean(crossEntropyRows(logits as unknown as tf.Tensor2D, targets, V)));
  const ours = g(() => tf.mean(softmaxCrossEntropyRows(logits as unknown as tf.Tensor2D, targets)));
  assertAlmostEquals(ours.value.dataSync()[0], ref.value.dataSync()[0], 1e-6);
  const d =
    tf.max(tf.abs(tf.sub(Object.values(ours.grads)[0], Object.values(ref.grads)[0]))).dataSync()[0];
  assert(d < 1e-6, `gradient differs by ${d}`);
  tf.dispose([
    logits,
    ours.value,
    ref.value,
    ...Object.values(ours.grads),
    ...Object.values(ref.grads),
  ]);
  const lm = new LanguageModel({ vocabSize: V, maxLen: 8, nLayers: 1, dModel: 8, nHeads: 2 }, {
    seed: 3,
  });
  const w = Int32Array.from({ length: 3 * 9 }, (_, i) => (i * 11) % V);
  assertAlmostEquals(lmWindowLoss(lm, w, 3).dataSync()[0], lm.loss(w, 3).dataSync()[0], 1e-6);
  lm.dispose();
  const ids = Int32Array.from({ length: 500 }, (_, i) => i);
  const a = new SweepBatches(ids, { context: 4, batchSize: 8, seed: 1 });
  const b = new SweepBatches(ids, { context: 4, batchSize: 8, seed: 1 });
  assertEquals(Array.from(a.batch(40)), Array.from(b.batch(40)), "step 40 without steps 1–39");
  const first = Array.from(a.batch(1));
  assertEquals(first.length, 8 * 5);
  for (let r = 0; r < 8; r++) {
    assertEquals(first[r * 5 + 4] - first[r * 5], 4, "windows are contiguous");
  }
});

Deno.test("smoke sweep: trains and stores every run, then resumes without training; JSON shape", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sweep-test-" });
  try {
    const db = `${dir}/results.sqlite`;
    const cfg = scalingSweepConfig("smoke");
    const store = openResults(db);
    const before = tf.memory().numTensors;
    const common = {
      preset: "smoke",
      store,
      progress: false,
      cacheDir: `${dir}/cache`,
      checkpointDir: `${dir}/ckpt`,
    };
    const half = await runScalingSweep(cfg, { ...common, shard: { index: 1, count: 2 } });
    // Without OpenBLAS the unfused attention path caches one causal mask per length (not a leak).
    const afterHalf = tf.memory().numTensors;
    assert(afterHalf - before <= 1, `tensors ${before} → ${afterHalf}`);
    const rest = await runScalingSweep(cfg, { ...common, shard: { index: 2, count: 2 } });
    assertEquals(tf.memory().numTensors, afterHalf, "no leaked tensors");
    const n = cfg.sizes.length * cfg.budgets.length;
    assert(half.trained.runs > 0 && rest.trained.runs > 0, "both shards train");
    assertEquals(half.trained.runs + rest.trained.runs, n, "shards partition the grid");
    assertEquals(half.missing, rest.trained.runs);
    assertEquals(rest.missing, 0);
    assertEquals(store.runs({ experiment: cfg.experiment, status: "done" }).length, n);
    assert(rest.runs.every((r) => Number.isFinite(r.valLoss) && r.valLoss < Math.log(50257) + 1));
    assertEquals([...Deno.readDirSync(`${dir}/ckpt`)].length, 0, "checkpoints removed once done");
    // A grid listing the sizes in another order reads the same runs, re-indexed.
    const reordered = await runScalingSweep({ ...cfg, sizes: [...cfg.sizes].reverse() }, {
      ...common,
      analyzeOnly: true,
    });
    assertEquals(reordered.missing, 0);
    assertEquals(reordered.runs.length, n);
    for (const r of reordered.runs) assertEquals(reordered.sizes[r.size].total, r.nTotal);
    store.close();

    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        `${root}tasks/scaling_sweep.ts`,
        "--preset",
        "smoke",
        "--json",
        "--db",
        db,
        "--figures",
        "",
      ],
      cwd: root,
      env: { NO_COLOR: "1", TOOLKIT_QUIET: "1", TOOLKIT_RESULTS: dir },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dec = new TextDecoder();
    assertEquals(out.code, 0, dec.decode(out.stderr));
    const j = JSON.parse(dec.decode(out.stdout));
    assertEquals(j.trained, { runs: 0, steps: 0 }, "the second call trains nothing");
    assertEquals(j.preset, "smoke");
    assertEquals(j.budgets, cfg.budgets);
    assertEquals(j.sizes.length, cfg.sizes.length);
    for (const s of j.sizes) {
      for (const k of ["total", "nonEmbedding"]) assertEquals(typeof s[k], "number");
    }
    assertEquals(j.optimal.length, cfg.budgets.length);
    for (const r of j.optimal) {
      for (const k of ["C", "N_total", "N_nonEmbedding", "loss"]) {
        assertEquals(typeof r[k], "number", k);
      }
    }
    assert("total" in j.exponent && "nonEmbedding" in j.exponent);
    assertEquals(j.paper, { total: 0.49, nonEmbedding: 0.74 });
    assertEquals(j.runs.length, n);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a bad flag or config value fails naming its field", async () => {
  const run = async (args: string[]) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `${root}tasks/scaling_sweep.ts`, ...args],
      cwd: root,
      env: { NO_COLOR: "1", TOOLKIT_QUIET: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
  };
  const preset = await run(["--preset", "huge"]);
  assertEquals(preset.code, 2);
  assert(
    preset.stderr.startsWith("error: preset:") && preset.stderr.includes("smoke"),
    preset.stderr,
  );
  const schedule = await run(["--preset", "smoke", "--schedule", "linear"]);
  assertEquals(schedule.code, 2);
  assert(schedule.stderr.startsWith("error: schedule:"), schedule.stderr);
  const flag = await run(["--presets", "smoke"]);
  assertEquals(flag.code, 2);
  assert(flag.stderr.includes("--preset"), flag.stderr);
  const field = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      if (e instanceof ConfigError) return e.field;
      throw e;
    }
    return "no error";
  };
  assertEquals(
    field(() => scalingSweepConfig("cpu", { sizes: [{ nLayers: 1, dModel: 10, nHeads: 3 }] })),
    "sizes[0].nHeads",
  );
  assertEquals(field(() => scalingSweepConfig("cpu", { budgets: [1e12, -1] })), "budgets[1]");
  assertEquals(field(() => scalingSweepConfig("cpu", { lrr: 1 } as never)), "sweep.lrr");
  assertEquals(
    field(() => scalingSweepConfig("cpu", { corpusCategories: ["poetry"] })),
    "corpusCategories",
  );
});
