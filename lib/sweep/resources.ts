/**
 * What each Slurm array task asks the scheduler for, validated before anything is written or
 * submitted: a bad value throws a {@link ConfigError} naming the field and what it accepts.
 *
 * @module
 */
import { ConfigError } from "../util/validate.ts";

/** Resources of one array task (one shard); the merge job asks for 1 CPU and 2G. */
export interface SlurmResources {
  /**
   * `--cpus-per-task`. Default 1: tfjs-wasm trains on one thread (OpenBLAS's FFI matmuls may use
   * a second), so one CPU per shard and more shards is the better use of a node.
   */
  cpusPerTask: number;
  /**
   * `--mem` per node: a positive integer with an optional unit K, M, G or T (Slurm's default
   * unit is M). Default "4G": a Deno process with tfjs-wasm and the 50,257-way softmax of the
   * scaling sweep peaks below 1.5 GB here; the wasm heap can grow to 4 GB.
   */
  mem: string;
  /**
   * `--time`: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS. Default "12:00:00": a
   * `cpu`-preset scaling shard takes ~1 h on one core; a cell that runs past the limit is
   * killed, reported by the merge and resumed from its checkpoint by the next submission.
   */
  time: string;
  /** `--partition` ("" = the cluster's default partition). Default "". */
  partition: string;
  /**
   * `--gres`, e.g. "gpu:1" or "gpu:a100:2" ("" = none). Default "" (CPU backends); WebGPU runs
   * want "gpu:1".
   */
  gres: string;
}

/**
 * The defaults (see each field).
 *
 * @example
 * ```ts
 * const r: SlurmResources = { ...DEFAULT_SLURM_RESOURCES, mem: "8G" };
 * ```
 */
export const DEFAULT_SLURM_RESOURCES: SlurmResources = Object.freeze({
  cpusPerTask: 1,
  mem: "4G",
  time: "12:00:00",
  partition: "",
  gres: "",
});

const MEM = /^[1-9]\d*[KMGT]?$/i;
const TIME = /^(\d+-\d{1,2}(:\d{1,2}(:\d{1,2})?)?|\d+(:\d{1,2}(:\d{1,2})?)?)$/;
const PARTITION = /^[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+)*$/;
const GRES_ITEM = /^[A-Za-z][A-Za-z0-9_-]*(:[A-Za-z0-9_.-]+)?(:[1-9]\d*)?$/;

/**
 * Resolves resources from overrides (as typed on the command line, so numbers may be strings),
 * validating each field.
 *
 * @example
 * ```ts
 * slurmResources({ mem: "8G", gres: "gpu:1" }); // { cpusPerTask: 1, mem: "8G", time: "12:00:00", … }
 * slurmResources({ mem: "-1G" }); // throws ConfigError: mem
 * ```
 */
export function slurmResources(
  over: Partial<Record<keyof SlurmResources, string | number>> = {},
): SlurmResources {
  const known = Object.keys(DEFAULT_SLURM_RESOURCES);
  for (const k of Object.keys(over)) {
    if (!known.includes(k)) throw new ConfigError(k, `one of ${known.join(", ")}`, k);
  }
  // Unset or empty: the default (which is "" for partition and gres).
  const pick = <K extends keyof SlurmResources>(k: K) =>
    over[k] === undefined || over[k] === "" ? DEFAULT_SLURM_RESOURCES[k] : over[k];
  const cpus = Number(pick("cpusPerTask"));
  if (!Number.isInteger(cpus) || cpus < 1) {
    throw new ConfigError("cpus-per-task", "an integer >= 1", pick("cpusPerTask"));
  }
  const mem = String(pick("mem")).trim();
  if (!MEM.test(mem)) {
    throw new ConfigError(
      "mem",
      "a positive integer with an optional unit K, M, G or T, e.g. 4G",
      mem,
    );
  }
  const time = String(pick("time")).trim();
  if (!TIME.test(time) || /^0+$/.test(time)) {
    throw new ConfigError(
      "time",
      "minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS (e.g. 12:00:00)",
      time,
    );
  }
  const partition = String(pick("partition")).trim();
  if (partition && !PARTITION.test(partition)) {
    throw new ConfigError(
      "partition",
      "a partition name (letters, digits, _ . -), or empty",
      partition,
    );
  }
  const gres = String(pick("gres")).trim();
  if (gres && !gres.split(",").every((g) => GRES_ITEM.test(g))) {
    throw new ConfigError("gres", "name[:type][:count] items, comma-separated, e.g. gpu:1", gres);
  }
  return { cpusPerTask: cpus, mem, time, partition, gres };
}

/**
 * The `#SBATCH` lines of a resource set.
 *
 * @example
 * ```ts
 * sbatchResourceLines(DEFAULT_SLURM_RESOURCES); // ["#SBATCH --cpus-per-task=1", "#SBATCH --mem=4G", …]
 * ```
 */
export function sbatchResourceLines(r: SlurmResources): string[] {
  return [
    `#SBATCH --cpus-per-task=${r.cpusPerTask}`,
    `#SBATCH --mem=${r.mem}`,
    `#SBATCH --time=${r.time}`,
    ...(r.partition ? [`#SBATCH --partition=${r.partition}`] : []),
    ...(r.gres ? [`#SBATCH --gres=${r.gres}`] : []),
  ];
}
