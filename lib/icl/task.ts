/**
 * The task generator of a paper-1 config: its variant's sparse-regression mixture (or the
 * regression families), seeded from the config.
 *
 * @module
 */
import { SPARSE_REGRESSION_VARIANTS, SparseRegressionTask } from "../tasks/sparse_regression.ts";
import { RegressionFamiliesTask } from "../tasks/regression_families.ts";
import type { RegressionTask } from "../tasks/regression_batch.ts";
import type { IclConfig } from "./config.ts";

/**
 * The task of a config's variant.
 *
 * @example
 * ```ts
 * import { iclConfig } from "toolkit/icl";
 *
 * const task = iclTask(iclConfig("cpu"));
 * ```
 */
export function iclTask(
  cfg: IclConfig,
): RegressionTask & { bases?: readonly (readonly number[])[] } {
  const seed = `task:${cfg.seed}`;
  if (cfg.variant === "families") {
    return new RegressionFamiliesTask({ ...(cfg.task as object), seed });
  }
  return new SparseRegressionTask({
    ...SPARSE_REGRESSION_VARIANTS[cfg.variant],
    ...cfg.task,
    seed,
  });
}
