/**
 * What paper 1 measures on a regression transformer at one moment of training: per-concept test
 * MSE, MSE by number of in-context examples, residual-stream representations at every layer,
 * concept decodability, the patching matrix and single-head ablations. Everything reads the
 * model through hooks.
 *
 * @module
 */
import { tf } from "../deps.ts";
import type { RegressionTransformer } from "../model/regression_transformer.ts";
import type { ForwardHooks } from "../model/hooks.ts";
import type { RegressionBatch, RegressionTask } from "../tasks/regression_batch.ts";
import { decodabilityByLayer, type LayerDecodability } from "../probes/decodability.ts";
import {
  conceptMeans,
  conceptPatchHooks,
  disposePatchHooks,
  type PatchMode,
} from "../interventions/patching.ts";
import { ablateEachHead } from "../interventions/ablation.ts";

/** Splits a batch into sub-batches of at most `size` sequences (bounded memory in evaluation). */
function* chunks(
  batch: RegressionBatch,
  size: number,
): Generator<RegressionBatch & { offset: number }> {
  const { nPoints: n, dim: D } = batch;
  const W = batch.tokenDim ?? D;
  for (let s = 0; s < batch.batch; s += size) {
    const e = Math.min(batch.batch, s + size), b = e - s;
    yield {
      batch: b,
      nPoints: n,
      dim: D,
      tokenDim: W,
      offset: s,
      xs: batch.xs.subarray(s * n * D, e * n * D),
      ys: batch.ys.subarray(s * n, e * n),
      ws: batch.ws.subarray(s * D, e * D),
      concepts: batch.concepts.subarray(s, e),
      tokens: batch.tokens.subarray(s * 2 * n * W, e * 2 * n * W),
    };
  }
}

/**
 * Squared errors of the model's predictions [batch, nPoints] (Float32), optionally with hooks.
 *
 * @example
 * ```ts
 * import type { RegressionTransformer } from "toolkit";
 * import type { RegressionBatch, RegressionTask } from "toolkit/data";
 *
 * declare const model: RegressionTransformer, task: RegressionTask;
 * const se = await squaredErrors(model, task.testSet());
 * ```
 */
export async function squaredErrors(
  model: RegressionTransformer,
  batch: RegressionBatch,
  opts: {
    hooks?: (chunk: RegressionBatch & { offset: number }) => ForwardHooks | undefined;
    chunk?: number;
  } = {},
): Promise<Float32Array> {
  const out = new Float32Array(batch.batch * batch.nPoints);
  for (const c of chunks(batch, opts.chunk ?? 250)) {
    const se = tf.tidy(() => {
      const { preds, results } = model.predict(c, { hooks: opts.hooks?.(c) });
      for (const t of [...results.captured.values(), ...results.attention.values()]) t.dispose();
      return tf.square(tf.sub(preds, tf.tensor2d(c.ys, [c.batch, c.nPoints])));
    });
    out.set(await se.data() as Float32Array, c.offset * batch.nPoints);
    se.dispose();
  }
  return out;
}

/** Per-concept and overall MSE, normalised by the task's normalisers (predicting 0 ≈ 1). */
export interface ConceptMse {
  /** Normalised MSE over all predictions, per concept. */
  perConcept: number[];
  overall: number;
  /** Normalised MSE per number of in-context examples k = 0 … nPoints−1 (all concepts). */
  byExamples: number[];
}

/**
 * Normalised test MSE per concept, overall and by number of in-context examples, from squared
 * errors. `positions` restricts which predictions count (default: all).
 *
 * @example
 * ```ts
 * import type { RegressionTransformer } from "toolkit";
 * import type { RegressionBatch, RegressionTask } from "toolkit/data";
 *
 * declare const model: RegressionTransformer, task: RegressionTask, test: RegressionBatch;
 * const m = conceptMse(await squaredErrors(model, test), test, task);
 * ```
 */
export function conceptMse(
  se: Float32Array,
  batch: RegressionBatch,
  task: Pick<RegressionTask, "nConcepts" | "conceptNormalisers" | "normaliser">,
  opts: { positions?: number[] } = {},
): ConceptMse {
  const n = batch.nPoints;
  const pos = opts.positions ?? Array.from({ length: n }, (_, i) => i);
  const sum = new Float64Array(task.nConcepts), cnt = new Float64Array(task.nConcepts);
  const byK = new Float64Array(n), byKn = new Float64Array(n);
  let all = 0, allN = 0;
  for (let b = 0; b < batch.batch; b++) {
    const c = batch.concepts[b], norm = task.conceptNormalisers[c];
    for (const i of pos) {
      const e = se[b * n + i] / norm;
      sum[c] += e;
      cnt[c]++;
      all += e;
      allN++;
    }
    for (let i = 0; i < n; i++) {
      byK[i] += se[b * n + i] / task.normaliser;
      byKn[i]++;
    }
  }
  return {
    perConcept: Array.from(sum, (s, c) => (cnt[c] ? s / cnt[c] : NaN)),
    overall: all / allN,
    byExamples: Array.from(byK, (s, i) => s / byKn[i]),
  };
}

/**
 * Residual-stream states at every layer 0 … nLayers for the given token positions:
 * result[layer] is Float32Array [batch, positions.length, d].
 *
 * @example
 * ```ts
 * import type { RegressionTransformer } from "toolkit";
 * import type { RegressionBatch, RegressionTask } from "toolkit/data";
 *
 * declare const model: RegressionTransformer, set: RegressionBatch;
 * const reps = await layerRepresentations(model, set, { positions: [38, 39] });
 * ```
 */
export async function layerRepresentations(
  model: RegressionTransformer,
  batch: RegressionBatch,
  opts: { positions: number[]; layers?: number[]; chunk?: number },
): Promise<Float32Array[]> {
  const L = model.config.nLayers, d = model.config.dModel, P = opts.positions.length;
  const layers = opts.layers ?? Array.from({ length: L + 1 }, (_, i) => i);
  const out = layers.map(() => new Float32Array(batch.batch * P * d));
  for (const c of chunks(batch, opts.chunk ?? 250)) {
    // tidy: the forward pass's intermediates (every block's activations) are freed here; only
    // the captured states survive it. Without it each call leaked ~65 tensors and ~125 MB of
    // wasm heap per chunk, which exhausted the 4 GB heap ~1,500 steps into a cpu-preset run.
    const captured = tf.tidy(() => {
      const { results } = model.predict(c, {
        hooks: { capture: { layers, positions: opts.positions } },
      });
      for (const t of results.attention.values()) t.dispose();
      return layers.map((l) => results.captured.get(l)!);
    });
    for (const [i, t] of captured.entries()) {
      out[i].set(await t.data() as Float32Array, c.offset * P * d);
      t.dispose();
    }
  }
  return out;
}

/**
 * Picks one of the captured positions (`at.index` of `at.positions`) out of [n, positions, d]
 * states → [n, d].
 *
 * @example
 * ```ts
 * declare const states: Float32Array; // [n = 8, P = 2, d = 16]
 * const y = selectPosition(states, { n: 8, positions: 2, d: 16, index: 1 }); // [8, 16]
 * ```
 */
export function selectPosition(
  states: Float32Array,
  at: { n: number; positions: number; d: number; index: number },
): Float32Array {
  const { n, positions: P, d, index: p } = at;
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) out.set(states.subarray((i * P + p) * d, (i * P + p + 1) * d), i * d);
  return out;
}

/**
 * Concept decodability (leave-one-out k-NN) at every layer, at one token position.
 *
 * @example
 * ```ts
 * import type { RegressionBatch } from "toolkit/data";
 *
 * declare const reps: Float32Array[], set: RegressionBatch;
 * const cd = conceptDecodability(reps, set, { d: 64, positionIndex: 1, nPositions: 2, nConcepts: 4 });
 * ```
 */
export function conceptDecodability(
  reps: Float32Array[],
  batch: RegressionBatch,
  opts: { d: number; positionIndex: number; nPositions: number; k?: number; nConcepts: number },
): LayerDecodability[] {
  const vectors = reps.map((r) =>
    selectPosition(r, {
      n: batch.batch,
      positions: opts.nPositions,
      d: opts.d,
      index: opts.positionIndex,
    })
  );
  return decodabilityByLayer(vectors, batch.concepts, {
    dim: opts.d,
    k: opts.k ?? 10,
    nClasses: opts.nConcepts,
    firstLayer: 0,
  });
}

/** One patching matrix: delta[source][target] = patched − clean normalised MSE of the query. */
export interface PatchMatrix {
  layer: number;
  mode: PatchMode;
  /** "query": the x token of the last pair only; "all": every position. */
  scope: "query" | "all";
  clean: number[];
  delta: number[][];
}

/**
 * The activation-patching matrix at `layer`: sequences of each source concept get a target
 * concept's mean (from `meansFrom`), and the change of the last prediction's normalised MSE is
 * recorded for every (source, target).
 *
 * @example
 * ```ts
 * import type { RegressionTransformer } from "toolkit";
 * import type { RegressionBatch, RegressionTask } from "toolkit/data";
 *
 * declare const model: RegressionTransformer, task: RegressionTask, set: RegressionBatch;
 * const m = await patchingMatrix(model, set, task, { layer: 3, mode: "shift", scope: "query", meansFrom: set });
 * ```
 */
export async function patchingMatrix(
  model: RegressionTransformer,
  batch: RegressionBatch,
  task: Pick<RegressionTask, "nConcepts" | "conceptNormalisers" | "normaliser">,
  opts: { layer: number; mode: PatchMode; scope: "query" | "all"; meansFrom: RegressionBatch },
): Promise<PatchMatrix> {
  const n = batch.nPoints, T = 2 * n, K = task.nConcepts, d = model.config.dModel;
  const query = T - 2; // the x token of the last pair, where ŷ_n is read
  const positions = opts.scope === "query" ? [query] : Array.from({ length: T }, (_, i) => i);
  const [states] = await layerRepresentations(model, opts.meansFrom, {
    positions,
    layers: [opts.layer],
  });
  const means = conceptMeans(states, opts.meansFrom.concepts, {
    layer: opts.layer,
    positions,
    nConcepts: K,
    dModel: d,
  });
  const last = [n - 1];
  const clean =
    conceptMse(await squaredErrors(model, batch), batch, task, { positions: last }).perConcept;
  const delta = Array.from({ length: K }, () => new Array<number>(K).fill(NaN));
  for (let s = 0; s < K; s++) {
    const idx = Array.from(batch.concepts).flatMap((c, i) => (c === s ? [i] : []));
    const sub = subBatch(batch, idx);
    for (let t = 0; t < K; t++) {
      const hooks = conceptPatchHooks(means, { source: s, target: t, mode: opts.mode });
      const se = await squaredErrors(model, sub, { hooks: () => ({ patch: hooks }) });
      disposePatchHooks(hooks);
      delta[s][t] = conceptMse(se, sub, task, { positions: last }).perConcept[s] - clean[s];
    }
  }
  return { layer: opts.layer, mode: opts.mode, scope: opts.scope, clean, delta };
}

/**
 * The sequences of a batch at the given indices, as a new batch.
 *
 * @example
 * ```ts
 * import type { RegressionBatch } from "toolkit/data";
 *
 * declare const batch: RegressionBatch;
 * const firstTwo = subBatch(batch, [0, 1]);
 * ```
 */
export function subBatch(batch: RegressionBatch, idx: number[]): RegressionBatch {
  const { nPoints: n, dim: D } = batch;
  const pick = (a: Float32Array, w: number) => {
    const o = new Float32Array(idx.length * w);
    idx.forEach((i, j) => o.set(a.subarray(i * w, (i + 1) * w), j * w));
    return o;
  };
  const W = batch.tokenDim ?? D;
  return {
    batch: idx.length,
    nPoints: n,
    dim: D,
    tokenDim: W,
    xs: pick(batch.xs, n * D),
    ys: pick(batch.ys, n),
    ws: pick(batch.ws, D),
    concepts: Int32Array.from(idx, (i) => batch.concepts[i]),
    tokens: pick(batch.tokens, 2 * n * W),
  };
}

/** Per-concept MSE change when one head is zeroed: rows {layer, head, concept, delta}. */
export interface HeadAblationRow {
  layer: number;
  head: number;
  concept: number;
  delta: number;
}

/**
 * Zeroes one attention head at a time and records the change of each concept's normalised MSE
 * (all predictions): {@link ablateEachHead} with paper 1's measurement.
 *
 * @example
 * ```ts
 * import type { RegressionTransformer } from "toolkit";
 * import type { RegressionBatch, RegressionTask } from "toolkit/data";
 *
 * declare const model: RegressionTransformer, task: RegressionTask, set: RegressionBatch;
 * const rows = await headAblation(model, set, task);
 * ```
 */
export async function headAblation(
  model: RegressionTransformer,
  batch: RegressionBatch,
  task: Pick<RegressionTask, "nConcepts" | "conceptNormalisers" | "normaliser">,
): Promise<HeadAblationRow[]> {
  const mse = async (hooks: ForwardHooks | undefined) =>
    conceptMse(await squaredErrors(model, batch, { hooks: () => hooks }), batch, task).perConcept;
  return (await ablateEachHead(model.config, mse)).flatMap(({ layer, head, delta }) =>
    delta.map((d, concept) => ({ layer, head, concept, delta: d }))
  );
}
