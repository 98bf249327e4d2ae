/**
 * Copies runs from the local results database into the committed archive (`fixtures/runs/`),
 * so that every clone reads them and can continue them.
 *
 *   deno task runs:export icl_synthetic-cpu-fourBases-seed1-6d9465e5
 *   deno task runs:export --experiment scaling_sweep --checkpoint none
 *   deno task runs:export RUN --checkpoint params          # final parameters only, no Adam moments
 *   deno task runs:export RUN --allow-dirty                # code had uncommitted changes (recorded)
 *
 * `--checkpoint auto` (default) archives the resumable state (parameters + Adam moments + step)
 * of ICL runs, whose long runs are meant to be continued, and nothing for the others.
 * Refuses a run whose provenance shows uncommitted or unknown code, unless `--allow-dirty`.
 */
import {
  archiveDir,
  ArchiveError,
  exportRun,
  findCheckpoint,
  openResults,
  resultsDir,
} from "../lib/store/mod.ts";
import { parseFlags, runMain, UsageError } from "../lib/util/cli.ts";
import { ConfigError } from "../lib/util/validate.ts";

await runMain(async () => {
  try {
    const f = parseFlags(Deno.args, {
      experiment: {
        type: "string",
        default: "",
        help: "export every local run of this experiment (with the given ids, if any)",
      },
      checkpoint: { type: "string", default: "auto", help: "auto | state | params | none" },
      "allow-dirty": {
        type: "boolean",
        default: false,
        help: "export runs made from uncommitted or unknown code",
      },
      results: {
        type: "string",
        default: resultsDir(),
        help: "results folder (database, checkpoints)",
      },
      archive: { type: "string", default: archiveDir() ?? "", help: "archive folder" },
    }, {
      usage: "deno task runs:export [RUN_ID ...] [flags]",
      positionals: { name: "RUN_ID", max: Infinity },
    });
    const modes = ["auto", "state", "params", "none"];
    if (!modes.includes(f.checkpoint)) {
      throw new ConfigError("checkpoint", modes.join(", "), f.checkpoint);
    }
    if (!f.archive) throw new ConfigError("archive", "a folder", f.archive);
    if (f._.length === 0 && !f.experiment) {
      throw new ConfigError("RUN_ID", "one or more run ids, or --experiment NAME", "nothing");
    }
    const store = openResults(`${f.results}/results.sqlite`, { archive: false });
    const ids = [...f._];
    if (f.experiment) {
      for (const r of store.runs({ experiment: f.experiment })) {
        if (!ids.includes(r.id)) ids.push(r.id);
      }
    }
    for (const id of ids) {
      if (!store.run(id)) {
        throw new ConfigError("RUN_ID", `a run of ${f.results}/results.sqlite`, id);
      }
    }
    let total = 0;
    for (const id of ids) {
      const run = store.run(id)!;
      const keep = f.checkpoint === "auto"
        ? (run.experiment.startsWith("icl") ? "state" : "none")
        : f.checkpoint;
      const checkpoint = keep === "none" ? undefined : findCheckpoint(f.results, run);
      if (keep !== "none" && !checkpoint && f.checkpoint !== "auto") {
        throw new ArchiveError(
          `${f.results}/checkpoints`,
          `no checkpoint of ${id} found (asked for --checkpoint ${keep})`,
        );
      }
      const res = await exportRun(store, id, {
        dir: f.archive,
        checkpoint,
        keep: keep === "params" ? "params" : "state",
        allowDirty: f["allow-dirty"],
      });
      total += res.bytes;
      console.log(
        `${id}: ${(res.bytes / 1e6).toFixed(2)} MB → ${res.dir} (${res.files.join(", ")})`,
      );
    }
    console.log(`exported ${ids.length} run(s), ${(total / 1e6).toFixed(2)} MB`);
    store.close();
  } catch (e) {
    // An archive problem is a bad input: one line, exit 2 (runMain).
    throw e instanceof ArchiveError ? new UsageError(e.message) : e;
  }
});
