/**
 * `deno task sweep:status`: where every sweep planned under a results folder stands — cells
 * merged, done in a shard (awaiting the merge), running, pending, failed, or never submitted —
 * from the stores and Slurm (`sacct`, else `scontrol`).
 *
 * @module
 */
import { storedCellStatus } from "./cells.ts";
import { SLURM_ENDED_STATES, slurmJobStates } from "./jobs.ts";
import { listSlurmPlans, shardResultsDir, type SlurmSweepPlan } from "./plan.ts";

/** Where one sweep stands. */
export interface SlurmSweepStatus {
  sweep: string;
  kind: string;
  cells: number;
  /** Done in the merged store. */
  merged: number;
  /** Done in a shard's store, not merged yet. */
  awaitingMerge: number;
  /** In a running array task. */
  running: number;
  /** In an array task still queued. */
  pending: number;
  /** In an array task that ended without finishing them (or that Slurm no longer knows). */
  failed: number;
  /** In shards never submitted. */
  notSubmitted: number;
  /** Names of the failed cells. */
  failedCells: string[];
  /** The latest submission's jobs, with Slurm's state of each. */
  jobs: string;
}

/**
 * The status of one sweep.
 *
 * @example
 * ```ts
 * import { readSlurmPlan } from "toolkit/sweep";
 *
 * const st = await slurmSweepStatus(readSlurmPlan("results/slurm/scaling_sweep-1a2b3c4d/plan.json"));
 * console.log(st.merged, "/", st.cells);
 * ```
 */
export async function slurmSweepStatus(plan: SlurmSweepPlan): Promise<SlurmSweepStatus> {
  const ids = plan.cells.map((c) => c.id);
  const merged = storedCellStatus(plan.store, ids, { archive: true });
  const jobIds = [...new Set(plan.submissions.flatMap((s) => [s.arrayJob, s.mergeJob]))]
    .filter((x): x is string => !!x);
  const states = await slurmJobStates(jobIds);
  // The latest submission that ran each shard.
  const lastFor = (shard: number) =>
    plan.submissions.findLast((s) => s.arrayJob && s.shards.includes(shard));
  const st: SlurmSweepStatus = {
    sweep: plan.name,
    kind: plan.kind,
    cells: ids.length,
    merged: 0,
    awaitingMerge: 0,
    running: 0,
    pending: 0,
    failed: 0,
    notSubmitted: 0,
    failedCells: [],
    jobs: "",
  };
  for (let s = 1; s <= plan.shards; s++) {
    const cells = plan.cells.filter((c) => c.shard === s);
    const inShard = storedCellStatus(
      `${shardResultsDir(plan, s)}/results.sqlite`,
      cells.map((c) => c.id),
    );
    const sub = lastFor(s);
    const job = sub ? states.get(`${sub.arrayJob}_${s}`) : undefined;
    for (const c of cells) {
      if (merged.get(c.id) === "done") st.merged++;
      else if (inShard.get(c.id) === "done") st.awaitingMerge++;
      else if (!sub) st.notSubmitted++;
      else if (job === "RUNNING" || job === "COMPLETING") st.running++;
      else if (job && !(SLURM_ENDED_STATES as readonly string[]).includes(job)) st.pending++;
      else st.failed++, st.failedCells.push(c.name);
    }
  }
  const last = plan.submissions.at(-1);
  if (last) {
    const arr = last.arrayJob
      ? `array ${last.arrayJob} [${last.shards.join(",")}]: ${
        summarise(last.arrayJob, last.shards, states)
      }`
      : "no array";
    const merge = last.mergeJob
      ? `merge ${last.mergeJob}: ${states.get(last.mergeJob) ?? "gone"}`
      : "";
    st.jobs = [arr, merge].filter(Boolean).join("; ");
  }
  return st;
}

function summarise(job: string, shards: number[], states: Map<string, string>): string {
  const count = new Map<string, number>();
  for (const s of shards) {
    const k = states.get(`${job}_${s}`) ?? "gone";
    count.set(k, (count.get(k) ?? 0) + 1);
  }
  return [...count].map(([k, n]) => `${n} ${k}`).join(", ");
}

/**
 * The status of every sweep planned under a results folder.
 *
 * @example
 * ```ts
 * console.table(await slurmSweepStatuses("results"));
 * ```
 */
export async function slurmSweepStatuses(resultsDir: string): Promise<SlurmSweepStatus[]> {
  const out: SlurmSweepStatus[] = [];
  for (const plan of listSlurmPlans(resultsDir)) out.push(await slurmSweepStatus(plan));
  return out;
}
