// The Slurm layer's bookkeeping without a cluster: which shards a (re-)submission runs, what
// the merge imports and reports, and what sweep:status counts, from hand-made shard stores.
import { assert, assertEquals, assertThrows } from "../assert.ts";
import { openResults } from "../../lib/store/results.ts";
import { ConfigError } from "../../lib/util/validate.ts";
import {
  mergeSlurmShards,
  prepareSlurmSweep,
  shardResultsDir,
  slurmMergeLines,
  slurmSweepStatus,
  type SweepCell,
} from "../../lib/sweep/mod.ts";

const CELLS: SweepCell[] = ["a", "b", "c"].map((id) => ({ id, name: `cell-${id}`, weight: 1 }));

Deno.test("re-submits run only unfinished shards; the merge imports finished runs and names the rest", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const spec = {
      kind: "demo",
      script: "tasks/demo.ts",
      args: ["--x", "1"],
      cells: CELLS,
      store: `${dir}/results.sqlite`,
    };
    const first = prepareSlurmSweep({ ...spec, shards: 3 });
    assertEquals([first.pending, first.plan.cells.map((c) => c.shard)], [[1, 2, 3], [1, 2, 3]]);
    assert((await Deno.readTextFile(first.arrayScript)).includes("#SBATCH --array=1,2,3"));
    // Before any shard ran, the dealing may still change.
    assertEquals(prepareSlurmSweep({ ...spec, shards: 2 }).plan.shards, 2);
    prepareSlurmSweep({ ...spec, shards: 3 });
    // Shard 1 finished cell a; shard 2 was killed during cell b; shard 3 never started.
    const s1 = openResults(`${shardResultsDir(first.plan, 1)}/results.sqlite`);
    s1.startRun({ experiment: "demo", id: "a", config: {} });
    s1.logMetrics("a", 1, { loss: 0.5 });
    s1.finishRun("a", { loss: 0.5 });
    s1.close();
    const s2 = openResults(`${shardResultsDir(first.plan, 2)}/results.sqlite`);
    s2.startRun({ experiment: "demo", id: "b", config: {} });
    s2.close();
    const report = await mergeSlurmShards(first.plan, { jobStates: false });
    assertEquals([report.imported, report.done, report.complete], [["a"], 1, false]);
    assertEquals(report.shards.map((s) => s.state), ["done", "failed", "missing"]);
    const lines = slurmMergeLines(report).join("\n");
    assert(lines.includes("shard 2 failed: 1 of 1 cells unfinished: cell-b"), lines);
    assert(lines.includes("shard 3 missing: 1 of 1 cells unfinished: cell-c"), lines);
    const merged = openResults(spec.store);
    assertEquals(merged.metrics("a"), [{ step: 1, name: "loss", value: 0.5 }]);
    assertEquals(merged.run("b"), undefined);
    merged.close();
    const again = prepareSlurmSweep(spec);
    assertEquals([again.pending, again.merged, again.plan.shards], [[2, 3], 1, 3]);
    const e = assertThrows(
      () => prepareSlurmSweep({ ...spec, shards: 2 }),
      ConfigError,
    ) as ConfigError;
    assertEquals(e.field, "shards");
    const st = await slurmSweepStatus(again.plan);
    assertEquals([st.cells, st.merged, st.notSubmitted, st.failed], [3, 1, 2, 0]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runs finished in the committed archive are done cells: not submitted, not reported", async () => {
  const dir = await Deno.makeTempDir();
  const before = Deno.env.get("TOOLKIT_ARCHIVE");
  try {
    const { exportRun } = await import("../../lib/store/archive.ts");
    const src = openResults(`${dir}/elsewhere.sqlite`, { archive: false });
    src.startRun({ experiment: "demo", id: "c", config: {} });
    src.finishRun("c", { loss: 0.1 });
    await exportRun(src, "c", { dir: `${dir}/archive`, allowDirty: true });
    src.close();
    Deno.env.set("TOOLKIT_ARCHIVE", `${dir}/archive`);
    const p = prepareSlurmSweep({
      kind: "demo",
      script: "tasks/demo.ts",
      args: [],
      cells: CELLS,
      store: `${dir}/results.sqlite`,
      shards: 3,
    });
    assertEquals([p.pending, p.merged], [[1, 2], 1]);
    const report = await mergeSlurmShards(p.plan, { jobStates: false });
    assertEquals(report.shards.map((s) => s.state), ["missing", "missing", "done"]);
  } finally {
    if (before === undefined) Deno.env.delete("TOOLKIT_ARCHIVE");
    else Deno.env.set("TOOLKIT_ARCHIVE", before);
    await Deno.remove(dir, { recursive: true });
  }
});
