/**
 * Which stored runs may be compared side by side: runs grouped by their recipe with one factor
 * left free — the model's shape (the capacity search) or the seed (an answer over seeds). Steps
 * and the evaluation schedule are always free: the schedule is trimmed to each run's steps, and a
 * run continued further is still the same recipe.
 *
 * @module
 */
import { transformerShape } from "../model/config.ts";
import { configHash, type ResultsStore } from "../store/results.ts";
import type { IclConfig } from "./config.ts";

/** The factor a group leaves free, besides steps and the evaluation schedule. */
export type FreeFactor = "model" | "seed";

/**
 * Groups the runs among `ids` whose configs agree on everything but `opts.free` (and steps and
 * the evaluation schedule), in the order of their first member; runs the store lacks are left
 * out. With `free: "model"` the init and read-in stay in the recipe: they are not the shape.
 *
 * @example
 * ```ts
 * import { openResults } from "toolkit";
 *
 * const store = openResults();
 * const ids = store.runs({ experiment: "icl_synthetic" }).map((r) => r.id);
 * for (const seeds of groupRuns(store, ids, { free: "seed" })) console.log(seeds.length);
 * ```
 */
export function groupRuns(
  store: ResultsStore,
  ids: string[],
  opts: { free: FreeFactor },
): string[][] {
  const groups = new Map<string, string[]>();
  for (const id of ids) {
    const cfg = store.run(id)?.config as IclConfig | undefined;
    if (!cfg) continue;
    const key = recipeKey(cfg, opts.free);
    groups.set(key, [...(groups.get(key) ?? []), id]);
  }
  return [...groups.values()];
}

/** The hash of a config without the free factor, steps and the evaluation schedule. */
function recipeKey(cfg: IclConfig, free: FreeFactor): string {
  const { model, train, evalEpochs: _e, snapshotEpochs: _s, seed, ...rest } = cfg;
  const { steps: _steps, ...trainRest } = train;
  if (free === "seed") return configHash({ ...rest, model, train: trainRest });
  return configHash({
    ...rest,
    seed,
    train: trainRest,
    initStd: model.initStd,
    readInit: model.readInit,
  });
}

/**
 * The shape of a stored run's model, `layers×dModel×heads`.
 *
 * @example
 * ```ts
 * import { openResults } from "toolkit";
 *
 * const store = openResults();
 * const [run] = store.runs({ experiment: "icl_synthetic" });
 * if (run) console.log(runShape(store, run.id)); // e.g. "4×64×4"
 * ```
 */
export function runShape(store: ResultsStore, id: string): string {
  const cfg = store.run(id)?.config as IclConfig | undefined;
  if (!cfg) throw new Error(`no run ${id}`);
  return transformerShape(cfg.model);
}
