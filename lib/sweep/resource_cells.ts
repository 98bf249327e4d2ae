/**
 * The resource-model grids (paper 3) as sweep cells — one per (task, depth, width, α, seed) run,
 * weighted by steps — and a shard of a grid trained on its own (`deno task resource:<experiment>
 * --shard i/n`).
 *
 * @module
 */
import type { Experiment, Preset } from "../resource/presets.ts";
import { presetSweep } from "../resource/presets.ts";
import { runName, runSweep, type SweepConfig, sweepConfigs } from "../resource/sweep.ts";
import { configHash, type ResultsStore } from "../store/results.ts";
import type { SweepCell } from "./cells.ts";
import { shardMask, type ShardSpec } from "./shard.ts";

/** An experiment at a preset, with grid overrides: what `deno task resource:<experiment>` runs. */
export interface ResourceGridSpec {
  experiment: Experiment;
  preset: Preset;
  overrides?: Partial<Omit<SweepConfig, "name">>;
}

/** Every run config of a grid with its cell (same ids as `runSweep` stores). */
function gridCells(spec: ResourceGridSpec) {
  const sweep = presetSweep(spec.experiment, spec.preset, spec.overrides);
  const experiment = `resource-${sweep.name}`;
  return {
    sweep,
    configs: sweepConfigs(sweep).map((config) => {
      const name = runName(config);
      return {
        config,
        cell: { id: `${experiment}-${name}-${configHash(config)}`, name, weight: config.steps },
      };
    }),
  };
}

/**
 * The cells of a resource grid, in grid order.
 *
 * @example
 * ```ts
 * resourceGridCells({ experiment: "single", preset: "smoke" }).map((c) => c.name); // 3 cells
 * ```
 */
export function resourceGridCells(spec: ResourceGridSpec): SweepCell[] {
  return gridCells(spec).configs.map((c) => c.cell);
}

/**
 * Trains (or loads) one shard's cells of a grid into `store`, each as its own one-run sweep
 * (so its run id is the grid's). Returns the number of cells in the shard.
 *
 * @example
 * ```ts
 * import { openResults } from "toolkit";
 *
 * await runResourceShard({ experiment: "single", preset: "smoke" }, { index: 1, count: 2 }, { store: openResults() });
 * ```
 */
export async function runResourceShard(
  spec: ResourceGridSpec,
  shard: ShardSpec,
  opts: { store: ResultsStore; progress?: boolean },
): Promise<number> {
  const { sweep, configs } = gridCells(spec);
  const mask = shardMask(configs.map((c) => c.cell.weight), shard);
  const mine = configs.filter((_, i) => mask[i]);
  for (const { config } of mine) {
    const { task, depth, width, alpha, seed, ...train } = config;
    await runSweep(
      {
        name: sweep.name,
        tasks: [task],
        depths: [depth],
        widths: [width],
        alphas: [alpha],
        seeds: [seed],
        train,
      },
      { store: opts.store, progress: opts.progress },
    );
  }
  return mine.length;
}
