/**
 * The merge job: imports every shard's finished runs into the merged store (one process writes
 * it, after the array), and names the shards that failed (started, cells unfinished) or are
 * missing (never started), with their cells, so a re-submit trains only those.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { openResults } from "../store/results.ts";
import { storedCellStatus } from "./cells.ts";
import { slurmJobStates } from "./jobs.ts";
import { shardResultsDir, type SlurmSweepPlan } from "./plan.ts";

/** One shard in a merge report. */
export interface ShardMergeReport {
  shard: number;
  /** done: all its cells are merged; failed: its store exists but cells are unfinished; missing: no store. */
  state: "done" | "failed" | "missing";
  cells: number;
  /** Names of its cells not in the merged store. */
  unfinished: string[];
  /** Slurm's state of its latest array task (e.g. CANCELLED), when Slurm still knows it. */
  job?: string;
}

/** What {@link mergeSlurmShards} did. */
export interface SlurmMergeReport {
  sweep: string;
  store: string;
  /** Run ids copied into the merged store by this merge. */
  imported: string[];
  total: number;
  /** Cells done in the merged store after the merge. */
  done: number;
  complete: boolean;
  shards: ShardMergeReport[];
}

/**
 * Imports the finished runs of every shard of a plan into its merged store (runs already done
 * there are left alone; unfinished runs are never copied) and reports the shards.
 *
 * @example
 * ```ts
 * import { readSlurmPlan } from "toolkit/sweep";
 *
 * const report = await mergeSlurmShards(readSlurmPlan("results/slurm/scaling_sweep-1a2b3c4d/plan.json"));
 * console.log(slurmMergeLines(report).join("\n"));
 * ```
 */
export async function mergeSlurmShards(
  plan: SlurmSweepPlan,
  opts: { jobStates?: boolean } = {},
): Promise<SlurmMergeReport> {
  const ids = plan.cells.map((c) => c.id);
  const before = storedCellStatus(plan.store, ids, { archive: true });
  const store = openResults(plan.store);
  const imported: string[] = [];
  const shardStatus = new Map<number, Map<string, string>>();
  try {
    store.db.exec("pragma busy_timeout = 30000");
    for (let s = 1; s <= plan.shards; s++) {
      const path = `${shardResultsDir(plan, s)}/results.sqlite`;
      if (!existsSync(path)) continue;
      const mine = plan.cells.filter((c) => c.shard === s).map((c) => c.id);
      const st = storedCellStatus(path, mine);
      shardStatus.set(s, st);
      const want = mine.filter((id) => st.get(id) === "done" && before.get(id) !== "done");
      if (want.length) imported.push(...store.importRuns(path, { ids: want }));
    }
  } finally {
    store.close();
  }
  const after = storedCellStatus(plan.store, ids, { archive: true });
  const last = plan.submissions.findLast((x) => x.arrayJob);
  const states = opts.jobStates !== false && last?.arrayJob
    ? await slurmJobStates([last.arrayJob])
    : new Map<string, string>();
  const shards: ShardMergeReport[] = [];
  for (let s = 1; s <= plan.shards; s++) {
    const cells = plan.cells.filter((c) => c.shard === s);
    const unfinished = cells.filter((c) => after.get(c.id) !== "done").map((c) => c.name);
    const job = last?.arrayJob && last.shards.includes(s)
      ? states.get(`${last.arrayJob}_${s}`)
      : undefined;
    shards.push({
      shard: s,
      state: !unfinished.length ? "done" : shardStatus.has(s) ? "failed" : "missing",
      cells: cells.length,
      unfinished,
      ...(job ? { job } : {}),
    });
  }
  const done = ids.filter((id) => after.get(id) === "done").length;
  return {
    sweep: plan.name,
    store: plan.store,
    imported,
    total: ids.length,
    done,
    complete: done === ids.length,
    shards,
  };
}

/**
 * A merge report as lines for a log: the totals, then one line per failed or missing shard.
 *
 * @example
 * ```ts
 * declare const report: SlurmMergeReport;
 * console.log(slurmMergeLines(report).join("\n"));
 * ```
 */
export function slurmMergeLines(r: SlurmMergeReport): string[] {
  const lines = [
    `[merge] ${r.sweep}: imported ${r.imported.length} runs; ${r.done}/${r.total} cells done in ${r.store}`,
  ];
  for (const s of r.shards) {
    if (s.state === "done") continue;
    lines.push(
      `[merge] shard ${s.shard} ${s.state}${s.job ? ` (Slurm: ${s.job})` : ""}: ` +
        `${s.unfinished.length} of ${s.cells} cells unfinished: ${s.unfinished.join(", ")}`,
    );
  }
  if (!r.complete) {
    lines.push("[merge] re-run the sweep command with --submit to train the unfinished cells");
  }
  return lines;
}
