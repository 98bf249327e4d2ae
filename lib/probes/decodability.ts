/**
 * Concept (task) decodability, the CD / TD of paper 1: leave-one-out k-nearest-neighbour
 * classification of representations by their latent concept. One implementation serves the
 * synthetic and the language-model experiments.
 *
 * @module
 */
import { ConfigError } from "../util/validate.ts";
import type { Row } from "../plot/specs.ts";

/**
 * Options of {@link knnDecodability}.
 *
 * @example
 * ```ts
 * const opts: DecodabilityOptions = { ...DEFAULT_DECODABILITY, dim: 256 };
 * ```
 */
export interface DecodabilityOptions {
  /** Length d of each vector (vectors is [n, d] row-major). */
  dim: number;
  /** Neighbours voting. Ours 10; paper 10. */
  k?: number;
  /** Number of classes C (labels in 0 … C−1). Default: max label + 1. */
  nClasses?: number;
}

/**
 * Our default k (the paper's: 10 neighbours, Euclidean distance, majority vote).
 *
 * @example
 * ```ts
 * declare const vecs: Float32Array, labels: number[]; // n vectors of 64 numbers, n concepts
 * knnDecodability(vecs, labels, { ...DEFAULT_DECODABILITY, dim: 64 });
 * ```
 */
export const DEFAULT_DECODABILITY = { k: 10 } as const;

/**
 * The result of {@link knnDecodability}.
 *
 * @example
 * ```ts
 * declare const vecs: Float32Array, labels: number[]; // n vectors of 64 numbers, n concepts
 * const { accuracy, perConcept, confusion } = knnDecodability(vecs, labels, { dim: 64 });
 * ```
 */
export interface DecodabilityResult {
  /** Overall leave-one-out accuracy (the CD / TD). */
  accuracy: number;
  /** Accuracy per true class (NaN for a class with no sample). */
  perConcept: number[];
  /** confusion[true][predicted] counts. */
  confusion: number[][];
  /** Predicted class of each vector. */
  predictions: Int32Array;
  /** Frequency of the most common class: the accuracy of always guessing it. */
  majorityRate: number;
}

/**
 * Leave-one-out k-NN decodability of integer `labels` from `vectors` [n, dim]: each vector's
 * class is predicted by the majority vote of its k nearest others (Euclidean). Tie-breaking:
 * neighbours are ordered by (distance, index); among classes tied for the most votes, the class
 * of the nearest neighbour that belongs to one of them wins (i.e. a 1-NN vote among the tied
 * classes). Float64 distances; 400 × 256 vectors take a few tens of milliseconds.
 *
 * @example
 * ```ts
 * declare const reps: Float32Array, labels: number[]; // n representations [n, 256], n concepts
 * const r = knnDecodability(reps, labels, { dim: 256 }); // k = 10
 * console.log(r.accuracy, r.perConcept);
 * ```
 */
export function knnDecodability(
  vectors: Float32Array | Float64Array,
  labels: ArrayLike<number>,
  opts: DecodabilityOptions,
): DecodabilityResult {
  const n = labels.length;
  const { dim } = opts;
  const k = opts.k ?? DEFAULT_DECODABILITY.k;
  if (!Number.isInteger(dim) || dim < 1 || vectors.length !== n * dim) {
    throw new ConfigError(
      "dim",
      `a positive integer with vectors.length (${vectors.length}) = n (${n})·dim`,
      dim,
    );
  }
  if (!Number.isInteger(k) || k < 1 || k > n - 1) {
    throw new ConfigError("k", `an integer in [1, n−1 = ${n - 1}]`, k);
  }
  let maxLabel = -1;
  for (let i = 0; i < n; i++) {
    const l = labels[i];
    if (!Number.isInteger(l) || l < 0) throw new ConfigError("labels", "integers >= 0", l);
    if (l > maxLabel) maxLabel = l;
  }
  const C = opts.nClasses ?? maxLabel + 1;
  if (!Number.isInteger(C) || C <= maxLabel) {
    throw new ConfigError("nClasses", `an integer > the largest label (${maxLabel})`, C);
  }

  const dist = pairwiseSquaredDistances(vectors, n, dim);
  const predictions = new Int32Array(n);
  const nnIdx = new Int32Array(k);
  const nnDist = new Float64Array(k);
  const votes = new Int32Array(C);
  for (let i = 0; i < n; i++) {
    // Insertion into a sorted list of the k nearest (ties by index, which scans ascending).
    let m = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const dj = dist[i * n + j];
      if (m === k && dj >= nnDist[k - 1]) continue;
      let p = m < k ? m++ : k - 1;
      while (p > 0 && nnDist[p - 1] > dj) {
        nnDist[p] = nnDist[p - 1];
        nnIdx[p] = nnIdx[p - 1];
        p--;
      }
      nnDist[p] = dj;
      nnIdx[p] = j;
    }
    votes.fill(0);
    let best = 0;
    for (let p = 0; p < k; p++) best = Math.max(best, ++votes[labels[nnIdx[p]]]);
    let pred = -1;
    for (let p = 0; p < k && pred < 0; p++) {
      if (votes[labels[nnIdx[p]]] === best) pred = labels[nnIdx[p]];
    }
    predictions[i] = pred;
  }
  return summarise(labels, predictions, C);
}

/** Accuracy, per-class accuracy and confusion of predictions against labels. */
function summarise(
  labels: ArrayLike<number>,
  predictions: Int32Array,
  C: number,
): DecodabilityResult {
  const confusion = Array.from({ length: C }, () => new Array<number>(C).fill(0));
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    confusion[labels[i]][predictions[i]]++;
    if (labels[i] === predictions[i]) correct++;
  }
  const perConcept = confusion.map((row, c) => {
    const total = row.reduce((s, v) => s + v, 0);
    return total > 0 ? row[c] / total : NaN;
  });
  const majority = Math.max(...confusion.map((row) => row.reduce((s, v) => s + v, 0)));
  return {
    accuracy: correct / labels.length,
    perConcept,
    confusion,
    predictions,
    majorityRate: majority / labels.length,
  };
}

/** Squared Euclidean distances [n, n] via ‖a‖² + ‖b‖² − 2a·b, in float64, clamped at 0. */
function pairwiseSquaredDistances(
  v: Float32Array | Float64Array,
  n: number,
  d: number,
): Float64Array {
  const x = Float64Array.from(v);
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let t = 0; t < d; t++) s += x[i * d + t] * x[i * d + t];
    norms[i] = s;
  }
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += x[i * d + t] * x[j * d + t];
      out[i * n + j] = out[j * n + i] = Math.max(0, norms[i] + norms[j] - 2 * s);
    }
  }
  return out;
}

/**
 * Decodability at one layer, as returned by {@link decodabilityByLayer}.
 *
 * @example
 * ```ts
 * declare const byLayer: LayerDecodability[];
 * const best = byLayer.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
 * ```
 */
export interface LayerDecodability extends DecodabilityResult {
  layer: number;
}

/**
 * {@link knnDecodability} at every layer, given one [n, dim] array per layer (all with the same
 * n and dim, e.g. the residual stream after each block at one token). `layer` is the array's
 * index plus `firstLayer` (default 1: the paper counts blocks from 1; pass 0 when index 0 is
 * the embedding).
 *
 * @example
 * ```ts
 * import { lineChart, show } from "toolkit";
 *
 * declare const residuals: Float32Array[], labels: number[]; // per layer [n, 256]; n concepts
 * const byLayer = decodabilityByLayer(residuals, labels, { dim: 256 });
 * await show(lineChart(decodabilityRows(byLayer), { x: "layer", y: "accuracy", color: "concept" }));
 * ```
 */
export function decodabilityByLayer(
  layers: readonly (Float32Array | Float64Array)[],
  labels: ArrayLike<number>,
  opts: DecodabilityOptions & { firstLayer?: number },
): LayerDecodability[] {
  const first = opts.firstLayer ?? 1;
  return layers.map((v, i) => ({ layer: first + i, ...knnDecodability(v, labels, opts) }));
}

/**
 * Long-format rows {layer, concept, accuracy} for a line chart: concept "all" (overall) and
 * one row per class, named by `conceptNames` when given.
 *
 * @example
 * ```ts
 * declare const byLayer: LayerDecodability[];
 * const rows = decodabilityRows(byLayer, { conceptNames: ["basis 0", "basis 1", "basis 2"] });
 * ```
 */
export function decodabilityRows(
  byLayer: readonly LayerDecodability[],
  opts: { conceptNames?: readonly string[] } = {},
): Row[] {
  const rows: Row[] = [];
  for (const r of byLayer) {
    rows.push({ layer: r.layer, concept: "all", accuracy: r.accuracy });
    r.perConcept.forEach((acc, c) => {
      if (!Number.isNaN(acc)) {
        rows.push({ layer: r.layer, concept: opts.conceptNames?.[c] ?? String(c), accuracy: acc });
      }
    });
  }
  return rows;
}
