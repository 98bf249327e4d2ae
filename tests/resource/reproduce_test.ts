import { assert } from "../assert.ts";
import { openResults } from "../../lib/store/results.ts";
import { reproduce } from "../../lib/resource/reproduce.ts";

Deno.test("smoke reproduction writes resource_ figures and comparison rows", async () => {
  const outDir = await Deno.makeTempDir({ prefix: "resource-repro-" });
  const store = openResults(":memory:");
  const s = await reproduce({ outDir, preset: "smoke", store });
  store.close();
  assert(s.figures.length >= 8, `figures ${s.figures.length}`);
  for (const f of s.figures) {
    assert(f.split("/").at(-1)!.startsWith("resource_"), f);
    assert((await Deno.readTextFile(f)).startsWith("<svg"), f);
  }
  assert(s.comparisons.some((c) => c.quantity.startsWith("single: allocated neurons at α=1")));
  assert(s.comparisons.some((c) => c.quantity.startsWith("Chinchilla") && c.verdict === "match"));
  assert(s.markdown.includes("Single task"));
  await Deno.remove(outDir, { recursive: true });
});
