/**
 * The command-line contract shared by every task in `tasks/` (see CONTRIBUTING.md, "Command
 * line"): flags are parsed and validated before any work; a bad flag, value, preset, JSON or
 * positional argument ends as one line `error: <field>: got <value>; allowed: <…>` on stderr
 * and exit code 2; I/O errors name the file and what to do; an internal failure is one line and
 * exit 1 (the stack trace only with `--debug` or `TOOLKIT_DEBUG=1`).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { ConfigError } from "./validate.ts";
import { envFlag } from "./env.ts";

/** A flag of a `deno task` command: its type, default and help text. */
export interface FlagSpec {
  type: "string" | "boolean";
  default?: string | boolean;
  help: string;
}

/** The positional arguments a task accepts (none unless given). */
export interface PositionalSpec {
  /** What they are called in messages, e.g. `command` or `RUN_ID`. */
  name: string;
  /** The values accepted (any when absent). */
  allowed?: readonly string[];
  /** Fewest and most positionals. Defaults 0 and 1. */
  min?: number;
  max?: number;
}

/**
 * A file could not be read or written: names the file and says what to do. Tasks exit 2.
 *
 * @example
 * ```ts
 * throw new FileError("runs.csv", "not found", "pass an existing CSV with --data");
 * ```
 */
export class FileError extends Error {
  constructor(readonly path: string, readonly problem: string, readonly hint: string) {
    super(`${path}: ${problem}; ${hint}`);
    this.name = "FileError";
  }
}

/**
 * The process cannot proceed for a reason outside its flags, e.g. another process is training
 * the same run. Tasks print the message on one line and exit 2.
 *
 * @example
 * ```ts
 * throw new UsageError("run X is being trained by pid 123 on host h; pass --wait to wait");
 * ```
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * True when stack traces were asked for (`--debug` or `TOOLKIT_DEBUG=1`).
 *
 * @example
 * ```ts
 * if (debugEnabled()) console.error(new Error("where").stack);
 * ```
 */
export function debugEnabled(args: readonly string[] = Deno.args): boolean {
  return args.includes("--debug") || envFlag("TOOLKIT_DEBUG", false);
}

function oneLine(s: string, max = 300): string {
  const t = s.replace(/\s*\n\s*/g, " ").trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/**
 * The one line a task prints for an error, and its exit code: 2 for a bad input (ConfigError,
 * FileError, UsageError), 1 for anything else.
 *
 * @example
 * ```ts
 * import { ConfigError } from "toolkit";
 *
 * errorLine(new ConfigError("preset", "smoke, cpu", "nope")); // { line: 'error: preset: got "nope"; allowed: smoke, cpu', code: 2 }
 * ```
 */
export function errorLine(e: unknown): { line: string; code: number } {
  if (e instanceof ConfigError) {
    const got = typeof e.got === "string"
      ? JSON.stringify(e.got)
      : oneLine(JSON.stringify(e.got) ?? String(e.got), 120);
    return {
      line: `error: ${e.field}: got ${oneLine(got, 160)}; allowed: ${oneLine(e.allowed)}`,
      code: 2,
    };
  }
  if (e instanceof FileError || e instanceof UsageError) {
    return { line: `error: ${oneLine(e.message, 600)}`, code: 2 };
  }
  if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.PermissionDenied) {
    // Deno's messages name the path: "No such file or directory (os error 2): readfile 'x'".
    return { line: `error: ${oneLine((e as Error).message)}; check the path`, code: 2 };
  }
  const msg = e instanceof Error
    ? `${e.name === "Error" ? "" : `${e.name}: `}${e.message}`
    : String(e);
  return {
    line: `error: ${oneLine(msg)} (internal error; rerun with --debug for the stack trace)`,
    code: 1,
  };
}

/**
 * Runs a task's main function under the contract: a thrown error becomes one line on stderr
 * and exit code 2 (bad input) or 1 (internal failure); with `--debug` or `TOOLKIT_DEBUG=1` the
 * stack trace follows. Never an "Uncaught" error.
 *
 * @example
 * ```ts
 * await runMain(async () => {
 *   const f = parseFlags(Deno.args, { n: { type: "string", default: "1", help: "n" } });
 *   console.log(numberFlag("n", f.n, 1));
 * });
 * ```
 */
export async function runMain(main: () => Promise<void> | void): Promise<void> {
  const fail = (e: unknown): never => {
    const { line, code } = errorLine(e);
    console.error(line);
    if (debugEnabled() && e instanceof Error && e.stack) console.error(e.stack);
    Deno.exit(code);
  };
  // A promise rejected outside `main`'s chain (a stray callback) ends the same way.
  globalThis.addEventListener("unhandledrejection", (ev) => {
    ev.preventDefault();
    fail(ev.reason);
  });
  try {
    await main();
  } catch (e) {
    fail(e);
  }
}

/** Flag spelling for messages: `--name`. */
function dashed(names: string[]): string {
  return names.map((k) => `--${k}`).join(", ");
}

/**
 * Parses command-line flags for a task script; `--help` prints the flags and exits. An unknown
 * flag, a missing value, a value given to a boolean flag or an unexpected positional argument
 * throws a {@link ConfigError} naming it (see {@link runMain}). `--debug` is always accepted.
 *
 * @example
 * ```ts
 * const f = parseFlags(["--json"], { json: { type: "boolean", help: "print JSON" } });
 * ```
 */
export function parseFlags<S extends Record<string, FlagSpec>>(
  args: string[],
  spec: S,
  opts: { usage?: string; positionals?: PositionalSpec } = {},
): { [K in keyof S]: S[K]["type"] extends "boolean" ? boolean : string } & { _: string[] } {
  const options: Record<string, { type: "string" | "boolean"; default?: string | boolean }> = {
    help: { type: "boolean", default: false },
    debug: { type: "boolean", default: false },
  };
  for (const [k, v] of Object.entries(spec)) options[k] = { type: v.type, default: v.default };
  const known = Object.keys(spec);
  // `--seed -1`: node's parser takes "-1" for a flag; a negative number is a value.
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = args[i].startsWith("--") ? args[i].slice(2) : "";
    if (spec[name]?.type === "string" && /^-(\d|\.\d)/.test(args[i + 1] ?? "")) {
      joined.push(`${args[i]}=${args[++i]}`);
    } else joined.push(args[i]);
  }
  let parsed;
  try {
    parsed = parseArgs({ args: joined, options, allowPositionals: true, strict: true });
  } catch (e) {
    const msg = (e as Error).message;
    const unknown = /Unknown option '([^']+)'/.exec(msg);
    if (unknown) throw new ConfigError("flag", dashed(known), unknown[1]);
    const missing = /Option '--?([^' ]+)(?: <value>)?' argument missing/.exec(msg);
    if (missing) throw new ConfigError(missing[1], "a value after the flag", "nothing");
    const noArg = /Option '--?([^' ]+)' does not take an argument/.exec(msg);
    if (noArg) {
      throw new ConfigError(
        noArg[1],
        `no value (a switch: --${noArg[1]})`,
        args.find((a) => a.startsWith(`--${noArg[1]}=`)) ?? msg,
      );
    }
    throw new ConfigError("flags", dashed(known), oneLine(msg));
  }
  if (parsed.values.help) {
    console.log(opts.usage ?? "flags:");
    for (const [k, v] of Object.entries(spec)) {
      console.log(
        `  --${k}${v.type === "string" ? " VALUE" : ""}  ${v.help}` +
          (v.default !== undefined && v.default !== "" ? ` (default: ${v.default})` : ""),
      );
    }
    console.log("  --debug  print stack traces of errors (also TOOLKIT_DEBUG=1)");
    Deno.exit(0);
  }
  const pos = parsed.positionals;
  const p = opts.positionals;
  if (!p) {
    if (pos.length) {
      throw new ConfigError("arguments", `none (flags only: ${dashed(known)}; see --help)`, pos[0]);
    }
  } else {
    const min = p.min ?? 0, max = p.max ?? 1;
    if (pos.length < min) {
      throw new ConfigError(
        p.name,
        p.allowed ? p.allowed.join(", ") : `${min} value(s)`,
        "nothing",
      );
    }
    if (pos.length > max) {
      throw new ConfigError(
        "arguments",
        `at most ${max} ${p.name}${max === 1 ? "" : "s"} (flags: ${dashed(known)})`,
        pos[max],
      );
    }
    for (const v of pos) {
      if (p.allowed && !p.allowed.includes(v)) {
        throw new ConfigError(p.name, p.allowed.join(", "), v);
      }
    }
  }
  const values = { ...parsed.values } as Record<string, unknown>;
  delete values.help;
  delete values.debug;
  // deno-lint-ignore no-explicit-any
  return { ...(values as any), _: pos };
}

/**
 * Parses a numeric flag value, failing with the flag's name when it is not a number or lies
 * outside `[min, max]` (or is not an integer when `integer`).
 *
 * @example
 * ```ts
 * numberFlag("steps", "200", 1000, { integer: true, min: 1 }); // 200
 * ```
 */
export function numberFlag(
  name: string,
  value: string | undefined,
  fallback: number,
  opts: { min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean } = {},
): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value.trim());
  const { min = -Infinity, max = Infinity, integer = false, exclusiveMin = false } = opts;
  const bounds = [
    min > -Infinity ? `${exclusiveMin ? ">" : ">="} ${min}` : "",
    max < Infinity ? `<= ${max}` : "",
  ].filter(Boolean).join(" and ");
  const range = `${integer ? "an integer" : "a number"}${bounds ? ` ${bounds}` : ""}`;
  if (value.trim() === "" || !Number.isFinite(n)) throw new ConfigError(name, range, value);
  if ((integer && !Number.isInteger(n)) || (exclusiveMin ? n <= min : n < min) || n > max) {
    throw new ConfigError(name, range, value);
  }
  return n;
}

/**
 * Checks that a string flag is one of `allowed` and returns it typed.
 *
 * @example
 * ```ts
 * const b = choiceFlag("backend", "wasm", ["auto", "webgpu", "wasm", "cpu"] as const);
 * ```
 */
export function choiceFlag<T extends string>(
  name: string,
  value: string,
  allowed: readonly T[],
): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(name, allowed.join(", "), value);
  }
  return value as T;
}

/** The values of `--backend`. */
export const BACKEND_CHOICES = ["auto", "webgpu", "wasm", "cpu"] as const;

/**
 * Parses a JSON flag value (an object of config overrides, say), failing with the flag's name
 * when it is not valid JSON or not an object.
 *
 * @example
 * ```ts
 * jsonFlag("set", '{"model": {"dModel": 128}}'); // { model: { dModel: 128 } }
 * ```
 */
export function jsonFlag(name: string, value: string | undefined): Record<string, unknown> {
  if (value === undefined || value === "") return {};
  let v: unknown;
  try {
    v = JSON.parse(value);
  } catch {
    throw new ConfigError(name, "a JSON object", value);
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new ConfigError(name, "a JSON object", value);
  }
  return v as Record<string, unknown>;
}

/**
 * The flags every task that reads or writes results takes: `--results DIR` (default
 * `$TOOLKIT_RESULTS` or `results/`) and the deprecated aliases `--out DIR` and `--db FILE`.
 * Resolve them with `useResults` of `lib/store/paths.ts`.
 *
 * @example
 * ```ts
 * const f = parseFlags(Deno.args, { ...RESULTS_FLAGS, json: { type: "boolean", help: "JSON" } });
 * ```
 */
export const RESULTS_FLAGS = {
  results: {
    type: "string",
    default: "",
    help:
      "results folder: database results.sqlite, checkpoints/, figures/ (default $TOOLKIT_RESULTS or results/)",
  },
  out: { type: "string", default: "", help: "deprecated: use --results" },
  db: {
    type: "string",
    default: "",
    help: "deprecated: results database file (:memory: for none); use --results",
  },
} as const satisfies Record<string, FlagSpec>;
