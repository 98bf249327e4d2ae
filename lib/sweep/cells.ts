/**
 * A sweep as a list of independent cells — one stored run each — and where each cell stands in
 * a results database. The scaling sweep, the resource grids and the ICL seeds × variants ×
 * presets all list their cells in this shape, which is all the Slurm layer needs.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { archiveDir } from "../store/archive.ts";
import { ResultsStore } from "../store/results.ts";

/** One cell of a sweep: the run it stores. */
export interface SweepCell {
  /** The run's id in the results database (a hash of its config: the same everywhere). */
  id: string;
  /** A short human-readable name. */
  name: string;
  /** Relative cost (tokens, steps), used to deal cells to shards of equal length. */
  weight: number;
}

/** Where a cell stands in one results database. */
export type StoredCellStatus = "done" | "running" | "failed" | "absent";

/**
 * The status of each of `ids` in the results database at `path` (read-only; "absent" for every
 * id when the file does not exist). With `archive`, a run finished in the committed run archive
 * (`fixtures/runs/`, `TOOLKIT_ARCHIVE`) counts as done too, as `openResults()` shows it — the
 * sweep commands skip such runs, so they are no cell's to train.
 *
 * @example
 * ```ts
 * declare const cells: SweepCell[];
 * const st = storedCellStatus("results/results.sqlite", cells.map((c) => c.id), { archive: true });
 * console.log([...st.values()].filter((s) => s === "done").length);
 * ```
 */
export function storedCellStatus(
  path: string,
  ids: readonly string[],
  opts: { archive?: boolean } = {},
): Map<string, StoredCellStatus> {
  const out = fileCellStatus(path, ids);
  const dir = opts.archive ? archiveDir() : null;
  if (dir && existsSync(dir)) {
    const archived = new ResultsStore(":memory:", { archive: dir });
    try {
      for (const id of ids) {
        if (out.get(id) !== "done" && archived.run(id)?.status === "done") out.set(id, "done");
      }
    } finally {
      archived.close();
    }
  }
  return out;
}

function fileCellStatus(path: string, ids: readonly string[]): Map<string, StoredCellStatus> {
  const out = new Map<string, StoredCellStatus>(ids.map((id) => [id, "absent"]));
  if (!existsSync(path)) return out;
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    db.exec("pragma busy_timeout = 10000");
    const has = db.prepare("select name from sqlite_master where type = 'table' and name = 'runs'")
      .get();
    if (!has) return out;
    const q = db.prepare("select status from runs where id = ?");
    for (const id of ids) {
      const r = q.get(id) as { status: StoredCellStatus } | undefined;
      if (r) out.set(id, r.status);
    }
    return out;
  } finally {
    db.close();
  }
}
