/**
 * The merge job of a sweep on Slurm (what `merge.sbatch` runs; also by hand): imports every
 * shard's finished runs into the merged store, names the shards that failed or are missing,
 * and once every cell is in, runs the sweep's summary on the merged store.
 *
 *   deno task sweep:merge --plan results/slurm/scaling_sweep-1a2b3c4d/plan.json
 *
 * Exit 0 when every cell is merged (and the summary succeeded), 1 while cells are missing, 2 for
 * a bad flag.
 */
import { dirname } from "node:path";
import {
  configErrorLine,
  mergeSlurmShards,
  readSlurmPlan,
  slurmMergeLines,
} from "../lib/sweep/mod.ts";
import { parseFlags } from "../lib/util/cli.ts";
import { ConfigError } from "../lib/util/validate.ts";

try {
  const flags = parseFlags(Deno.args, {
    plan: {
      type: "string",
      default: "",
      help: "the sweep's plan.json (under <results>/slurm/<sweep>/)",
    },
    "no-summary": {
      type: "boolean",
      default: false,
      help: "skip the sweep's summary run once complete",
    },
    json: { type: "boolean", default: false, help: "print the merge report as JSON" },
  }, { usage: "deno task sweep:merge --plan <results>/slurm/<sweep>/plan.json" });
  let plan;
  try {
    plan = readSlurmPlan(flags.plan);
  } catch {
    throw new ConfigError("plan", "the path of a sweep's plan.json", flags.plan);
  }
  const report = await mergeSlurmShards(plan);
  if (flags.json) console.log(JSON.stringify(report));
  else console.log(slurmMergeLines(report).join("\n"));
  if (!report.complete) Deno.exit(1);
  if (!flags["no-summary"] && plan.summaryArgs) {
    console.log(`[merge] summary: ${plan.script} ${plan.summaryArgs.join(" ")} --db ${plan.store}`);
    const r = await new Deno.Command(plan.deno, {
      args: ["run", "-A", plan.script, ...plan.summaryArgs, "--db", plan.store],
      cwd: plan.cwd,
      env: { TOOLKIT_RESULTS: dirname(plan.store) },
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    Deno.exit(r.code);
  }
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  console.error(configErrorLine(e));
  Deno.exit(2);
}
