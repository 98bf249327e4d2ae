import { assert, assertEquals } from "../assert.ts";
import { openResults } from "../../lib/store/results.ts";
import { runExperiment } from "../../lib/resource/mod.ts";

Deno.test("smoke sequential experiment: rows with per-layer and g-correlated neurons", async () => {
  const store = openResults(":memory:");
  const s = await runExperiment("sequential", { preset: "smoke", store, progress: false });
  assertEquals(s.rows.length, 2);
  for (const r of s.rows) {
    assertEquals(String(r.layers).split("/").length, 4);
    assert(typeof r.g_layer3 === "number" && typeof r.g_best === "number");
  }
  assertEquals(store.runs({ experiment: "resource-sequential", status: "done" }).length, 2);
  store.close();
});
