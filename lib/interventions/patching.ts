/**
 * Activation patching with mean concept vectors (paper 1, Fig. 7 and the LM interventions).
 *
 * Given the mean residual-stream vector of each concept at a layer and position, it edits a
 * model's forward pass so that sequences of a *source* concept carry a *target* concept's mean,
 * and measures what that does to the task loss. Modes:
 * - `replace`: h ← mean_target (the paper's). At the x token this also erases x itself, so it
 *   hurts even when source = target; that is why `shift` exists.
 * - `add`: h ← h + mean_target.
 * - `shift`: h ← h − mean_source + mean_target (keeps the sequence's own information; moves only
 *   the concept component).
 *
 * Everything goes through the model's hooks (`ForwardHooks.patch`), never its internals.
 *
 * @module
 */
import { tf } from "../deps.ts";
import type { PatchHook } from "../model/hooks.ts";
import { ConfigError } from "../util/validate.ts";

/** The patching modes. */
export const PATCH_MODES = ["replace", "add", "shift"] as const;
/** A patching mode (see the module doc). */
export type PatchMode = typeof PATCH_MODES[number];

/** Per-concept mean vectors at one layer: [nConcepts][d] (per position when `perPosition`). */
export interface ConceptMeans {
  layer: number;
  /** Positions the means were taken at (one entry per column of `means[c]` when per position). */
  positions: number[];
  /** means[c][p] is a d-vector: concept c's mean at positions[p]. */
  means: Float32Array[][];
  dModel: number;
}

/**
 * Mean vector per concept (and position) from captured states [n, P, d] and labels [n].
 *
 * @example
 * ```ts
 * declare const captured: Float32Array; // states [n, 1, 256] captured at layer 5, token 38
 * declare const labels: number[]; // each sequence's concept, 0 … 3
 * const m = conceptMeans(captured, labels, { layer: 5, positions: [38], nConcepts: 4, dModel: 256 });
 * ```
 */
export function conceptMeans(
  states: Float32Array,
  labels: ArrayLike<number>,
  opts: { layer: number; positions: number[]; nConcepts: number; dModel: number },
): ConceptMeans {
  const { positions, nConcepts, dModel: d } = opts;
  const P = positions.length, n = labels.length;
  if (states.length !== n * P * d) {
    throw new ConfigError("states", `length n·P·d = ${n * P * d}`, states.length);
  }
  const means = Array.from(
    { length: nConcepts },
    () => Array.from({ length: P }, () => new Float32Array(d)),
  );
  const counts = new Float64Array(nConcepts);
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    counts[c]++;
    for (let p = 0; p < P; p++) {
      const m = means[c][p], off = (i * P + p) * d;
      for (let j = 0; j < d; j++) m[j] += states[off + j];
    }
  }
  for (let c = 0; c < nConcepts; c++) {
    if (counts[c] === 0) {
      throw new ConfigError("labels", `at least one sequence of concept ${c}`, 0);
    }
    for (const m of means[c]) for (let j = 0; j < d; j++) m[j] /= counts[c];
  }
  return { layer: opts.layer, positions, means, dModel: d };
}

/**
 * The patch hooks that move a batch of `source`-concept sequences towards `target`'s mean.
 * The returned tensors belong to the caller (dispose them after the forward pass).
 *
 * @example
 * ```ts
 * import type { RegressionTransformer } from "toolkit";
 * import type { RegressionBatch } from "toolkit/data";
 *
 * declare const model: RegressionTransformer, batch: RegressionBatch, means: ConceptMeans;
 * const hooks = conceptPatchHooks(means, { source: 0, target: 2, mode: "shift" });
 * model.predict(batch, { hooks: { patch: hooks } });
 * ```
 */
export function conceptPatchHooks(
  means: ConceptMeans,
  opts: { source: number; target: number; mode: PatchMode },
): PatchHook[] {
  const { source, target, mode } = opts;
  if (!(PATCH_MODES as readonly string[]).includes(mode)) {
    throw new ConfigError("mode", PATCH_MODES.join(", "), mode);
  }
  const nC = means.means.length;
  for (const [f, v] of [["source", source], ["target", target]] as const) {
    if (!Number.isInteger(v) || v < 0 || v >= nC) {
      throw new ConfigError(f, `a concept index in 0 … ${nC - 1}`, v);
    }
  }
  return means.positions.map((pos, p) => {
    const tgt = means.means[target][p];
    let vec: Float32Array = tgt;
    if (mode === "shift") {
      const src = means.means[source][p];
      vec = new Float32Array(tgt.length);
      for (let j = 0; j < vec.length; j++) vec[j] = tgt[j] - src[j];
    }
    return {
      layer: means.layer,
      positions: [pos],
      mode: mode === "replace" ? "replace" : "add",
      vector: tf.tensor1d(vec),
    };
  });
}

/**
 * Disposes the vectors of patch hooks.
 *
 * @example
 * ```ts
 * import type { PatchHook } from "toolkit";
 *
 * declare const hooks: PatchHook[];
 * disposePatchHooks(hooks);
 * ```
 */
export function disposePatchHooks(hooks: PatchHook[]) {
  for (const h of hooks) h.vector.dispose();
}
