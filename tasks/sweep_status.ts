/**
 * Where the sweeps sent to Slurm stand: for each sweep planned under a results folder, its cells
 * merged, done in a shard (awaiting the merge), running, pending, failed or not submitted, and
 * the latest jobs' states (from `sacct`, else `scontrol`; Slurm forgets finished jobs after
 * MinJobAge).
 *
 *   deno task sweep:status                      # results/
 *   deno task sweep:status --results /scratch/me/results --json
 */
import { markdownTable } from "../lib/plot/mod.ts";
import { resultsDir } from "../lib/store/results.ts";
import { slurmSweepStatuses } from "../lib/sweep/mod.ts";
import { parseFlags, runMain } from "../lib/util/cli.ts";

await runMain(async () => {
  const flags = parseFlags(Deno.args, {
    results: {
      type: "string",
      default: "",
      help: "results folder (default results/ or $TOOLKIT_RESULTS)",
    },
    json: { type: "boolean", default: false, help: "print JSON" },
  }, { usage: "deno task sweep:status [--results DIR] [--json]" });
  const dir = flags.results || resultsDir();
  const rows = await slurmSweepStatuses(dir);
  if (flags.json) console.log(JSON.stringify(rows, null, 1));
  else if (!rows.length) {
    console.log(`no sweeps planned under ${dir}/slurm (run a sweep command with --slurm)`);
  } else {
    console.log(markdownTable(rows.map((r) => ({
      sweep: r.sweep,
      cells: r.cells,
      merged: r.merged,
      "awaiting merge": r.awaitingMerge,
      running: r.running,
      pending: r.pending,
      failed: r.failed,
      "not submitted": r.notSubmitted,
    }))));
    for (const r of rows) {
      if (r.jobs) console.log(`${r.sweep}: ${r.jobs}`);
      if (r.failedCells.length) {
        console.log(`${r.sweep}: failed cells: ${r.failedCells.join(", ")}`);
      }
    }
  }
});
