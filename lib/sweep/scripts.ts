/**
 * The two batch scripts of a sweep on Slurm: the job array (task i runs the sweep command with
 * `--shard i/N` into its own results folder, so no two processes write one SQLite file over a
 * network filesystem) and the merge job (imports every shard's finished runs into the merged
 * store and names the shards that failed or are missing).
 *
 * @module
 */
import { slurmSweepDir, type SlurmSweepPlan } from "./plan.ts";
import { sbatchResourceLines } from "./resources.ts";

/**
 * Quotes a word for bash (single quotes).
 *
 * @example
 * ```ts
 * shellQuote("it's"); // "'it'\\''s'"
 * ```
 */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The job-array script: one task per shard in `shards` (1-based shard numbers of `plan.shards`).
 *
 * @example
 * ```ts
 * import type { SlurmSweepPlan } from "toolkit/sweep";
 *
 * declare const plan: SlurmSweepPlan;
 * await Deno.writeTextFile("array.sbatch", arrayScript(plan, [1, 2, 3]));
 * ```
 */
export function arrayScript(plan: SlurmSweepPlan, shards: readonly number[]): string {
  const dir = slurmSweepDir(plan.store, plan.name);
  const q = shellQuote;
  const cmd = [plan.deno, "run", "-A", plan.script, ...plan.args].map(q).join(" ");
  return [
    "#!/bin/bash",
    `#SBATCH --job-name=nl-${plan.name}`,
    `#SBATCH --array=${shards.join(",")}`,
    ...sbatchResourceLines(plan.resources),
    `#SBATCH --output=${dir}/logs/shard-%a.log`,
    "#SBATCH --open-mode=append",
    `# ${plan.kind}: array task i trains shard i of ${plan.shards} (${plan.cells.length} cells in all)`,
    `# into ${dir}/shards/<i>/results.sqlite; merge.sbatch imports them into ${plan.store}.`,
    "# Written by the sweep command's --slurm; re-run that command to re-submit the unfinished shards.",
    "set -euo pipefail",
    'i="${SLURM_ARRAY_TASK_ID:?submit this script with sbatch}"',
    `cd ${q(plan.cwd)}`,
    `export TOOLKIT_RESULTS=${q(`${dir}/shards`)}/"$i"`,
    'mkdir -p "$TOOLKIT_RESULTS"',
    `echo "[slurm] shard $i/${plan.shards} of ${plan.name} on $(hostname), job \${SLURM_ARRAY_JOB_ID:-?}_$i, $(date -u +%FT%TZ)"`,
    `exec ${cmd} --shard "$i/${plan.shards}" --results "$TOOLKIT_RESULTS"`,
    "",
  ].join("\n");
}

/**
 * The merge script: `deno run -A tasks/sweep_merge.ts --plan …/plan.json`, submitted with
 * `--dependency=afterany:<array>` so that it also runs (and reports) when a shard failed or was
 * cancelled; it exits non-zero while cells are missing.
 *
 * @example
 * ```ts
 * import type { SlurmSweepPlan } from "toolkit/sweep";
 *
 * declare const plan: SlurmSweepPlan;
 * await Deno.writeTextFile("merge.sbatch", mergeScript(plan));
 * ```
 */
export function mergeScript(plan: SlurmSweepPlan): string {
  const dir = slurmSweepDir(plan.store, plan.name);
  const q = shellQuote;
  return [
    "#!/bin/bash",
    `#SBATCH --job-name=nl-${plan.name}-merge`,
    ...sbatchResourceLines({
      ...plan.resources,
      cpusPerTask: 1,
      mem: "2G",
      time: "01:00:00",
      gres: "",
    }),
    `#SBATCH --output=${dir}/logs/merge-%j.log`,
    `# Imports every shard of ${plan.name} into ${plan.store}; names failed or missing shards.`,
    "set -uo pipefail",
    `cd ${q(plan.cwd)}`,
    `exec ${q(plan.deno)} run -A tasks/sweep_merge.ts --plan ${q(`${dir}/plan.json`)}`,
    "",
  ].join("\n");
}
