/**
 * Activation patching at every layer of a stored synthetic-ICL run, from its last checkpoint:
 * where does replacing (or shifting) the representation with another concept's mean change the
 * prediction? Stores the matrices as the run's artifact `patchByLayer@STEP` and prints the mean
 * ΔMSE on and off the diagonal per layer.
 *
 *   deno task icl:patch --run cpu-fourBases-seed1
 *   deno task icl:patch --run icl_synthetic-gpu-fourBases-seed1-c37c557a --layers 3,4,5,6 --json
 */
import { initBackend } from "../lib/backend/mod.ts";
import { archiveDir, checkpointDir, openResults, useResults } from "../lib/store/mod.ts";
import {
  conceptClusters,
  loadIclRun,
  longestIclRun,
  patchByLayerRows,
  patchingByLayer,
  summarizeIclRun,
} from "../lib/icl/mod.ts";
import { markdownTable } from "../lib/plot/mod.ts";
import {
  BACKEND_CHOICES,
  choiceFlag,
  numberFlag,
  parseFlags,
  RESULTS_FLAGS,
  runMain,
} from "../lib/util/cli.ts";
import { ConfigError } from "../lib/util/validate.ts";
import { envFlag } from "../lib/util/env.ts";

await runMain(async () => {
  const f = parseFlags(Deno.args, {
    run: {
      type: "string",
      default: "",
      help: "id or name of a stored icl_synthetic run (a name: its longest run; required)",
    },
    layers: { type: "string", default: "", help: "comma-separated layers (default: all)" },
    backend: { type: "string", default: "auto", help: BACKEND_CHOICES.join(" | ") },
    ...RESULTS_FLAGS,
    json: { type: "boolean", default: false, help: "print the matrices as JSON" },
  }, { usage: "deno task icl:patch --run RUN [flags]" });
  if (!f.run) throw new ConfigError("run", "the id or name of a stored run", f.run);
  const layers = f.layers
    ? f.layers.split(",").map((l) => numberFlag("layers", l, 0, { integer: true, min: 0 }))
    : undefined;
  const backend = choiceFlag("backend", f.backend, BACKEND_CHOICES);
  const { dir, db } = useResults(f);
  if (db !== ":memory:" && !isFile(db)) {
    // No local database yet: look in the archive only, and create nothing for an unknown run.
    const probe = openResults(":memory:", { archive: archiveDir() ?? false });
    const known = probe.run(f.run) ?? longestIclRun(probe, f.run);
    probe.close();
    if (!known) {
      throw new ConfigError(
        "run",
        `the id or name of a run stored in ${db} (none there) or in the archive`,
        f.run,
      );
    }
  }
  const store = openResults(db);
  try {
    if (!store.run(f.run) && !longestIclRun(store, f.run)) {
      throw new ConfigError(
        "run",
        `the id or name of a run stored in ${db} or in the archive`,
        f.run,
      );
    }
    await initBackend({ backend, quiet: f.json });
    const run = await loadIclRun(store, f.run, { dir: checkpointDir(undefined, dir) });
    try {
      if (!envFlag("TOOLKIT_QUIET", false)) {
        console.error(
          `[icl:patch] ${run.runId} at step ${run.step}: patching ${
            layers ? layers.length : "every"
          } layer(s)…`,
        );
      }
      const matrices = await patchingByLayer(run, { layers });
      store.setArtifact(run.runId, `patchByLayer@${run.step}`, { step: run.step, matrices });
      if (f.json) console.log(JSON.stringify({ runId: run.runId, step: run.step, matrices }));
      else {
        // Clusters as the run's last decodability sees them: each concept decoded at ≥ 0.9 alone, the rest together.
        const clusters = conceptClusters(summarizeIclRun(store, run.runId).cd_final_per_concept);
        console.log(
          `${run.runId} at step ${run.step}: mean ΔMSE of the last prediction (normalised); concept clusters ${
            clusters.join(" ")
          }`,
        );
        console.log(markdownTable(patchByLayerRows(matrices, { clusters })));
      }
    } finally {
      run.model.dispose();
    }
  } finally {
    store.close();
  }
});

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}
