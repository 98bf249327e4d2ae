import { checkpointDir, checkpointPath, useResults } from "../../lib/store/paths.ts";
import { resultsDir } from "../../lib/store/results.ts";
import { assertEquals } from "../assert.ts";

Deno.test("--results sets the one results location; checkpoint paths come from it", () => {
  const before = Deno.env.get("TOOLKIT_RESULTS");
  try {
    Deno.env.delete("TOOLKIT_RESULTS");
    assertEquals(useResults({}), { dir: "results", db: "results/results.sqlite" });
    assertEquals(
      checkpointPath("run-1", checkpointDir("icl_lm")),
      "results/checkpoints/icl_lm/run-1.safetensors",
    );
    assertEquals(useResults({ results: "/tmp/r" }), { dir: "/tmp/r", db: "/tmp/r/results.sqlite" });
    assertEquals(resultsDir(), "/tmp/r", "library defaults follow --results");
    assertEquals(checkpointPath("run-1"), "/tmp/r/checkpoints/run-1.safetensors");
    assertEquals(useResults({ db: ":memory:" }).db, ":memory:", "the deprecated --db still works");
  } finally {
    if (before === undefined) Deno.env.delete("TOOLKIT_RESULTS");
    else Deno.env.set("TOOLKIT_RESULTS", before);
  }
});
