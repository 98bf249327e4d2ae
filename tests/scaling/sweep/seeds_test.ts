import { initBackend } from "../../../lib/backend/backend.ts";
import { openResults } from "../../../lib/store/results.ts";
import {
  completeSeeds,
  runScalingSweep,
  sweepPlan,
  type SweepRunSummary,
  sweepSummary,
} from "../../../lib/scaling/sweep/run.ts";
import {
  optimumTokens,
  plannedOptimumTokens,
  seedIntervals,
  type SweepOptimum,
} from "../../../lib/scaling/sweep/analysis.ts";
import { scalingSweepConfig } from "../../../lib/scaling/sweep/config.ts";
import { sweepMarkdown, sweepTokensMarkdown } from "../../../lib/scaling/sweep/report.ts";
import { ConfigError } from "../../../lib/util/validate.ts";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../../assert.ts";

await initBackend({ backend: "wasm", quiet: true });
const root = new URL("../../../", import.meta.url).pathname;

Deno.test("cpu-wider run ids are the archived ones (a corpus other than brown changes them)", () => {
  // Seed 0 of cpu-wider: 27 runs, cpu-wide's 23 among them (seed 1 is archived too: -s1-).
  const archived = [...Deno.readDirSync(`${root}fixtures/runs`)].map((e) => e.name)
    .filter((n) => n.startsWith("scaling_sweep-") && n.includes("-s0-")).sort();
  assertEquals(archived.length, 27);
  const cfg = scalingSweepConfig("cpu-wider");
  assertEquals(cfg.corpus, "brown");
  assertEquals(sweepPlan(cfg).cells.map((c) => c.runId).sort(), archived);
  const nlp = sweepPlan(scalingSweepConfig("cpu-wider", { corpus: "nlp-corpus" })).cells;
  assert(nlp.every((c) => !archived.includes(c.runId)));
  assert(nlp.every((c) => c.name.endsWith("-cosine-nlp-corpus")), nlp[0].name);
});

Deno.test("sweep config: corpus is checked by name", () => {
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
    field(() => scalingSweepConfig("cpu", { corpus: "bookcorpus" as "brown" })),
    "corpus",
  );
  assertEquals(
    field(() => scalingSweepConfig("cpu", { corpus: "nlp-corpus", corpusCategories: ["news"] })),
    "corpusCategories",
  );
  assertEquals(
    scalingSweepConfig("cpu", { corpus: "brown+nlp-corpus" }).corpus,
    "brown+nlp-corpus",
  );
});

Deno.test("optimumTokens and plannedOptimumTokens: D = C/(6N), D/N, epochs", () => {
  const opt = {
    C: 6e12,
    N_total: 1e6,
    N_nonEmbedding: 1e4,
    C_total: 6e12,
    C_nonEmbedding: 6e10,
    loss: 7,
    interior: true,
    sizes: 6,
  } satisfies SweepOptimum;
  const [r] = optimumTokens([opt], 5e5);
  assertEquals([r.D, r.tokensPerParam, r.epochs, r.extrapolated], [1e6, 1, 2, false]);
  const [p] = plannedOptimumTokens({ coefficient: 10, exponent: 0.4 }, [1e14], 1e6);
  const n = 10 * 1e14 ** 0.4;
  assertAlmostEquals(p.N_total, n, 1e-6 * n);
  assertAlmostEquals(p.D, 1e14 / (6 * n), 1e-3);
  assertAlmostEquals(p.epochs, 1e14 / (6 * n) / 1e6, 1e-9);
  assertEquals([p.extrapolated, p.N_nonEmbedding], [true, null]);
  assertThrows(() => optimumTokens([opt], 0), ConfigError, "trainTokens");
});

Deno.test("seed intervals from a store of fake runs: each seed's exponent, mean and t-interval", async () => {
  // Loss = 7 + 0.05·(ln N_T − ln N_opt,s(C))², N_opt,s = 5e5·(C/4.5e11)^a_s: each seed's IsoFLOP
  // parabolas are exact, so its fitted exponent is a_s. Seed 2 misses a run (incomplete grid).
  const a = [0.4, 0.5, 0.6];
  const dir = await Deno.makeTempDir({ prefix: "sweep-seeds-" });
  try {
    const cfg = scalingSweepConfig("cpu", {
      experiment: "fake_sweep",
      seeds: [0, 1, 2],
      corpusCategories: ["humor"], // a small corpus to encode: the analysis reads its size only
      validationFraction: 0.25,
    });
    const store = openResults(`${dir}/results.sqlite`, { archive: false });
    const { cells, sizes } = sweepPlan(cfg);
    for (const c of cells) {
      if (c.seed === 2 && c.size === 0 && c.budget === 2e11) continue;
      const nT = sizes[c.size].total;
      const nOpt = 5e5 * (c.budget / 4.5e11) ** a[c.seed];
      const summary: SweepRunSummary = {
        runId: c.runId,
        size: c.size,
        budget: c.budget,
        seed: c.seed,
        nTotal: nT,
        nNonEmbedding: sizes[c.size].nonEmbedding,
        steps: c.steps,
        tokens: c.tokens,
        compute: 6 * nT * c.tokens,
        epochs: 0,
        valLoss: 7 + 0.05 * Math.log(nT / nOpt) ** 2,
        trainLoss: NaN,
        msPerStep: 0,
        seconds: 0,
      };
      store.startRun({ experiment: cfg.experiment, name: c.name, config: c.config, id: c.runId });
      store.finishRun(c.runId, summary);
    }
    assertEquals(completeSeeds(cfg, store), [0, 1], "seed 2's grid is incomplete");
    const common = { store, analyzeOnly: true, progress: false, cacheDir: `${dir}/cache` };
    const res = await runScalingSweep({ ...cfg, seeds: [0, 1] }, common);
    assertEquals(res.missing, 0);
    const s = res.seeds;
    assertEquals(s.perSeed.map((p) => p.seed), [0, 1]);
    for (const p of s.perSeed) {
      assertEquals(p.interior, 3);
      assertAlmostEquals(p.total!, a[p.seed], 1e-6, `seed ${p.seed}`);
    }
    assertAlmostEquals(s.total!.mean, 0.45, 1e-6);
    assertAlmostEquals(s.total!.sd, 0.1 / Math.SQRT2, 1e-6);
    // t(0.975, 1 df) = 12.706: two seeds give a wide interval
    assertAlmostEquals(s.total!.ci[1] - s.total!.ci[0], 2 * 12.706 * 0.05, 1e-3);
    assert(s.nonEmbedding !== null && s.nonEmbedding.min > s.total!.max, "N_\\E exponents larger");
    assertEquals(sweepSummary(res).seeds, s);
    assertEquals(sweepSummary(res).optimumTokens.length, 3);
    const md = sweepMarkdown(res);
    assert(md.includes("over 2 seeds are 0.450") && md.includes("t-interval"), md);
    assert(sweepTokensMarkdown(res).includes("| D/N_T |"), sweepTokensMarkdown(res));
    // One seed: no interval, and the report says why.
    const one = await runScalingSweep({ ...cfg, seeds: [1] }, common);
    assertEquals([one.seeds.total, one.seeds.nonEmbedding], [null, null]);
    assertAlmostEquals(one.analysis.fits.total!.exponent, 0.5, 1e-6);
    assert(sweepMarkdown(one).includes("No seed interval: one seed"));
    assertEquals(seedIntervals([]).perSeed, []);
    store.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
