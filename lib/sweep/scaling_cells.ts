/**
 * The scaling sweep (paper 2 §4) as sweep cells: one per (size, budget, seed) run, weighted by
 * tokens — the same cells, ids and dealing as `deno task scaling:sweep --shard i/n`.
 *
 * @module
 */
import { initBackend } from "../backend/backend.ts";
import { sweepPlan } from "../scaling/sweep/run.ts";
import type { ScalingSweepConfig } from "../scaling/sweep/config.ts";
import type { SweepCell } from "./cells.ts";

/**
 * The cells of a scaling sweep (initialises a tfjs backend: the plan counts each model's
 * parameters).
 *
 * @example
 * ```ts
 * import { scalingSweepConfig } from "toolkit/scaling";
 *
 * const cells = await scalingSweepCells(scalingSweepConfig("smoke")); // 6 cells
 * ```
 */
export async function scalingSweepCells(cfg: ScalingSweepConfig): Promise<SweepCell[]> {
  await initBackend({ quiet: true });
  return sweepPlan(cfg).cells.map((c) => ({ id: c.runId, name: c.name, weight: c.tokens }));
}
