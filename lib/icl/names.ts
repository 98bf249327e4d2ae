/**
 * How ICL runs are named, in one place: the CLI (`deno task icl:train`), the sweep cells,
 * `reproduce`, notebook 01 and `runIclExperiment`'s default all call these, so a run trained by
 * one of them is found by the others. A name enters the stored run id, so the format is frozen
 * (tests/icl/names_test.ts).
 *
 * @module
 */
import { runIdOf } from "../store/results.ts";
import { ICL_EXPERIMENT, type IclConfig } from "./config.ts";

/**
 * A run's name: `PRESET-VARIANT-seedS` (`…-branch` for a run branched from another), or
 * `seedS` when no preset is given (what `runIclExperiment` names a run by default).
 *
 * @example
 * ```ts
 * import { iclConfig } from "toolkit/icl";
 *
 * iclRunName(iclConfig("cpu", { seed: 1 }), { preset: "cpu" }); // "cpu-fourBases-seed1"
 * ```
 */
export function iclRunName(
  cfg: Pick<IclConfig, "variant" | "seed">,
  opts: { preset?: string; branch?: boolean } = {},
): string {
  if (opts.preset === undefined) return `seed${cfg.seed}`;
  return `${opts.preset}-${cfg.variant}-seed${cfg.seed}${opts.branch ? "-branch" : ""}`;
}

/**
 * The id a run of `cfg` named `name` is stored under (`icl_synthetic-NAME-HASH`).
 *
 * @example
 * ```ts
 * import { iclConfig } from "toolkit/icl";
 *
 * const cfg = iclConfig("cpu", { seed: 1 });
 * iclRunId(cfg, iclRunName(cfg, { preset: "cpu" })); // "icl_synthetic-cpu-fourBases-seed1-9eb0f70e"
 * ```
 */
export function iclRunId(cfg: IclConfig, name: string = iclRunName(cfg)): string {
  return runIdOf({ experiment: ICL_EXPERIMENT, name, config: cfg });
}
