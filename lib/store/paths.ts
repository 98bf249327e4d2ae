/**
 * The one results location of every task (`--results DIR`, else `$TOOLKIT_RESULTS`, else
 * `results/`) and the checkpoint paths under it.
 *
 * @module
 */
import { resultsDir } from "./results.ts";

/** Where a task reads and writes: the folder and its database file. */
export interface ResultsLocation {
  /** The results folder (database, `checkpoints/`, `figures/`, caches). */
  dir: string;
  /** The database file: `<dir>/results.sqlite`, or the deprecated `--db` value. */
  db: string;
}

/**
 * Resolves a task's `--results` flag (and the deprecated `--out` / `--db`) to the results
 * location, and makes it the process's default so that {@link resultsDir} (and so every
 * library default below it) follows it.
 *
 * @example
 * ```ts
 * const { dir, db } = useResults({ results: "/tmp/r" }); // { dir: "/tmp/r", db: "/tmp/r/results.sqlite" }
 * ```
 */
export function useResults(
  flags: { results?: string; out?: string; db?: string },
): ResultsLocation {
  const dir = flags.results || flags.out || resultsDir();
  if (flags.out && !flags.results) console.error("[toolkit] --out is deprecated: use --results");
  if (flags.db) {
    console.error(
      "[toolkit] --db is deprecated: use --results DIR (the database is DIR/results.sqlite)",
    );
  }
  if (flags.results || flags.out) Deno.env.set("TOOLKIT_RESULTS", dir);
  return { dir, db: flags.db || `${dir}/results.sqlite` };
}

/**
 * The checkpoints folder: `<results>/checkpoints`, or `<results>/checkpoints/<experiment>`.
 *
 * @example
 * ```ts
 * checkpointDir("icl_lm"); // "results/checkpoints/icl_lm"
 * ```
 */
export function checkpointDir(experiment?: string, results: string = resultsDir()): string {
  return experiment ? `${results}/checkpoints/${experiment}` : `${results}/checkpoints`;
}

/**
 * A run's checkpoint file: `<dir>/<runId>.safetensors`, `dir` defaulting to {@link checkpointDir}.
 *
 * @example
 * ```ts
 * checkpointPath("icl_synthetic-cpu-fourBases-seed1-6d9465e5"); // "results/checkpoints/icl_synthetic-….safetensors"
 * ```
 */
export function checkpointPath(runId: string, dir: string = checkpointDir()): string {
  return `${dir}/${runId}.safetensors`;
}

/**
 * The checkpoint file of a stored run under a results folder, wherever its experiment keeps it
 * (`checkpoints/<id>.safetensors` or `checkpoints/<experiment>/<id>.safetensors`), or undefined.
 *
 * @example
 * ```ts
 * const path = findCheckpoint("results", { id: "icl_synthetic-cpu-fourBases-seed1-6d9465e5", experiment: "icl_synthetic" });
 * ```
 */
export function findCheckpoint(
  results: string,
  run: { id: string; experiment: string },
): string | undefined {
  for (const dir of [checkpointDir(undefined, results), checkpointDir(run.experiment, results)]) {
    try {
      const p = checkpointPath(run.id, dir);
      if (Deno.statSync(p).isFile) return p;
    } catch { /* try the next */ }
  }
  return undefined;
}
