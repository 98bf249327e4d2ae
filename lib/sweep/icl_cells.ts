/**
 * Paper 1's synthetic runs as a sweep: presets × variants × seeds, one cell per run with the
 * name and id `deno task icl:train --preset P --variant V --seed S` gives it, so runs made
 * either way are the same runs. `deno task icl:sweep` trains them (or a shard of them).
 *
 * @module
 */
import { ICL_PRESETS, type IclConfig, iclConfig, type IclVariant } from "../icl/config.ts";
import { runIclExperiment } from "../icl/experiment.ts";
import { iclRunId, iclRunName } from "../icl/names.ts";
import type { ResultsStore } from "../store/results.ts";
import { ConfigError } from "../util/validate.ts";
import type { SweepCell } from "./cells.ts";
import { shardMask, type ShardSpec } from "./shard.ts";

/** An ICL sweep. */
export interface IclSweepSpec {
  /** Presets (`smoke`, `quick`, `cpu`, `gpu`, `paper`). */
  presets: string[];
  /** Task variants; `[]`: each preset's own. */
  variants: IclVariant[];
  /** Seeds (initialisation and data). */
  seeds: number[];
  /** Training steps instead of each preset's (unset: the preset's). */
  steps?: number;
}

/** The sweep's runs in grid order (presets, then variants, then seeds), each with its cell. */
function iclRuns(spec: IclSweepSpec): { cfg: IclConfig; cell: SweepCell }[] {
  for (const f of ["presets", "seeds"] as const) {
    if (!spec[f].length) throw new ConfigError(f, "a non-empty list", spec[f]);
  }
  const out: { cfg: IclConfig; cell: SweepCell }[] = [];
  for (const preset of spec.presets) {
    if (!(preset in ICL_PRESETS)) {
      throw new ConfigError("presets", Object.keys(ICL_PRESETS).join(", "), preset);
    }
    const base = ICL_PRESETS[preset as keyof typeof ICL_PRESETS];
    for (const variant of spec.variants.length ? spec.variants : [base.variant]) {
      for (const seed of spec.seeds) {
        const over: Partial<IclConfig> = { seed, variant };
        if (spec.steps !== undefined) over.train = { ...base.train, steps: spec.steps };
        const cfg = iclConfig(base, over);
        const name = iclRunName(cfg, { preset });
        out.push({
          cfg,
          cell: {
            id: iclRunId(cfg, name),
            name,
            weight: cfg.train.steps ?? 1,
          },
        });
      }
    }
  }
  return out;
}

/**
 * The cells of an ICL sweep.
 *
 * @example
 * ```ts
 * iclSweepCells({ presets: ["smoke"], variants: [], seeds: [0, 1, 2] }).length; // 3
 * ```
 */
export function iclSweepCells(spec: IclSweepSpec): SweepCell[] {
  return iclRuns(spec).map((r) => r.cell);
}

/**
 * Trains (or resumes, or loads) the sweep's runs — or one shard's — into `store`, checkpoints
 * under `dir`. Returns the runs' names with their final overall MSE.
 *
 * @example
 * ```ts
 * import { openResults } from "toolkit";
 *
 * await runIclSweep({ presets: ["smoke"], variants: [], seeds: [0, 1] }, { store: openResults(), dir: "results/checkpoints" });
 * ```
 */
export async function runIclSweep(
  spec: IclSweepSpec,
  opts: { store: ResultsStore; dir: string; shard?: ShardSpec; progress?: boolean },
): Promise<{ name: string; id: string; mse: number | null }[]> {
  const runs = iclRuns(spec);
  const mask = shardMask(runs.map((r) => r.cell.weight), opts.shard);
  const out: { name: string; id: string; mse: number | null }[] = [];
  for (const [i, r] of runs.entries()) {
    if (!mask[i]) continue;
    const s = await runIclExperiment(r.cfg, {
      store: opts.store,
      dir: opts.dir,
      name: r.cell.name,
      progress: opts.progress,
    });
    out.push({
      name: r.cell.name,
      id: r.cell.id,
      mse: Number.isFinite(s.final_mse) ? s.final_mse : null,
    });
  }
  return out;
}
