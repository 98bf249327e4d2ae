import { assert, assertEquals } from "../assert.ts";
import { ResultsStore } from "../../lib/store/mod.ts";
import { reproduce } from "../../lib/scaling/reproduce.ts";

Deno.test("reproduce (smoke): writes scaling_*.svg figures and compares with the paper", async () => {
  const dir = await Deno.makeTempDir({ prefix: "scaling-repro-" });
  const store = new ResultsStore(":memory:");
  try {
    const s = await reproduce({ outDir: dir, preset: "smoke", store });
    assertEquals(s.figures.length, 8);
    for (const f of s.figures) {
      assert(f.split("/").pop()!.startsWith("scaling_"), f);
      assert((await Deno.readTextFile(f)).startsWith("<svg"), f);
    }
    assert(s.comparisons.length >= 15);
    assert(s.comparisons.filter((c) => c.verdict === "match").length >= 15, "most numbers match");
    assert(s.markdown.includes("§4"));
    assertEquals(store.runs({ experiment: "scaling" }).length, 1);
  } finally {
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
});
