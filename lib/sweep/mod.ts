/**
 * Sweeps beyond one machine: every sweep (the scaling sweep, the resource grids, the ICL seeds
 * × variants × presets) as a list of cells, dealt to shards, run as a Slurm job array with one
 * results folder per shard, merged into one store by a merge job, resumed by re-submitting, and
 * watched with `deno task sweep:status`.
 *
 * @example
 * ```ts
 * import { prepareSlurmSweep, resourceGridCells } from "./mod.ts";
 * const p = prepareSlurmSweep({
 *   kind: "resource-single", script: "tasks/resource.ts", args: ["single", "--preset", "smoke"],
 *   cells: resourceGridCells({ experiment: "single", preset: "smoke" }), store: "results/results.sqlite",
 * });
 * console.log(p.arrayScript);
 * ```
 *
 * @module
 */
export * from "./shard.ts";
export * from "./cells.ts";
export * from "./resources.ts";
export * from "./plan.ts";
export * from "./jobs.ts";
export * from "./scripts.ts";
export * from "./submit.ts";
export * from "./merge.ts";
export * from "./status.ts";
export * from "./slurm_cli.ts";
export * from "./scaling_cells.ts";
export * from "./resource_cells.ts";
export * from "./icl_cells.ts";
