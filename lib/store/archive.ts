/**
 * The reference-run archive: runs committed to the repository (`fixtures/runs/`), so that every
 * clone — a user's, a cluster node's, the next session's — reads the long runs that the reports
 * and notebooks rest on, and can continue them.
 *
 * One folder per run, named by its id:
 * - `manifest.json` — plain JSON: the run row (config, status, summary), its provenance segments,
 *   the export's date and commit, and each data file with its SHA-256 and size;
 * - `data-<sha8>.json.gz` — metrics (columnar) and artifacts (their stored JSON text, so a round
 *   trip is bit-exact);
 * - optionally `state-<sha8>.safetensors.gz` (the resumable checkpoint: parameters, Adam moments,
 *   step) or `params-<sha8>.safetensors.gz` (final parameters only).
 *
 * Files are named by content, and the manifest is replaced last by an atomic rename: a killed
 * export leaves the previous entry whole. Every read checks the schema version and checksums; a
 * bad entry is an {@link ArchiveError} naming the file.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import type { ProvenanceSegment } from "./provenance.ts";
import { codeVersion, summarizeProvenance } from "./provenance.ts";
import { decodeSafetensors, encodeSafetensors, writeFileAtomic } from "./checkpoint.ts";
import { envVar } from "../util/env.ts";

/** Version of the archive format; readers refuse other versions. */
export const ARCHIVE_SCHEMA = 1;
const FORMAT = "neurolearn-run-archive";

/** A run's row as archived (the results store's `RunRecord` without its `source`). */
export interface ArchivedRunRow {
  id: string;
  experiment: string;
  name: string;
  // deno-lint-ignore no-explicit-any
  config: any;
  status: "running" | "done" | "failed";
  created: string;
  updated: string;
  // deno-lint-ignore no-explicit-any
  summary: any;
}

/** What {@link exportRun} reads from a results store (a `ResultsStore` is one). */
export interface ExportSource {
  run(id: string, opts: { localOnly: true }): (ArchivedRunRow & { source?: string }) | undefined;
  provenance(id: string): ProvenanceSegment[];
  metrics(id: string): { step: number; name: string; value: number | null }[];
  artifactRows(id: string): [string, string][];
}

/** A data file of an archive entry. */
export interface ArchiveFile {
  /** File name inside the run's folder. */
  path: string;
  /** SHA-256 (hex) of the file's bytes as stored (compressed). */
  sha256: string;
  /** Size in bytes as stored. */
  bytes: number;
}

/** The manifest of one archived run. */
export interface ArchiveManifest {
  format: typeof FORMAT;
  schema: number;
  run: ArchivedRunRow;
  provenance: ProvenanceSegment[];
  /** When, and from which code, the entry was written. */
  exported: { date: string; commit: string; dirty: boolean };
  files: { data: ArchiveFile; state?: ArchiveFile; params?: ArchiveFile };
  /** Last step with stored metrics. */
  lastStep: number;
}

/** The metrics and artifacts of an archived run. */
export interface ArchivedData {
  metrics: { step: number; name: string; value: number | null }[];
  /** Artifact name → its stored JSON text. */
  artifacts: [string, string][];
}

/** A bad archive entry: the message is one line that names the file. */
export class ArchiveError extends Error {
  constructor(readonly file: string, what: string) {
    super(`archive entry ${file}: ${what}`);
    this.name = "ArchiveError";
  }
}

/**
 * The archive folder: `$TOOLKIT_ARCHIVE` if set (empty = no archive), else the repository's
 * `fixtures/runs/` (null when the toolkit is imported from a URL).
 *
 * @example
 * ```ts
 * console.log(archiveDir()); // ".../fixtures/runs"
 * ```
 */
export function archiveDir(): string | null {
  const env = envVar("TOOLKIT_ARCHIVE");
  if (env !== undefined) return env === "" ? null : env;
  const url = new URL("../../fixtures/runs", import.meta.url);
  return url.protocol === "file:" ? decodeURIComponent(url.pathname) : null;
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

function readVerified(dir: string, id: string, f: ArchiveFile): Uint8Array {
  const file = `${dir}/${id}/${f.path}`;
  let bytes: Uint8Array;
  try {
    bytes = Deno.readFileSync(file);
  } catch {
    throw new ArchiveError(
      file,
      "missing (the manifest lists it); re-export the run or restore the file from git",
    );
  }
  if (bytes.length !== f.bytes || sha256(bytes) !== f.sha256) {
    throw new ArchiveError(
      file,
      `checksum mismatch (expected sha256 ${
        f.sha256.slice(0, 12)
      }…, ${f.bytes} bytes; got ${bytes.length} bytes): the file is truncated or corrupted — restore it with git checkout`,
    );
  }
  try {
    return new Uint8Array(gunzipSync(bytes));
  } catch {
    throw new ArchiveError(file, "not valid gzip");
  }
}

/**
 * Reads and validates one run's manifest.
 *
 * @example
 * ```ts
 * const m = readManifest("fixtures/runs", "icl_synthetic-cpu-fourBases-seed1-6d9465e5");
 * ```
 */
export function readManifest(dir: string, id: string): ArchiveManifest {
  const file = `${dir}/${id}/manifest.json`;
  let m: ArchiveManifest;
  try {
    m = JSON.parse(Deno.readTextFileSync(file));
  } catch (e) {
    throw new ArchiveError(
      file,
      e instanceof SyntaxError ? `not valid JSON (${e.message})` : "unreadable",
    );
  }
  if (m?.format !== FORMAT) {
    throw new ArchiveError(file, `not a run manifest (format ${JSON.stringify(m?.format)})`);
  }
  if (m.schema !== ARCHIVE_SCHEMA) {
    throw new ArchiveError(
      file,
      `schema version ${m.schema}; this toolkit reads version ${ARCHIVE_SCHEMA} — update the toolkit or re-export`,
    );
  }
  if (m.run?.id !== id) {
    throw new ArchiveError(file, `holds run ${JSON.stringify(m.run?.id)}, not the folder's ${id}`);
  }
  if (!m.files?.data?.sha256) throw new ArchiveError(file, "lists no data file");
  return m;
}

/**
 * Every manifest of an archive folder (none when it does not exist), sorted by id.
 *
 * @example
 * ```ts
 * for (const m of readArchive("fixtures/runs")) console.log(m.run.id, m.lastStep);
 * ```
 */
export function readArchive(dir: string | null = archiveDir()): ArchiveManifest[] {
  if (!dir) return [];
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(dir)];
  } catch {
    return [];
  }
  return entries.filter((e) => e.isDirectory && !e.name.startsWith("."))
    .map((e) => e.name).sort().map((id) => readManifest(dir, id));
}

/**
 * The metrics and artifacts of an archived run, checksum-verified.
 *
 * @example
 * ```ts
 * const { metrics } = readArchivedData("fixtures/runs", readArchive()[0]);
 * ```
 */
export function readArchivedData(dir: string, m: ArchiveManifest): ArchivedData {
  const text = new TextDecoder().decode(readVerified(dir, m.run.id, m.files.data));
  const file = `${dir}/${m.run.id}/${m.files.data.path}`;
  try {
    const d = JSON.parse(text);
    const names: string[] = d.metrics.names;
    const metrics = (d.metrics.step as number[]).map((step, i) => ({
      step,
      name: names[d.metrics.name[i]],
      value: d.metrics.value[i] as number | null,
    }));
    return { metrics, artifacts: d.artifacts };
  } catch {
    throw new ArchiveError(file, "data does not have the expected shape");
  }
}

/**
 * The archived checkpoint of a run as safetensors bytes: its resumable state, or else its final
 * parameters; null when the entry has neither.
 *
 * @example
 * ```ts
 * const bytes = readArchivedCheckpoint("fixtures/runs", readArchive()[0]);
 * ```
 */
export function readArchivedCheckpoint(
  dir: string,
  m: ArchiveManifest,
  opts: { kind?: "state" | "params" } = {},
): Uint8Array | null {
  const f = opts.kind ? m.files[opts.kind] : m.files.state ?? m.files.params;
  return f ? readVerified(dir, m.run.id, f) : null;
}

/** What {@link exportRun} wrote. */
export interface ExportResult {
  id: string;
  dir: string;
  /** Bytes of the entry's files (manifest included). */
  bytes: number;
  files: string[];
}

/** Options of {@link exportRun}. */
export interface ExportOptions {
  /** Archive folder. Default {@link archiveDir}. */
  dir?: string;
  /**
   * The run's checkpoint file, to archive as its resumable state (`state`, for runs meant to be
   * continued with `--extend-from`/`--branch-from`) or as final parameters only (`params`).
   */
  checkpoint?: string;
  /** What to keep of the checkpoint. Default `state`. */
  keep?: "state" | "params";
  /** Export even when the run's code was dirty or of unknown commit. Default false. */
  allowDirty?: boolean;
}

/**
 * Writes (or replaces) a run's archive entry from a local store. Refuses, naming the reason, a
 * run that is not stored locally, or one whose provenance shows a dirty or unknown code commit
 * (unless `allowDirty`). Atomic: the manifest is renamed into place last, and only then are the
 * files of the previous entry removed.
 *
 * @example
 * ```ts
 * import { openResults } from "toolkit";
 *
 * const db = openResults();
 * await exportRun(db, "icl_synthetic-cpu-fourBases-seed1-6d9465e5", { checkpoint: "results/checkpoints/icl_synthetic-cpu-fourBases-seed1-6d9465e5.safetensors" });
 * ```
 */
export async function exportRun(
  store: ExportSource,
  id: string,
  opts: ExportOptions = {},
): Promise<ExportResult> {
  const dir = opts.dir ?? archiveDir();
  if (!dir) throw new ArchiveError("(none)", "no archive folder: set TOOLKIT_ARCHIVE");
  const run = store.run(id, { localOnly: true });
  if (!run) {
    throw new ArchiveError(
      `${dir}/${id}`,
      "no such run in the local store (runs:export reads the results database)",
    );
  }
  const provenance = store.provenance(id);
  if (!opts.allowDirty) checkCommittedCode(provenance, `${dir}/${id}`);
  const metrics = store.metrics(id);
  const files = [packData(metrics, store.artifactRows(id))];
  if (opts.checkpoint) files.push(await packCheckpoint(opts.checkpoint, opts.keep ?? "state"));

  const entry = `${dir}/${id}`;
  const listed = await writeEntryFiles(entry, files);
  const { source: _source, ...row } = run;
  const manifest: ArchiveManifest = {
    format: FORMAT,
    schema: ARCHIVE_SCHEMA,
    run: row,
    provenance,
    exported: { date: new Date().toISOString(), ...codeVersion() },
    files: listed,
    lastStep: metrics.reduce((a, r) => Math.max(a, r.step), 0),
  };
  const manifestBytes = new TextEncoder().encode(JSON.stringify(manifest, null, 1) + "\n");
  await writeFileAtomic(`${entry}/manifest.json`, manifestBytes);
  // Only now, with the new manifest in place, drop the files it no longer lists.
  const keepNames = new Set(["manifest.json", ...Object.values(listed).map((f) => f.path)]);
  await removeUnlisted(entry, keepNames);
  const bytes = manifestBytes.length + files.reduce((a, f) => a + f.bytes.length, 0);
  return { id, dir: entry, bytes, files: [...keepNames] };
}

/** A file of an entry before it is written: its manifest key and its (compressed) bytes. */
type PackedFile = { name: keyof ArchiveManifest["files"]; bytes: Uint8Array };

// Export's provenance gate: every segment must have run committed code of a known commit.
function checkCommittedCode(provenance: ProvenanceSegment[], entry: string) {
  if (provenance.length === 0) {
    throw new ArchiveError(
      entry,
      "the run has no provenance (made before it was recorded): its code commit is unknown; pass --allow-dirty to export it anyway",
    );
  }
  const bad = provenance.find((s) => s.dirty || s.commit === "unknown");
  if (bad) {
    throw new ArchiveError(
      entry,
      `a segment started ${bad.started} ran ${
        bad.commit === "unknown"
          ? "code of unknown commit"
          : `uncommitted changes on ${bad.commit.slice(0, 10)}`
      }; commit and rerun, or pass --allow-dirty`,
    );
  }
}

// The `data` file: metrics as columns (names indexed, sorted) and the artifact rows, gzipped JSON.
function packData(
  metrics: { step: number; name: string; value: number | null }[],
  artifacts: [string, string][],
): PackedFile {
  const names = [...new Set(metrics.map((r) => r.name))].sort();
  const index = new Map(names.map((n, i) => [n, i]));
  const data = {
    metrics: {
      names,
      step: metrics.map((r) => r.step),
      name: metrics.map((r) => index.get(r.name)!),
      value: metrics.map((r) => r.value),
    },
    artifacts,
  };
  return {
    name: "data",
    bytes: new Uint8Array(gzipSync(new TextEncoder().encode(JSON.stringify(data)), { level: 9 })),
  };
}

// The checkpoint file, gzipped: the whole state, or (`params`) without the Adam moments.
async function packCheckpoint(path: string, keep: "state" | "params"): Promise<PackedFile> {
  let raw: Uint8Array;
  try {
    raw = await Deno.readFile(path);
  } catch {
    throw new ArchiveError(path, "checkpoint not found (pass the run's .safetensors file)");
  }
  if (keep === "params") {
    const ckpt = decodeSafetensors(raw, { only: (n) => !n.startsWith("adam.") });
    raw = encodeSafetensors(ckpt.tensors, { metadata: ckpt.metadata });
  }
  return { name: keep, bytes: new Uint8Array(gzipSync(raw, { level: 9 })) };
}

// Writes each file under a content-addressed name (so an old entry's files stay valid until the
// new manifest replaces it); returns the manifest's `files`.
async function writeEntryFiles(
  entry: string,
  files: PackedFile[],
): Promise<ArchiveManifest["files"]> {
  const listed: ArchiveManifest["files"] = {} as ArchiveManifest["files"];
  for (const f of files) {
    const hash = sha256(f.bytes);
    const ext = f.name === "data" ? "json.gz" : "safetensors.gz";
    const path = `${f.name}-${hash.slice(0, 8)}.${ext}`;
    await writeFileAtomic(`${entry}/${path}`, f.bytes);
    listed[f.name] = { path, sha256: hash, bytes: f.bytes.length };
  }
  return listed;
}

// Removes the entry's files that the manifest no longer lists (a replaced export's).
async function removeUnlisted(entry: string, keepNames: Set<string>) {
  for (const e of Deno.readDirSync(entry)) {
    if (!keepNames.has(e.name)) await Deno.remove(`${entry}/${e.name}`);
  }
}

/**
 * Writes an archived run's checkpoint to `path` (unless a file is already there), so that
 * `extendFrom` / `branchFrom` continue an archived run on a machine that never trained it.
 * Returns whether a checkpoint is now at `path`.
 *
 * @example
 * ```ts
 * import { openResults } from "toolkit";
 *
 * await restoreArchivedCheckpoint(openResults(), "icl_synthetic-cpu-fourBases-seed1-6d9465e5", { path: "results/checkpoints/x.safetensors" });
 * ```
 */
export async function restoreArchivedCheckpoint(
  store: { archivedCheckpoint(id: string): Uint8Array | null },
  id: string,
  opts: { path: string },
): Promise<boolean> {
  const { path } = opts;
  try {
    await Deno.stat(path);
    return true;
  } catch { /* not there: restore it */ }
  const bytes = store.archivedCheckpoint(id);
  if (!bytes) return false;
  await writeFileAtomic(path, bytes);
  return true;
}

/** One row of {@link listArchive}. */
export interface ArchiveListing {
  id: string;
  experiment: string;
  name: string;
  status: string;
  lastStep: number;
  /** Bytes of the entry's files. */
  bytes: number;
  /** What the entry holds beyond metrics and artifacts. */
  checkpoint: "state" | "params" | "none";
  /** Summed wall time of the provenance segments (seconds). */
  wallSeconds: number;
  /** Distinct commits, backends and machines of the segments. */
  commits: string[];
  backends: string[];
  machines: string[];
  /** The command of the last segment. */
  command: string;
}

/**
 * What is archived, with provenance and size.
 *
 * @example
 * ```ts
 * console.table(listArchive());
 * ```
 */
export function listArchive(dir: string | null = archiveDir()): ArchiveListing[] {
  if (!dir) return [];
  return readArchive(dir).map((m) => {
    let bytes = 0;
    for (const f of ["manifest.json", ...Object.values(m.files).map((f) => f.path)]) {
      try {
        bytes += Deno.statSync(`${dir}/${m.run.id}/${f}`).size;
      } catch { /* counted as missing by readers */ }
    }
    const p = summarizeProvenance(m.provenance);
    return {
      id: m.run.id,
      experiment: m.run.experiment,
      name: m.run.name,
      status: m.run.status,
      lastStep: m.lastStep,
      bytes,
      checkpoint: m.files.state ? "state" : m.files.params ? "params" : "none",
      wallSeconds: p.wallSeconds,
      commits: p.commits,
      backends: p.backends,
      machines: p.machines,
      command: p.command,
    };
  });
}
