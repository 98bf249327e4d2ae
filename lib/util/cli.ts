import { parseArgs } from "node:util";
import { ConfigError } from "./validate.ts";

/** A flag of a `deno task` command: its type, default and help text. */
export interface FlagSpec {
  type: "string" | "boolean";
  default?: string | boolean;
  help: string;
}

/**
 * Parses command-line flags for a task script; `--help` prints the flags and exits, and an
 * unknown flag fails with the list of known ones.
 *
 * @example
 * ```ts
 * const f = parseFlags(["--json"], { json: { type: "boolean", help: "print JSON" } });
 * ```
 */
export function parseFlags<S extends Record<string, FlagSpec>>(
  args: string[],
  spec: S,
  opts: { usage?: string } = {},
): { [K in keyof S]: S[K]["type"] extends "boolean" ? boolean : string } & { _: string[] } {
  const options: Record<string, { type: "string" | "boolean"; default?: string | boolean }> = {
    help: { type: "boolean", default: false },
  };
  for (const [k, v] of Object.entries(spec)) options[k] = { type: v.type, default: v.default };
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new ConfigError("flags", Object.keys(spec).map((k) => `--${k}`).join(", "), String(
      (e as Error).message,
    ));
  }
  if (parsed.values.help) {
    console.log(opts.usage ?? "flags:");
    for (const [k, v] of Object.entries(spec)) {
      console.log(`  --${k}${v.type === "string" ? " VALUE" : ""}  ${v.help}` +
        (v.default !== undefined ? ` (default: ${v.default})` : ""));
    }
    Deno.exit(0);
  }
  // deno-lint-ignore no-explicit-any
  return { ...(parsed.values as any), _: parsed.positionals };
}

/** Parses a numeric flag value, failing with the flag's name when it is not a number. */
export function numberFlag(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new ConfigError(name, "a number", value);
  return n;
}

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
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new ConfigError(name, "a JSON object", value);
  return v as Record<string, unknown>;
}
