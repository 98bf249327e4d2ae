/**
 * `--slurm` and `--submit`: plan a sweep's cells onto shards, write the job-array and merge
 * scripts under `<results>/slurm/<sweep>/`, and (with `--submit`) submit both. Re-running the
 * same command plans again against the stores: cells already merged, or finished in their shard,
 * are not trained again; only shards with cells left go into the new array.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { configHash } from "../store/results.ts";
import { ConfigError } from "../util/validate.ts";
import { type StoredCellStatus, storedCellStatus, type SweepCell } from "./cells.ts";
import { sbatch, SLURM_ENDED_STATES, slurmJobStates } from "./jobs.ts";
import { readSlurmPlan, shardResultsDir, slurmSweepDir, type SlurmSweepPlan } from "./plan.ts";
import { type SlurmResources, slurmResources } from "./resources.ts";
import { arrayScript, mergeScript } from "./scripts.ts";
import { dealShards } from "./shard.ts";

/** What a sweep command hands the Slurm layer. */
export interface SlurmSweepSpec {
  /** e.g. "scaling_sweep", "resource-single", "icl_sweep". */
  kind: string;
  /** The task script relative to the repository, e.g. "tasks/scaling_sweep.ts". */
  script: string;
  /** The script's arguments for every shard (no --shard, --db or Slurm flags). */
  args: string[];
  /** The script's arguments for a summary run on the merged store once complete; null: none. */
  summaryArgs?: string[] | null;
  /** The sweep's cells in grid order (the order the script's `--shard` deals them in). */
  cells: SweepCell[];
  /** The merged results database. */
  store: string;
  /** Array tasks. Default: one per cell, at most 16; fixed after the first submission. */
  shards?: number;
  /** Resources per array task (validated). Default {@link DEFAULT_SLURM_RESOURCES}. */
  resources?: Partial<SlurmResources>;
  /** The repository (jobs `cd` there). Default the current folder. */
  cwd?: string;
  /** The deno executable. Default `Deno.execPath()`. */
  deno?: string;
}

/** A planned sweep: its plan (written) and what a submission would run. */
export interface PreparedSlurmSweep {
  plan: SlurmSweepPlan;
  /** The sweep's folder (plan.json, array.sbatch, merge.sbatch, shards/, logs/). */
  dir: string;
  arrayScript: string;
  mergeScript: string;
  /** Shards with cells left to train (the array's tasks); empty when none. */
  pending: number[];
  /** Shards with cells left that are still queued or running from an earlier submission (not re-submitted). */
  active: number[];
  /** Cells done in the merged store. */
  merged: number;
  /** Cells done in a shard's store but not merged yet. */
  awaitingMerge: number;
}

const MAX_DEFAULT_SHARDS = 16;

/**
 * A sweep's name on Slurm: its kind and a hash of its command, so the same command finds its
 * plan, shards and logs again.
 *
 * @example
 * ```ts
 * slurmSweepName({ kind: "scaling_sweep", script: "tasks/scaling_sweep.ts", args: ["--preset", "smoke"] });
 * ```
 */
export function slurmSweepName(spec: Pick<SlurmSweepSpec, "kind" | "script" | "args">): string {
  return `${spec.kind}-${configHash({ script: spec.script, args: spec.args })}`;
}

/**
 * Plans a sweep on Slurm and writes its plan and scripts (nothing is submitted).
 *
 * @example
 * ```ts
 * import type { SweepCell } from "toolkit/sweep";
 *
 * declare const cells: SweepCell[];
 * const p = prepareSlurmSweep({ kind: "demo", script: "tasks/demo.ts", args: [], cells, store: "results/results.sqlite" });
 * console.log(p.arrayScript, p.pending);
 * ```
 */
export function prepareSlurmSweep(
  spec: SlurmSweepSpec,
  opts: { active?: readonly number[] } = {},
): PreparedSlurmSweep {
  const resources = slurmResources(spec.resources ?? {});
  if (!spec.cells.length) throw new ConfigError("cells", "a sweep with at least one cell", 0);
  const store = isAbsolute(spec.store) ? spec.store : resolve(spec.store);
  const name = slurmSweepName(spec);
  const dir = slurmSweepDir(store, name);
  let previous: SlurmSweepPlan | undefined;
  try {
    previous = readSlurmPlan(`${dir}/plan.json`);
  } catch { /* first submission */ }
  const shards = chooseShards(spec, previous, dir);
  const owner = dealShards(spec.cells.map((c) => c.weight), shards);
  const plan: SlurmSweepPlan = {
    v: 1,
    name,
    kind: spec.kind,
    cwd: resolve(spec.cwd ?? Deno.cwd()),
    deno: spec.deno ?? Deno.execPath(),
    script: spec.script,
    args: spec.args,
    summaryArgs: spec.summaryArgs ?? null,
    store,
    shards,
    cells: spec.cells.map((c, i) => ({ ...c, shard: owner[i] })),
    resources,
    submissions: previous?.submissions ?? [],
  };
  const ids = plan.cells.map((c) => c.id);
  const { merged, pending, awaitingMerge } = shardProgress(plan);
  const active = [...pending].filter((s) => opts.active?.includes(s)).sort((a, b) => a - b);
  const out: PreparedSlurmSweep = {
    plan,
    dir,
    arrayScript: `${dir}/array.sbatch`,
    mergeScript: `${dir}/merge.sbatch`,
    pending: [...pending].filter((s) => !active.includes(s)).sort((a, b) => a - b),
    active,
    merged: ids.filter((id) => merged.get(id) === "done").length,
    awaitingMerge,
  };
  Deno.mkdirSync(`${dir}/logs`, { recursive: true });
  writePlan(out);
  if (out.pending.length) Deno.writeTextFileSync(out.arrayScript, arrayScript(plan, out.pending));
  Deno.writeTextFileSync(out.mergeScript, mergeScript(plan));
  return out;
}

/**
 * The shard count: the first submission's once shards have run (submitted here, or their scripts
 * submitted by hand — their cells are dealt), else the one asked for, else one per cell up to 16.
 */
function chooseShards(
  spec: SlurmSweepSpec,
  previous: SlurmSweepPlan | undefined,
  dir: string,
): number {
  const fixed = previous !== undefined &&
    (previous.submissions.length > 0 || existsSync(`${dir}/shards`));
  if (spec.shards !== undefined) {
    if (!Number.isInteger(spec.shards) || spec.shards < 1 || spec.shards > spec.cells.length) {
      throw new ConfigError(
        "shards",
        `an integer from 1 to ${spec.cells.length} (the cells)`,
        spec.shards,
      );
    }
    if (fixed && previous!.shards !== spec.shards) {
      throw new ConfigError(
        "shards",
        `${previous!.shards} (fixed by this sweep's first submission; remove ${dir} to deal again)`,
        spec.shards,
      );
    }
  }
  return (fixed ? previous!.shards : undefined) ?? spec.shards ??
    Math.min(spec.cells.length, MAX_DEFAULT_SHARDS);
}

/**
 * Where a plan's cells stand: done in the merged store (or the archive), done in their shard's
 * store but not merged yet, or pending (their shards need to run).
 */
function shardProgress(plan: SlurmSweepPlan): {
  merged: Map<string, StoredCellStatus>;
  pending: Set<number>;
  awaitingMerge: number;
} {
  const merged = storedCellStatus(plan.store, plan.cells.map((c) => c.id), { archive: true });
  const pending = new Set<number>();
  let awaitingMerge = 0;
  for (let s = 1; s <= plan.shards; s++) {
    const mine = plan.cells.filter((c) => c.shard === s && merged.get(c.id) !== "done");
    const inShard = storedCellStatus(
      `${shardResultsDir(plan, s)}/results.sqlite`,
      mine.map((c) => c.id),
    );
    for (const c of mine) {
      if (inShard.get(c.id) === "done") awaitingMerge++;
      else pending.add(s);
    }
  }
  return { merged, pending, awaitingMerge };
}

/**
 * Shards of a sweep still queued or running in Slurm from earlier submissions (re-submitting
 * them would put two processes on one shard's database and checkpoints). Reads the plan in the
 * sweep's folder, if any, and asks Slurm.
 *
 * @example
 * ```ts
 * import { slurmSweepDir } from "toolkit/sweep";
 *
 * declare const store: string, name: string;
 * const { shards, jobs } = await activeSlurmShards(slurmSweepDir(store, name));
 * ```
 */
export async function activeSlurmShards(
  dir: string,
): Promise<{ shards: number[]; jobs: string[] }> {
  let plan: SlurmSweepPlan;
  try {
    plan = readSlurmPlan(`${dir}/plan.json`);
  } catch {
    return { shards: [], jobs: [] };
  }
  const subs = plan.submissions.filter((s) => s.arrayJob);
  if (!subs.length) return { shards: [], jobs: [] };
  const states = await slurmJobStates(subs.map((s) => s.arrayJob!));
  const ended = SLURM_ENDED_STATES as readonly string[];
  const shards = new Set<number>(), jobs = new Set<string>();
  for (const s of subs) {
    for (const shard of s.shards) {
      const st = states.get(`${s.arrayJob}_${shard}`);
      if (st && !ended.includes(st)) shards.add(shard), jobs.add(s.arrayJob!);
    }
  }
  return { shards: [...shards].sort((a, b) => a - b), jobs: [...jobs] };
}

function writePlan(p: PreparedSlurmSweep) {
  Deno.writeTextFileSync(`${p.dir}/plan.json`, JSON.stringify(p.plan, null, 1) + "\n");
}

/** Job ids of one submission. */
export interface SlurmSweepJobs {
  /** The array's job id, or null when no shard had cells left. */
  arrayJob: string | null;
  /** The merge job's id, or null when every cell was merged already. */
  mergeJob: string | null;
}

/**
 * Submits a prepared sweep: the array (when shards have cells left), then the merge job after
 * it (`--dependency=afterany`: it also runs, and reports, when a shard fails or is cancelled)
 * and after the jobs in `after` (arrays of earlier submissions still running). Records the job
 * ids in the plan. `hold` submits the array held (`scontrol release` starts it).
 *
 * @example
 * ```ts
 * declare const spec: SlurmSweepSpec;
 * const { arrayJob, mergeJob } = await submitSlurmSweep(prepareSlurmSweep(spec));
 * ```
 */
export async function submitSlurmSweep(
  p: PreparedSlurmSweep,
  opts: { hold?: boolean; after?: readonly string[] } = {},
): Promise<SlurmSweepJobs> {
  const total = p.plan.cells.length;
  // Nothing new to run: done, or the earlier submission's jobs (and its merge) still cover it.
  if (!p.pending.length && (p.merged === total || p.active.length)) {
    return { arrayJob: null, mergeJob: null };
  }
  const arrayJob = p.pending.length
    ? await sbatch(p.arrayScript, opts.hold ? ["--hold"] : [])
    : null;
  const after = [...(arrayJob ? [arrayJob] : []), ...(opts.after ?? [])];
  const mergeJob = await sbatch(
    p.mergeScript,
    after.length ? [`--dependency=afterany:${after.join(":")}`] : [],
  );
  p.plan.submissions.push({
    date: new Date().toISOString(),
    shards: p.pending,
    arrayJob,
    mergeJob,
  });
  writePlan(p);
  return { arrayJob, mergeJob };
}
