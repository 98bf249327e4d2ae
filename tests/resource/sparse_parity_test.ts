import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../assert.ts";
import { openResults } from "../../lib/store/results.ts";
import { ConfigError } from "../../lib/util/validate.ts";
import {
  resolveResourceParity,
  resourceParityProblem,
  runResourceParity,
  trainResourceParity,
} from "../../lib/resource/sparse_parity.ts";

Deno.test("subtask frequencies follow Zipf with exponent zipf + 1", () => {
  const p = resourceParityProblem(resolveResourceParity({ tasks: 8, zipf: 0.5 }));
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
  const r = trainResourceParity(resolveResourceParity(cfg), 16);
  assert(r.perTask[0].accuracy >= 0.95, `accuracy ${r.perTask[0].accuracy}`);
  assert(r.loss < Math.LN2 * 0.6, `loss ${r.loss}`);
  const store = openResults(":memory:");
  const a = await runResourceParity(cfg, { store, progress: false });
  const b = await runResourceParity(cfg, { store, progress: false });
  assertEquals(b.widths, a.widths);
  assertEquals(store.runs({ experiment: "resource-parity" }).length, 1);
  store.close();
});

Deno.test("a bad parity config names its field", () => {
  assertEquals(
    (assertThrows(() => resolveResourceParity({ k: 20, bits: 10 }), ConfigError) as ConfigError)
      .field,
    "k",
  );
  assertEquals(
    (assertThrows(() => resolveResourceParity({ widths: [] }), ConfigError) as ConfigError).field,
    "widths",
  );
  assertEquals(
    (assertThrows(() => resolveResourceParity({ zipf: 0 }), ConfigError) as ConfigError).field,
    "zipf",
  );
});
