/**
 * The Slurm flags every sweep command takes (`--slurm`, `--submit`, `--shards` and the
 * resources) and the one call a command makes when they are given.
 *
 * @module
 */
import { resolve } from "node:path";
import type { FlagSpec } from "../util/cli.ts";
import { ConfigError } from "../util/validate.ts";
import type { SweepCell } from "./cells.ts";
import { slurmResources } from "./resources.ts";
import {
  activeSlurmShards,
  type PreparedSlurmSweep,
  prepareSlurmSweep,
  slurmSweepName,
  type SlurmSweepSpec,
  submitSlurmSweep,
} from "./submit.ts";
import { slurmSweepDir } from "./plan.ts";

/**
 * The flags, to spread into a command's `parseFlags` spec.
 *
 * @example
 * ```ts
 * import { parseFlags } from "toolkit/util";
 *
 * const flags = parseFlags(Deno.args, { preset: { type: "string", help: "…" }, ...SLURM_FLAGS });
 * ```
 */
export const SLURM_FLAGS = {
  slurm: {
    type: "boolean",
    default: false,
    help:
      "write a Slurm job array (one task per shard) and a merge job under <results>/slurm/; print their paths",
  },
  submit: {
    type: "boolean",
    default: false,
    help: "--slurm, then submit both with sbatch and print the job ids",
  },
  shards: { type: "string", default: "", help: "array tasks (default: one per cell, at most 16)" },
  "cpus-per-task": {
    type: "string",
    default: "1",
    help: "Slurm --cpus-per-task of each array task",
  },
  mem: { type: "string", default: "4G", help: "Slurm --mem of each array task (e.g. 4G)" },
  time: { type: "string", default: "12:00:00", help: "Slurm --time of each array task" },
  partition: { type: "string", default: "", help: "Slurm --partition (default: the cluster's)" },
  gres: { type: "string", default: "", help: "Slurm --gres, e.g. gpu:1 for WebGPU runs" },
} as const satisfies Record<string, FlagSpec>;

/** The parsed values of {@link SLURM_FLAGS}. */
export type SlurmFlagValues = {
  slurm: boolean;
  submit: boolean;
  shards: string;
  "cpus-per-task": string;
  mem: string;
  time: string;
  partition: string;
  gres: string;
};

/**
 * Whether a command was asked to go to Slurm.
 *
 * @example
 * ```ts
 * declare const flags: SlurmFlagValues, spec: SlurmCommandSpec;
 * if (slurmRequested(flags)) Deno.exitCode = await runSlurmCommand(flags, spec);
 * ```
 */
export function slurmRequested(flags: Pick<SlurmFlagValues, "slurm" | "submit">): boolean {
  return flags.slurm || flags.submit;
}

/**
 * Drops flags from an argument list: `drop` maps a flag name to whether it takes a value
 * (`--name value` or `--name=value`; booleans also as `--no-name`).
 *
 * @example
 * ```ts
 * stripFlags(["--preset", "smoke", "--slurm", "--db", "x.sqlite"], { slurm: false, db: true }); // ["--preset", "smoke"]
 * ```
 */
export function stripFlags(args: readonly string[], drop: Record<string, boolean>): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const m = /^--([^=]+)(=.*)?$/.exec(args[i]);
    const name = m?.[1];
    if (name && Object.hasOwn(drop, name)) {
      if (drop[name] && m[2] === undefined) i++;
      continue;
    }
    if (name?.startsWith("no-") && Object.hasOwn(drop, name.slice(3))) continue;
    out.push(args[i]);
  }
  return out;
}

/** What a sweep command passes to {@link runSlurmCommand}. */
export interface SlurmCommandSpec {
  /** e.g. "scaling_sweep". */
  kind: string;
  /** The task script relative to the repository. */
  script: string;
  /** The command's own arguments (`Deno.args`). */
  args: readonly string[];
  /** More flags to drop from the shards' arguments (name → takes a value). */
  drop?: Record<string, boolean>;
  /** Arguments every shard gets (e.g. `--figures ""`). */
  shardArgs?: string[];
  /**
   * Appended to the command's own arguments for a summary run on the merged store once every
   * cell is in it (e.g. `["--analyze-only"]`); unset or null: no summary run.
   */
  summaryArgs?: string[] | null;
  /** The sweep's cells in the order the script's `--shard` deals them. */
  cells: () => Promise<SweepCell[]> | SweepCell[];
  /** The merged results database (the command's `--db` or default). */
  store: string;
  /** Resource defaults of this command (e.g. gres gpu:1 for WebGPU). */
  defaults?: { gres?: string };
}

/**
 * A ConfigError as the commands' one-line error: `error: <field>: got <value>; allowed: <…>`.
 *
 * @example
 * ```ts
 * import { ConfigError } from "toolkit";
 *
 * configErrorLine(new ConfigError("mem", "e.g. 4G", "-1G")); // "error: mem: got -1G; allowed: e.g. 4G"
 * ```
 */
export function configErrorLine(e: ConfigError): string {
  const got = typeof e.got === "string" ? e.got : JSON.stringify(e.got);
  return `error: ${e.field}: got ${got}; allowed: ${e.allowed}`;
}

/**
 * Writes (and with `--submit` submits) a sweep's job array and merge job; prints the scripts'
 * paths, the job ids, or that nothing is left to do. Returns the exit code: 0, 2 for a bad flag
 * (one line `error: <field>: got <value>; allowed: <…>` on stderr, before anything is written or
 * submitted), 1 when sbatch fails.
 *
 * @example
 * ```ts
 * import { scalingSweepConfig } from "toolkit/scaling";
 * import { scalingSweepCells } from "toolkit/sweep";
 *
 * declare const flags: SlurmFlagValues;
 * const cfg = scalingSweepConfig("smoke");
 * Deno.exitCode = await runSlurmCommand(flags, { kind: "scaling_sweep", script: "tasks/scaling_sweep.ts", args: Deno.args, cells: () => scalingSweepCells(cfg), store: "results/results.sqlite" });
 * ```
 */
export async function runSlurmCommand(
  flags: SlurmFlagValues,
  spec: SlurmCommandSpec,
  opts: { log?: (s: string) => void } = {},
): Promise<number> {
  const log = opts.log ?? ((s: string) => console.log(s));
  try {
    const sweep = await slurmSweepSpec(flags, spec);
    // Shards still queued or running from an earlier submission are left to it.
    const active = await activeSlurmShards(slurmSweepDir(sweep.store, slurmSweepName(sweep)));
    const p = prepareSlurmSweep(sweep, { active: active.shards });
    logPlan(p, log);
    if (nothingToSubmit(p, log)) return 0;
    if (p.pending.length) log(`[slurm] array script: ${p.arrayScript}`);
    log(`[slurm] merge script: ${p.mergeScript}`);
    if (!flags.submit) {
      log(
        p.pending.length
          ? `[slurm] submit: a=$(sbatch --parsable ${p.arrayScript}) && sbatch --dependency=afterany:\${a%%;*} ${p.mergeScript}`
          : `[slurm] submit: sbatch ${p.mergeScript}`,
      );
      return 0;
    }
    const jobs = await submitSlurmSweep(p, { after: active.jobs });
    if (jobs.arrayJob) {
      log(`[slurm] submitted array job ${jobs.arrayJob} (shards ${p.pending.join(",")})`);
    }
    log(`[slurm] submitted merge job ${jobs.mergeJob} (after the array)`);
    log(`[slurm] follow with: deno task sweep:status`);
    return 0;
  } catch (e) {
    return slurmExitCode(e);
  }
}

// Step 1: the sweep from the flags — shards, resources, and the task's own flags to forward.
async function slurmSweepSpec(
  flags: SlurmFlagValues,
  spec: SlurmCommandSpec,
): Promise<SlurmSweepSpec> {
  let shards: number | undefined;
  if (flags.shards !== "") {
    shards = Number(flags.shards);
    if (!Number.isInteger(shards) || shards < 1) {
      throw new ConfigError("shards", "an integer >= 1", flags.shards);
    }
  }
  const resources = slurmResources({
    cpusPerTask: flags["cpus-per-task"],
    mem: flags.mem,
    time: flags.time,
    partition: flags.partition,
    gres: flags.gres || spec.defaults?.gres || "",
  });
  const drop = droppedFlags(spec);
  const args = [...stripFlags(spec.args, drop), ...(spec.shardArgs ?? [])];
  return {
    kind: spec.kind,
    script: spec.script,
    args,
    summaryArgs: spec.summaryArgs ? [...stripFlags(spec.args, drop), ...spec.summaryArgs] : null,
    cells: await spec.cells(),
    store: resolve(spec.store),
    shards,
    resources,
  };
}

// The flags not forwarded to a shard (true: the flag takes a value): Slurm's own, and the store's.
function droppedFlags(spec: SlurmCommandSpec): Record<string, boolean> {
  return {
    slurm: false,
    submit: false,
    json: false,
    shards: true,
    "cpus-per-task": true,
    mem: true,
    time: true,
    partition: true,
    gres: true,
    shard: true,
    db: true,
    // Each shard gets its own results folder; the merged store is spec.store.
    results: true,
    out: true,
    ...spec.drop,
  };
}

// Step 2: one line on where the sweep stands, and the shards an earlier submission still holds.
function logPlan(p: PreparedSlurmSweep, log: (s: string) => void) {
  log(
    `[slurm] ${p.plan.name}: ${p.plan.cells.length} cells in ${p.plan.shards} shards; ${p.merged} merged, ` +
      `${p.awaitingMerge} awaiting the merge, shards to run: ${
        p.pending.length ? p.pending.join(",") : "none"
      }`,
  );
  if (p.active.length) {
    log(`[slurm] still queued or running, not re-submitted: shards ${p.active.join(",")}`);
  }
}

// Step 3: true (after saying why) when every cell is merged or an earlier submission covers all.
function nothingToSubmit(p: PreparedSlurmSweep, log: (s: string) => void): boolean {
  if (!p.pending.length && p.merged === p.plan.cells.length) {
    log(`[slurm] every cell is in ${p.plan.store}: nothing to submit`);
    return true;
  }
  if (!p.pending.length && p.active.length) {
    log(
      `[slurm] nothing new to submit: the earlier submission's merge job follows shards ${
        p.active.join(",")
      }`,
    );
    return true;
  }
  return false;
}

// The exit code of a failure: 2 for a bad flag, 1 when sbatch fails (one line on stderr); else rethrown.
function slurmExitCode(e: unknown): number {
  if (e instanceof ConfigError) {
    console.error(configErrorLine(e));
    return 2;
  }
  if (e instanceof Error && e.message.startsWith("sbatch")) {
    console.error(`error: ${e.message}`);
    return 1;
  }
  throw e;
}
