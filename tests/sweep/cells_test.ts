import { assert, assertEquals } from "../assert.ts";
import { initBackend } from "../../lib/backend/backend.ts";
import { openResults } from "../../lib/store/results.ts";
import { runExperiment } from "../../lib/resource/mod.ts";
import {
  iclSweepCells,
  resourceGridCells,
  runIclSweep,
  runResourceShard,
  storedCellStatus,
} from "../../lib/sweep/mod.ts";

await initBackend({ backend: "wasm", quiet: true });

Deno.test("resource grid cells are the runs the experiment stores, and shards cover the grid once", async () => {
  const grid = { experiment: "single" as const, preset: "smoke" as const };
  const cells = resourceGridCells(grid);
  assertEquals(cells.length, 3);
  const whole = openResults(":memory:");
  await runExperiment("single", { preset: "smoke", store: whole, progress: false });
  assertEquals(whole.runs().map((r) => r.id).sort(), cells.map((c) => c.id).sort());
  const sharded = openResults(":memory:");
  const counts = [];
  for (const index of [1, 2]) {
    counts.push(
      await runResourceShard(grid, { index, count: 2 }, { store: sharded, progress: false }),
    );
  }
  assertEquals(counts, [2, 1]);
  for (const c of cells) {
    assertEquals(sharded.run(c.id)?.status, "done");
    assertEquals(
      sharded.artifact(c.id, "outcome").testLoss,
      whole.artifact(c.id, "outcome").testLoss,
    );
  }
  whole.close();
  sharded.close();
});

Deno.test("ICL presets × variants × seeds are cells with icl:train's run ids; a shard trains its own", async () => {
  const spec = { presets: ["smoke"], variants: [], seeds: [0, 1] };
  const cells = iclSweepCells(spec);
  assertEquals(cells.map((c) => c.name), ["smoke-fourBases-seed0", "smoke-fourBases-seed1"]);
  assertEquals(iclSweepCells({ ...spec, variants: ["fourBases", "sixBases"] }).length, 4);
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/results.sqlite`;
    const store = openResults(path);
    const runs = await runIclSweep(spec, {
      store,
      dir: `${dir}/checkpoints`,
      shard: { index: 2, count: 2 },
      progress: false,
    });
    store.close();
    assertEquals(runs.map((r) => r.id), [cells[1].id]);
    assert(runs[0].mse !== null && runs[0].mse > 0);
    const st = storedCellStatus(path, cells.map((c) => c.id));
    assertEquals([st.get(cells[0].id), st.get(cells[1].id)], ["absent", "done"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
