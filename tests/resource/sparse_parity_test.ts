import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../assert.ts";
import { openResults } from "../../lib/store/results.ts";
import { ConfigError } from "../../lib/util/validate.ts";
import { resolveParityConfig, runParity } from "../../lib/resource/mod.ts";
import { parityProblem, trainParity } from "../../lib/resource/sparse_parity.ts";

Deno.test("subtask frequencies follow Zipf with exponent zipf + 1", () => {
  const p = parityProblem(resolveParityConfig({ tasks: 8, zipf: 0.5 }));
  assertAlmostEquals(p.probs.reduce((s, v) => s + v, 0), 1, 1e-12);
  assertAlmostEquals(p.probs[0] / p.probs[3], 4 ** 1.5, 1e-9);
  for (const s of p.subsets) assertEquals(new Set(s).size, 3);
});

Deno.test("a wide net learns the most frequent 2-bit parity subtask; a store caches widths", async () => {
  const cfg = {
    tasks: 2,
    bits: 4,
    k: 2,
    zipf: 1,
    widths: [16],
    steps: 800,
    batch: 64,
    lr: 1e-2,
    testPerTask: 100,
  };
  const r = trainParity(resolveParityConfig(cfg), 16);
  assert(r.perTask[0].accuracy >= 0.95, `accuracy ${r.perTask[0].accuracy}`);
  assert(r.loss < Math.LN2 * 0.6, `loss ${r.loss}`);
  const store = openResults(":memory:");
  const a = await runParity(cfg, { store, progress: false });
  const b = await runParity(cfg, { store, progress: false });
  assertEquals(b.widths, a.widths);
  assertEquals(store.runs({ experiment: "resource-parity" }).length, 1);
  store.close();
});

Deno.test("a bad parity config names its field", () => {
  assertEquals(
    (assertThrows(() => resolveParityConfig({ k: 20, bits: 10 }), ConfigError) as ConfigError)
      .field,
    "k",
  );
  assertEquals(
    (assertThrows(() => resolveParityConfig({ widths: [] }), ConfigError) as ConfigError).field,
    "widths",
  );
  assertEquals(
    (assertThrows(() => resolveParityConfig({ zipf: 0 }), ConfigError) as ConfigError).field,
    "zipf",
  );
});
