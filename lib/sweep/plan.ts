/**
 * The plan of a sweep on Slurm (`<results>/slurm/<sweep>/plan.json`): the command each array
 * task runs, the cells and their shards, the resources, and every submission's job ids. Written
 * by `--slurm`, read by the merge job and `deno task sweep:status`.
 *
 * Layout under the results folder of the merged store (`results/` by default):
 * ```
 * results/results.sqlite                      the merged store (what a local run writes)
 * results/slurm/<sweep>/plan.json             this plan
 * results/slurm/<sweep>/array.sbatch          the job array (one task per shard)
 * results/slurm/<sweep>/merge.sbatch          the merge job
 * results/slurm/<sweep>/shards/<i>/           shard i's results.sqlite, checkpoints, caches
 * results/slurm/<sweep>/logs/                 shard-<i>.log, merge-<job>.log
 * ```
 *
 * @module
 */
import type { SweepCell } from "./cells.ts";
import type { SlurmResources } from "./resources.ts";

/** One `sbatch` submission of a sweep. */
export interface SlurmSubmission {
  date: string;
  /** The shards the array ran (the ones with cells left to train). */
  shards: number[];
  /** Job id of the array (null when every shard was done and only the merge ran). */
  arrayJob: string | null;
  mergeJob: string | null;
}

/** A sweep's plan on Slurm. */
export interface SlurmSweepPlan {
  v: 1;
  /** `<kind>-<hash of the command>`: the folder name under `<results>/slurm/`. */
  name: string;
  /** The sweep command, e.g. "scaling_sweep" or "resource-single". */
  kind: string;
  /** Absolute folder the jobs run in (the repository). */
  cwd: string;
  /** Absolute path of the deno executable (compute nodes need it at the same path). */
  deno: string;
  /** The task script, relative to `cwd`, e.g. "tasks/scaling_sweep.ts". */
  script: string;
  /** Its arguments in every shard (without --shard and --db, which each task adds). */
  args: string[];
  /**
   * The script's arguments for a summary run on the merged store (`--db` added) once every cell
   * is in it (e.g. the scaling sweep with `--analyze-only`), or null for none.
   */
  summaryArgs: string[] | null;
  /** Absolute path of the merged results database. */
  store: string;
  /** Array tasks (shards); fixed by the first submission so that re-submits deal cells alike. */
  shards: number;
  /** Every cell with its shard (1-based). */
  cells: (SweepCell & { shard: number })[];
  resources: SlurmResources;
  submissions: SlurmSubmission[];
}

/**
 * The folder of a sweep's plan, scripts, shards and logs.
 *
 * @example
 * ```ts
 * slurmSweepDir("/data/results/results.sqlite", "scaling_sweep-1a2b3c4d"); // "/data/results/slurm/scaling_sweep-1a2b3c4d"
 * ```
 */
export function slurmSweepDir(store: string, name: string): string {
  return `${store.slice(0, Math.max(0, store.lastIndexOf("/"))) || "."}/slurm/${name}`;
}

/**
 * Shard `i`'s results folder (its `TOOLKIT_RESULTS`: database, checkpoints, caches).
 *
 * @example
 * ```ts
 * declare const plan: SlurmSweepPlan;
 * shardResultsDir(plan, 2); // "<results>/slurm/<sweep>/shards/2"
 * ```
 */
export function shardResultsDir(
  plan: Pick<SlurmSweepPlan, "store" | "name">,
  shard: number,
): string {
  return `${slurmSweepDir(plan.store, plan.name)}/shards/${shard}`;
}

/**
 * Reads a plan.json.
 *
 * @example
 * ```ts
 * const plan = readSlurmPlan("results/slurm/scaling_sweep-1a2b3c4d/plan.json");
 * ```
 */
export function readSlurmPlan(path: string): SlurmSweepPlan {
  return JSON.parse(Deno.readTextFileSync(path)) as SlurmSweepPlan;
}

/**
 * Every plan under a results folder (`<results>/slurm/<sweep>/plan.json`), by name.
 *
 * @example
 * ```ts
 * for (const p of listSlurmPlans("results")) console.log(p.name, p.cells.length);
 * ```
 */
export function listSlurmPlans(resultsDir: string): SlurmSweepPlan[] {
  const out: SlurmSweepPlan[] = [];
  try {
    for (const e of Deno.readDirSync(`${resultsDir}/slurm`)) {
      if (!e.isDirectory) continue;
      try {
        out.push(readSlurmPlan(`${resultsDir}/slurm/${e.name}/plan.json`));
      } catch { /* not a sweep folder */ }
    }
  } catch { /* no slurm folder */ }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
