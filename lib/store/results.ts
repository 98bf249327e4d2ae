import { DatabaseSync } from "node:sqlite";
import {
  archiveDir,
  type ArchivedRunRow,
  type ArchiveManifest,
  readArchive,
  readArchivedCheckpoint,
  readArchivedData,
} from "./archive.ts";
import {
  closeSegment,
  newSegment,
  PROVENANCE_ARTIFACT,
  type ProvenanceSegment,
} from "./provenance.ts";
import { envVar } from "../util/env.ts";

/** A stored run: one training job or one experiment sweep (the row the archive also keeps). */
export interface RunRecord extends ArchivedRunRow {
  /** Where the run is read from: this machine's database, or the committed archive (read-only). */
  source?: "local" | "archive";
}

/** One metric value at one step of a run. */
export interface MetricRow {
  step: number;
  name: string;
  value: number;
}

const SCHEMA = `
create table if not exists runs (
  id text primary key, experiment text not null, name text not null, config text not null,
  status text not null, created text not null, updated text not null, summary text);
create table if not exists metrics (
  run_id text not null, step integer not null, name text not null, value real,
  primary key (run_id, step, name));
create table if not exists artifacts (
  run_id text not null, name text not null, value text not null, primary key (run_id, name));
create index if not exists metrics_by_name on metrics(run_id, name, step);
`;
// The same tables in the attached in-memory schema `archive`, filled from the committed archive.
const ARCHIVE_SCHEMA_SQL = SCHEMA.replaceAll("exists ", "exists archive.");

/**
 * A stable short hash of a JSON-able value (FNV-1a over its canonical JSON), for run ids.
 *
 * @example
 * ```ts
 * configHash({ lr: 1e-3, layers: 2 }) === configHash({ layers: 2, lr: 1e-3 }); // true: key order is ignored
 * ```
 */
export function configHash(value: unknown): string {
  const canon = (v: unknown): unknown =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
        Object.keys(v).sort().map((k) => [k, canon((v as Record<string, unknown>)[k])]),
      )
      : Array.isArray(v)
      ? v.map(canon)
      : v;
  const s = JSON.stringify(canon(value));
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

/**
 * The id a run is stored under: `<experiment>-<name>-<configHash(config)>`. The one rule for
 * run ids ({@link ResultsStore.startRun} uses it), so that code which names a run before it
 * starts (sweep cells, loaders) finds the same row.
 *
 * @example
 * ```ts
 * runIdOf({ experiment: "demo", name: "seed0", config: { lr: 1e-3 } }); // "demo-seed0-…"
 * ```
 */
export function runIdOf(run: { experiment: string; name?: string; config: unknown }): string {
  return `${run.experiment}-${run.name ?? "run"}-${configHash(run.config)}`;
}

/**
 * The results database: runs, their metrics over steps, and JSON artifacts (matrices,
 * snapshots, summaries), in one SQLite file (`node:sqlite`, built into Deno) that tasks,
 * notebooks and users query.
 *
 * @example
 * ```ts
 * const db = openResults(":memory:");
 * const id = db.startRun({ experiment: "demo", config: { lr: 1e-3 } });
 * db.logMetrics(id, 10, { loss: 0.5 });
 * console.log(db.metrics(id, { name: "loss" }));
 * ```
 */
export class ResultsStore {
  readonly db: DatabaseSync;

  /** The archive folder this store reads, or null. */
  readonly archive: string | null;
  #manifests = new Map<string, ArchiveManifest>();
  #loaded = new Set<string>();

  /**
   * Opens `path`. `opts.archive`: the committed run archive to show read-only beside the local
   * runs (a local run with the same id wins); default {@link archiveDir} for a file database and
   * none for `:memory:`; `false` for none.
   */
  constructor(readonly path: string, opts: { archive?: string | false | null } = {}) {
    if (path !== ":memory:" && path.includes("/")) {
      Deno.mkdirSync(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    }
    this.db = new DatabaseSync(path);
    // busy_timeout: a notebook reading while a training process writes waits instead of failing
    // with "database is locked".
    this.db.exec(
      "pragma busy_timeout = 10000; pragma journal_mode = wal; pragma synchronous = normal;",
    );
    this.db.exec(SCHEMA);
    this.archive = opts.archive === undefined
      ? (path === ":memory:" ? null : archiveDir())
      : opts.archive || null;
    if (this.archive) this.#attachArchive(this.archive);
  }

  #attachArchive(dir: string) {
    const manifests = readArchive(dir);
    this.db.exec("attach database ':memory:' as archive");
    this.db.exec(ARCHIVE_SCHEMA_SQL);
    const ins = this.db.prepare(
      "insert into archive.runs (id, experiment, name, config, status, created, updated, summary) values (?, ?, ?, ?, ?, ?, ?, ?)",
    );
    for (const m of manifests) {
      const r = m.run;
      ins.run(
        r.id,
        r.experiment,
        r.name,
        JSON.stringify(r.config),
        r.status,
        r.created,
        r.updated,
        r.summary == null ? null : JSON.stringify(r.summary),
      );
      this.#manifests.set(r.id, m);
    }
  }

  /** Loads an archived run's metrics and artifacts into the attached schema (once). */
  #loadArchived(id: string) {
    if (this.#loaded.has(id)) return;
    const m = this.#manifests.get(id)!;
    const data = readArchivedData(this.archive!, m);
    this.db.exec("begin");
    try {
      const mi = this.db.prepare(
        "insert or replace into archive.metrics (run_id, step, name, value) values (?, ?, ?, ?)",
      );
      for (const r of data.metrics) mi.run(id, r.step, r.name, r.value);
      const ai = this.db.prepare(
        "insert or replace into archive.artifacts (run_id, name, value) values (?, ?, ?)",
      );
      for (const [name, value] of data.artifacts) ai.run(id, name, value);
      this.db.exec("commit");
    } catch (e) {
      this.db.exec("rollback");
      throw e;
    }
    this.#loaded.add(id);
  }

  /** Copies an archived run (row, metrics, artifacts) into the local database. */
  #materialize(id: string) {
    this.#loadArchived(id);
    this.db.exec("begin");
    try {
      for (const t of ["runs", "metrics", "artifacts"]) {
        const key = t === "runs" ? "id" : "run_id";
        this.db.prepare(
          `insert or replace into main.${t} select * from archive.${t} where ${key} = ?`,
        ).run(id);
      }
      this.db.exec("commit");
    } catch (e) {
      this.db.exec("rollback");
      throw e;
    }
  }

  /** The schema a run's data is read from: `main` (local, wins) or `archive` (loaded on demand). */
  #schema(id: string): "main" | "archive" {
    if (!this.#manifests.has(id)) return "main";
    if (this.db.prepare("select 1 from main.runs where id = ?").get(id)) return "main";
    this.#loadArchived(id);
    return "archive";
  }

  /**
   * The archived checkpoint of a run as safetensors bytes (its resumable state, else its final
   * parameters), or null.
   */
  archivedCheckpoint(runId: string): Uint8Array | null {
    const m = this.#manifests.get(runId);
    return m && this.archive ? readArchivedCheckpoint(this.archive, m) : null;
  }

  /**
   * Creates a run, or returns the existing one with the same id (which is how a killed run
   * resumes: same experiment + config → same id). Default id: `experiment-name-hash(config)`.
   */
  startRun(opts: { experiment: string; name?: string; config: unknown; id?: string }): string {
    const name = opts.name ?? "run";
    const id = opts.id ?? runIdOf(opts);
    // Starting (resuming) a run that only the archive holds first copies it here, so that it
    // continues exactly where it was archived: a finished one is then just read back.
    if (this.#manifests.has(id) && !this.run(id, { localOnly: true })) this.#materialize(id);
    const now = new Date().toISOString();
    this.db.prepare(
      `insert into runs (id, experiment, name, config, status, created, updated)
       values (?, ?, ?, ?, 'running', ?, ?) on conflict(id) do update set updated = excluded.updated`,
    ).run(id, opts.experiment, name, JSON.stringify(opts.config), now, now);
    this.#openSegment(id);
    return id;
  }

  /** Run ids this process (this store object) has opened a provenance segment for. */
  #segmentOpen = new Set<string>();

  #lastStep(runId: string): number {
    const r = this.db.prepare("select max(step) as s from metrics where run_id = ?").get(runId) as {
      s: number | null;
    };
    return r?.s ?? 0;
  }

  /** Appends this process's provenance segment to a run (once per process and run). */
  #openSegment(runId: string) {
    if (this.#segmentOpen.has(runId)) return;
    this.#segmentOpen.add(runId);
    const segs = this.provenance(runId);
    this.setArtifact(runId, PROVENANCE_ARTIFACT, [...segs, newSegment(this.#lastStep(runId))]);
  }

  /**
   * Where a run's results came from: one segment per process that trained it (command, git
   * commit, dirty tree, backend, machine, dates, wall time, steps). Empty for runs made before
   * provenance was recorded.
   *
   * @example
   * ```ts
   * declare const db: ResultsStore, id: string;
   * for (const s of db.provenance(id)) console.log(s.commit, s.command, s.wallSeconds);
   * ```
   */
  provenance(runId: string): ProvenanceSegment[] {
    return this.artifact<ProvenanceSegment[]>(runId, PROVENANCE_ARTIFACT) ?? [];
  }

  /** Records metric values at a step (overwriting any earlier values at that step). */
  logMetrics(runId: string, step: number, values: Record<string, number>) {
    const stmt = this.db.prepare(
      "insert or replace into metrics (run_id, step, name, value) values (?, ?, ?, ?)",
    );
    this.db.exec("begin");
    try {
      for (const [k, v] of Object.entries(values)) {
        stmt.run(runId, step, k, Number.isFinite(v) ? v : null);
      }
      this.db.exec("commit");
    } catch (e) {
      this.db.exec("rollback");
      throw e;
    }
  }

  /** Metrics of a run, ordered by step; optionally one metric only. */
  metrics(runId: string, opts: { name?: string } = {}): MetricRow[] {
    const s = this.#schema(runId);
    const rows = opts.name
      ? this.db.prepare(
        `select step, name, value from ${s}.metrics where run_id = ? and name = ? order by step`,
      )
        .all(runId, opts.name)
      : this.db.prepare(
        `select step, name, value from ${s}.metrics where run_id = ? order by step, name`,
      ).all(runId);
    return rows.map((r) => ({ ...r })) as unknown as MetricRow[];
  }

  /** Drops metrics logged after `step` (a resumed run re-logs them; nothing is counted twice). */
  truncateMetrics(runId: string, step: number) {
    this.db.prepare("delete from metrics where run_id = ? and step > ?").run(runId, step);
  }

  /** Stores a JSON artifact (a matrix, a UMAP embedding, a table) under a name. */
  setArtifact(runId: string, name: string, value: unknown) {
    this.db.prepare("insert or replace into artifacts (run_id, name, value) values (?, ?, ?)")
      .run(runId, name, JSON.stringify(value));
  }

  /** Reads an artifact, or undefined. */
  // deno-lint-ignore no-explicit-any
  artifact<T = any>(runId: string, name: string): T | undefined {
    const row = this.db.prepare(
      `select value from ${this.#schema(runId)}.artifacts where run_id = ? and name = ?`,
    ).get(runId, name) as
      | { value: string }
      | undefined;
    return row ? JSON.parse(row.value) : undefined;
  }

  /** Names of a run's artifacts. */
  artifactNames(runId: string): string[] {
    return (this.db.prepare(
      `select name from ${this.#schema(runId)}.artifacts where run_id = ? order by name`,
    ).all(runId) as {
      name: string;
    }[]).map((r) => r.name);
  }

  /** A run's artifacts as stored: [name, JSON text] pairs, by name (what the archive keeps). */
  artifactRows(runId: string): [string, string][] {
    return (this.db.prepare(
      `select name, value from ${this.#schema(runId)}.artifacts where run_id = ? order by name`,
    )
      .all(runId) as { name: string; value: string }[]).map((r) => [r.name, r.value]);
  }

  /** Marks a run done (or failed) with a JSON summary. */
  finishRun(runId: string, summary: unknown, status: "done" | "failed" = "done") {
    this.db.prepare("update runs set status = ?, summary = ?, updated = ? where id = ?")
      .run(status, JSON.stringify(summary), new Date().toISOString(), runId);
    this.endSegment(runId);
  }

  /**
   * Restarts the wall clock of this process's open provenance segment of a run. For runs opened
   * ahead of their training — a grid opens every run, then trains them one by one — so that a
   * segment's wall time is the run's own, not its time in the queue. No-op when this process
   * opened none.
   *
   * @example
   * ```ts
   * declare const db: ResultsStore, id: string;
   * db.startClock(id); // just before the run's first training step
   * ```
   */
  startClock(runId: string) {
    if (!this.#segmentOpen.has(runId)) return;
    const segs = this.provenance(runId);
    const last = segs.at(-1);
    if (!last || last.ended) return;
    last.started = new Date().toISOString();
    this.setArtifact(runId, PROVENANCE_ARTIFACT, segs);
  }

  /**
   * Closes this process's provenance segment of a run (end date, wall time, last step): at the
   * end of a run, or when it pauses (`--max-minutes`). No-op when this process opened none.
   *
   * @example
   * ```ts
   * declare const db: ResultsStore, id: string;
   * db.endSegment(id);
   * ```
   */
  endSegment(runId: string) {
    if (!this.#segmentOpen.has(runId)) return;
    this.#segmentOpen.delete(runId);
    this.setArtifact(
      runId,
      PROVENANCE_ARTIFACT,
      closeSegment(this.provenance(runId), this.#lastStep(runId)),
    );
  }

  /** One run, or undefined. */
  run(runId: string, opts: { localOnly?: boolean } = {}): RunRecord | undefined {
    const r = this.db.prepare("select * from main.runs where id = ?").get(runId);
    if (r) return parseRun(r, "local");
    if (opts.localOnly || !this.#manifests.has(runId)) return undefined;
    const a = this.db.prepare("select * from archive.runs where id = ?").get(runId);
    return a ? parseRun(a, "archive") : undefined;
  }

  /**
   * Runs, newest first; optionally of one experiment or status. Archived runs (`source:
   * "archive"`) are listed unless a local run has the same id, or `localOnly`.
   */
  runs(
    opts: { experiment?: string; status?: RunRecord["status"]; localOnly?: boolean } = {},
  ): RunRecord[] {
    const where = "where (?1 is null or experiment = ?1) and (?2 is null or status = ?2)";
    const sql = this.archive && !opts.localOnly
      ? `select *, 'local' as source from main.runs ${where}
         union all select *, 'archive' as source from archive.runs ${where} and id not in (select id from main.runs)
         order by created desc, id`
      : `select *, 'local' as source from main.runs ${where} order by created desc, id`;
    return this.db.prepare(sql).all(opts.experiment ?? null, opts.status ?? null).map((r) =>
      parseRun(r)
    );
  }

  /** Deletes a run with its metrics and artifacts. */
  deleteRun(runId: string) {
    for (const t of ["metrics", "artifacts"]) {
      this.db.prepare(`delete from ${t} where run_id = ?`).run(runId);
    }
    this.db.prepare("delete from runs where id = ?").run(runId);
  }

  /**
   * Copies one run's metrics and artifacts into another run of this database (replacing any of
   * the same step and name there), e.g. to continue a run under a new config.
   *
   * @example
   * ```ts
   * declare const db: ResultsStore;
   * db.copyRunData("exp-short-1a2b3c4d", "exp-long-5e6f7a8b");
   * ```
   */
  copyRunData(fromId: string, toId: string) {
    // The target's history is the source's segments, then its own.
    const provenance = [...this.provenance(fromId), ...this.provenance(toId)];
    const src = this.#schema(fromId);
    this.db.exec("begin");
    try {
      this.db.prepare(
        `insert or replace into main.metrics (run_id, step, name, value) select ?, step, name, value from ${src}.metrics where run_id = ?`,
      )
        .run(toId, fromId);
      this.db.prepare(
        `insert or replace into main.artifacts (run_id, name, value) select ?, name, value from ${src}.artifacts where run_id = ?`,
      )
        .run(toId, fromId);
      if (provenance.length) {
        this.db.prepare("insert or replace into artifacts (run_id, name, value) values (?, ?, ?)")
          .run(toId, PROVENANCE_ARTIFACT, JSON.stringify(provenance));
      }
      this.db.exec("commit");
    } catch (e) {
      this.db.exec("rollback");
      throw e;
    }
  }

  /**
   * Copies runs (with their metrics and artifacts) from another results database, replacing
   * runs of the same id here: how results made on another machine (a lent GPU, say) join the
   * local ones. Returns the ids copied.
   *
   * @example
   * ```ts
   * openResults().importRuns("gpu/results.sqlite", { experiment: "icl_synthetic" });
   * ```
   */
  importRuns(sourcePath: string, opts: { ids?: string[]; experiment?: string } = {}): string[] {
    const src = new DatabaseSync(sourcePath, { readOnly: true });
    try {
      const ids =
        (src.prepare("select id from runs where (?1 is null or experiment = ?1) order by id")
          .all(opts.experiment ?? null) as { id: string }[]).map((r) => r.id)
          .filter((id) => !opts.ids || opts.ids.includes(id));
      for (const id of ids) {
        this.db.exec("begin");
        try {
          for (const t of ["metrics", "artifacts"]) {
            this.db.prepare(`delete from ${t} where run_id = ?`).run(id);
          }
          const copy = (table: string, key: string) => {
            for (
              const row of src.prepare(`select * from ${table} where ${key} = ?`).all(id) as Record<
                string,
                never
              >[]
            ) {
              const cols = Object.keys(row);
              this.db.prepare(
                `insert or replace into ${table} (${cols.join(", ")}) values (${
                  cols.map(() => "?").join(", ")
                })`,
              )
                .run(...cols.map((c) => row[c]));
            }
          };
          copy("runs", "id");
          copy("metrics", "run_id");
          copy("artifacts", "run_id");
          this.db.exec("commit");
        } catch (e) {
          this.db.exec("rollback");
          throw e;
        }
      }
      return ids;
    } finally {
      src.close();
    }
  }

  /** Any read-only SQL, for users' own questions. */
  query(sql: string, ...params: (string | number | null)[]): Record<string, unknown>[] {
    // Archived runs are in the attached schema `archive` (archive.runs, archive.metrics, …): load
    // them all when a query names it.
    if (/\barchive\./i.test(sql)) {
      for (const id of this.#manifests.keys()) {
        this.#loadArchived(id);
      }
    }
    return this.db.prepare(sql).all(...params).map((r) => ({ ...r }));
  }

  close() {
    this.db.close();
  }
}

// deno-lint-ignore no-explicit-any
function parseRun(r: any, source?: "local" | "archive"): RunRecord {
  return {
    ...r,
    source: source ?? r.source,
    config: JSON.parse(r.config),
    summary: r.summary ? JSON.parse(r.summary) : null,
  };
}

/**
 * The default results location: `$TOOLKIT_RESULTS` or `results/`.
 *
 * @example
 * ```ts
 * const db = `${resultsDir()}/results.sqlite`;
 * ```
 */
export function resultsDir(): string {
  return envVar("TOOLKIT_RESULTS") ?? "results";
}

/**
 * Opens (creating if needed) the results database; default `results/results.sqlite`.
 *
 * @example
 * ```ts
 * const db = openResults();
 * console.table(db.runs({ experiment: "icl" }).map((r) => r.summary));
 * ```
 */
export function openResults(
  path = `${resultsDir()}/results.sqlite`,
  opts: { archive?: string | false | null } = {},
): ResultsStore {
  return new ResultsStore(path, opts);
}
