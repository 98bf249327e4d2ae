/**
 * Stored run ids are the keys of the results database and of the archive under fixtures/runs/:
 * a refactor that changed how a name or id is built would orphan every stored run. These ids
 * were computed before the naming moved into one function and must never change.
 */
import { openResults, runIdOf } from "../../lib/store/results.ts";
import { iclRunId, iclRunName } from "../../lib/icl/names.ts";
import { ICL_EXPERIMENT, iclConfig } from "../../lib/icl/config.ts";
import { iclLmConfig } from "../../lib/icl_lm/config.ts";
import { iclLmRunConfig } from "../../lib/icl_lm/experiment.ts";
import { iclSweepCells } from "../../lib/sweep/icl_cells.ts";
import { assertEquals } from "../assert.ts";

const CPU_SEED1 = "icl_synthetic-cpu-fourBases-seed1-9eb0f70e";

Deno.test("the run id of a fixed ICL config is a fixed string", () => {
  const store = openResults(":memory:");
  const cfg = iclConfig("cpu", { seed: 1 });
  assertEquals(
    store.startRun({ experiment: ICL_EXPERIMENT, name: "cpu-fourBases-seed1", config: cfg }),
    CPU_SEED1,
  );
  // runIclExperiment's default name
  assertEquals(
    store.startRun({ experiment: ICL_EXPERIMENT, name: "seed0", config: iclConfig("smoke") }),
    "icl_synthetic-seed0-b4ed1bb3",
  );
  assertEquals(iclSweepCells({ presets: ["cpu"], variants: [], seeds: [1] })[0].id, CPU_SEED1);
  store.close();
});

Deno.test("the run id of a fixed ICL-LM config is a fixed string", () => {
  const store = openResults(":memory:");
  const config = iclLmRunConfig(iclLmConfig("cpu"));
  assertEquals(
    store.startRun({ experiment: "icl_lm", name: "cpu", config }),
    "icl_lm-cpu-ff7ff81a",
  );
  store.close();
});

Deno.test("iclRunName and iclRunId give the stored names and ids", () => {
  const cfg = iclConfig("cpu", { seed: 1 });
  assertEquals(iclRunName(cfg, { preset: "cpu" }), "cpu-fourBases-seed1");
  assertEquals(iclRunName(cfg, { preset: "cpu", branch: true }), "cpu-fourBases-seed1-branch");
  assertEquals(iclRunName(cfg), "seed1");
  assertEquals(iclRunId(cfg, iclRunName(cfg, { preset: "cpu" })), CPU_SEED1);
  assertEquals(iclRunId(iclConfig("smoke")), "icl_synthetic-seed0-b4ed1bb3");
  assertEquals(
    runIdOf({ experiment: "icl_lm", name: "cpu", config: iclLmRunConfig(iclLmConfig("cpu")) }),
    "icl_lm-cpu-ff7ff81a",
  );
});
