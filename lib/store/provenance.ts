/**
 * Where a run's results came from: each time a process starts (or resumes) a run it appends a
 * segment — the exact command, the code's git commit and whether the tree was dirty, the backend,
 * the machine, the date — and closes it with the wall time and the steps reached. A run made
 * across sessions (resumed, extended, moved between a CPU and a lent GPU) keeps every segment.
 *
 * @module
 */
import { runtimeFacts } from "../util/runtime.ts";
import { envFlag, envVar } from "../util/env.ts";

/** One process's share of a run. */
export interface ProvenanceSegment {
  /** The command, as a shell line: `deno run -A tasks/icl_train.ts --preset cpu …` (plus TOOLKIT_* variables). */
  command: string;
  /** Git commit of the toolkit's code, or "unknown" (not a git checkout, git missing, remote import). */
  commit: string;
  /** Tracked files differed from the commit (so the commit alone does not give the code). */
  dirty: boolean;
  /** Backend and adapter, as `initBackend` chose them ("none" when the process did no tensor work). */
  backend: string;
  /** CPU model × cores, memory, OS, Deno version. */
  machine: string;
  /** ISO date the segment started. */
  started: string;
  /** ISO date it ended (absent while running, or when the process was killed). */
  ended?: string;
  /** Wall-clock seconds from start to end. */
  wallSeconds?: number;
  /** Last stored step when the segment started and when it ended. */
  fromStep: number;
  toStep?: number;
}

/** The name of the artifact that holds a run's segments. */
export const PROVENANCE_ARTIFACT = "provenance";

let codeCache: { commit: string; dirty: boolean } | undefined;
let machineCache: string | undefined;

function git(dir: string, args: string[]): string | undefined {
  try {
    const out = new Deno.Command("git", {
      args: ["-C", dir, ...args],
      stdout: "piped",
      stderr: "null",
    }).outputSync();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The toolkit code's git commit and dirtiness (cached for the process). `TOOLKIT_COMMIT` (and
 * `TOOLKIT_DIRTY=1`) give them to a bundle that runs away from its git checkout.
 *
 * @example
 * ```ts
 * const { commit, dirty } = codeVersion();
 * ```
 */
export function codeVersion(): { commit: string; dirty: boolean } {
  if (codeCache) return codeCache;
  // A bundle run away from the checkout (tasks/device/: the GPU machine gets no .git) is told
  // the commit it was packed from.
  const given = envVar("TOOLKIT_COMMIT");
  if (given) return codeCache = { commit: given, dirty: envFlag("TOOLKIT_DIRTY", false) };
  const url = new URL("../..", import.meta.url);
  if (url.protocol !== "file:") return codeCache = { commit: "unknown", dirty: false };
  const dir = decodeURIComponent(url.pathname);
  const commit = git(dir, ["rev-parse", "HEAD"]);
  const status = git(dir, ["status", "--porcelain", "--untracked-files=no"]);
  codeCache = { commit: commit ?? "unknown", dirty: commit ? status !== "" : false };
  return codeCache;
}

/**
 * One line describing this machine: CPU model × logical cores, memory, OS, Deno.
 *
 * @example
 * ```ts
 * console.log(machineDescription()); // "Intel(R) Xeon(R) … ×2, 23 GiB, linux x86_64, deno 2.9.6"
 * ```
 */
export function machineDescription(): string {
  if (machineCache) return machineCache;
  let cpu = "unknown CPU";
  try {
    const m = /model name\s*:\s*(.+)/.exec(Deno.readTextFileSync("/proc/cpuinfo"));
    if (m) cpu = m[1].trim();
  } catch { /* not Linux */ }
  const mem = (() => {
    try {
      return `${Math.round(Deno.systemMemoryInfo().total / 2 ** 30)} GiB`;
    } catch {
      return "? GiB";
    }
  })();
  machineCache =
    `${cpu} ×${navigator.hardwareConcurrency}, ${mem}, ${Deno.build.os} ${Deno.build.arch}, deno ${Deno.version.deno}`;
  return machineCache;
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}

/**
 * This process's command line as a shell line, with the TOOLKIT_* variables that change results.
 *
 * @example
 * ```ts
 * console.log(commandLine()); // "deno run -A tasks/icl_train.ts --preset cpu --seed 1"
 * ```
 */
export function commandLine(): string {
  const main = Deno.mainModule;
  let script = main;
  if (main.startsWith("file:")) {
    const path = decodeURIComponent(new URL(main).pathname);
    const root = decodeURIComponent(new URL("../..", import.meta.url).pathname);
    script = path.startsWith(root) ? path.slice(root.length) : path;
  }
  const env = Object.entries(Deno.env.toObject())
    .filter(([k]) => k.startsWith("TOOLKIT_") && k !== "TOOLKIT_QUIET" && k !== "TOOLKIT_DEBUG")
    .sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${shellQuote(v)} `).join("");
  return `${env}deno run -A ${[script, ...Deno.args].map(shellQuote).join(" ")}`;
}

/**
 * A new segment for this process, starting now at `fromStep`.
 *
 * @example
 * ```ts
 * const seg = newSegment(0);
 * ```
 */
export function newSegment(fromStep: number): ProvenanceSegment {
  const { commit, dirty } = codeVersion();
  return {
    command: commandLine(),
    commit,
    dirty,
    backend: runtimeFacts().backend ?? "none",
    machine: machineDescription(),
    started: new Date().toISOString(),
    fromStep,
  };
}

/**
 * Closes the last open segment of a list (end date, wall time, step reached); returns a copy.
 *
 * @example
 * ```ts
 * const closed = closeSegment([newSegment(0)], 100);
 * ```
 */
export function closeSegment(segments: ProvenanceSegment[], toStep: number): ProvenanceSegment[] {
  const out = segments.map((s) => ({ ...s }));
  const last = out[out.length - 1];
  if (!last || last.ended) return out;
  last.ended = new Date().toISOString();
  last.wallSeconds = Math.round((Date.parse(last.ended) - Date.parse(last.started)) / 100) / 10;
  last.toStep = toStep;
  // The backend is often chosen after the run row is created: fill it in at the end.
  if (last.backend === "none") last.backend = runtimeFacts().backend ?? "none";
  return out;
}

/** A run's provenance in a few fields (for reports and listings). */
export interface ProvenanceSummary {
  /** Summed wall time of the segments (seconds; killed segments count 0). */
  wallSeconds: number;
  /** Distinct commits (10 hex digits, `+dirty` when the tree was dirty), backends and machines. */
  commits: string[];
  backends: string[];
  machines: string[];
  /** The command of the first and of the last segment. */
  firstCommand: string;
  command: string;
  /** Dates of the first start and the last end. */
  started: string;
  ended: string;
  segments: number;
}

/**
 * Summarises provenance segments.
 *
 * @example
 * ```ts
 * import type { ResultsStore } from "toolkit";
 *
 * declare const db: ResultsStore, id: string;
 * const p = summarizeProvenance(db.provenance(id));
 * console.log(p.commits, p.wallSeconds);
 * ```
 */
export function summarizeProvenance(segments: ProvenanceSegment[]): ProvenanceSummary {
  const uniq = (xs: string[]) => [...new Set(xs)];
  return {
    wallSeconds: Math.round(segments.reduce((a, s) => a + (s.wallSeconds ?? 0), 0)),
    commits: uniq(segments.map((s) => s.commit.slice(0, 10) + (s.dirty ? "+dirty" : ""))),
    backends: uniq(segments.map((s) => s.backend)),
    machines: uniq(segments.map((s) => s.machine)),
    firstCommand: segments[0]?.command ?? "(unknown)",
    command: segments.at(-1)?.command ?? "(unknown)",
    started: segments[0]?.started ?? "",
    ended: segments.at(-1)?.ended ?? segments.at(-1)?.started ?? "",
    segments: segments.length,
  };
}
