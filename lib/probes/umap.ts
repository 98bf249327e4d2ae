/**
 * A seeded 2-D UMAP of representations (umap-js), returning rows ready for `scatterChart`.
 *
 * @module
 */
import { lazy } from "../deps.ts";
import { Rng } from "../util/rng.ts";
import { checkKnownKeys, checkNumber, checkPositiveInt, ConfigError } from "../util/validate.ts";

/**
 * UMAP settings.
 *
 * @example
 * ```ts
 * const cfg: UmapConfig = { ...DEFAULT_UMAP, seed: 3 };
 * ```
 */
export interface UmapConfig {
  /** Neighbourhood size. Ours 15; paper 15. */
  nNeighbors: number;
  /** Minimum distance between embedded points. Ours 0.1; paper 0.1. */
  minDist: number;
  /** Optimisation epochs; 0 = umap-js's default (500 below 10,000 points). Paper n/a. */
  nEpochs: number;
  /** Seed of the random function handed to umap-js (trees, init, sampling). Paper n/a. */
  seed: number | string;
}

/**
 * Default UMAP settings (the paper's n_neighbors 15, min_dist 0.1; 2-D).
 *
 * @example
 * ```ts
 * declare const vecs: Float32Array, labels: number[]; // [n, 256], n labels
 * const rows = await umapEmbedding(vecs, labels, { dim: 256, ...DEFAULT_UMAP });
 * ```
 */
export const DEFAULT_UMAP: UmapConfig = { nNeighbors: 15, minDist: 0.1, nEpochs: 0, seed: 0 };

/**
 * One embedded point: coordinates and its label (a class index, or its name when
 * `labelNames` is given).
 *
 * @example
 * ```ts
 * import { scatterChart } from "toolkit";
 *
 * declare const rows: UmapRow[];
 * const spec = scatterChart(rows, { x: "x", y: "y", color: "label" });
 * ```
 */
export type UmapRow = { x: number; y: number; label: number | string };

/**
 * Embeds `vectors` [n, dim] in 2-D with UMAP; deterministic for a seed (umap-js draws only
 * from the seeded `Rng` passed as its random function).
 *
 * @example
 * ```ts
 * import { scatterChart, show } from "toolkit";
 * import { SparseRegressionTask } from "toolkit/data";
 *
 * const task = new SparseRegressionTask();
 * declare const reps: Float32Array, labels: number[]; // [n, 256], each sequence's concept
 * const rows = await umapEmbedding(reps, labels, { dim: 256, labelNames: task.conceptNames });
 * await show(scatterChart(rows, { x: "x", y: "y", color: "label" }));
 * ```
 */
export async function umapEmbedding(
  vectors: Float32Array | Float64Array,
  labels: ArrayLike<number>,
  opts: Partial<UmapConfig> & { dim: number; labelNames?: readonly string[] },
): Promise<UmapRow[]> {
  const { dim, labelNames, ...overrides } = opts;
  checkKnownKeys(overrides, DEFAULT_UMAP, "UmapConfig");
  const cfg = { ...DEFAULT_UMAP, ...overrides };
  const n = labels.length;
  if (!Number.isInteger(dim) || dim < 1 || vectors.length !== n * dim) {
    throw new ConfigError(
      "dim",
      `a positive integer with vectors.length (${vectors.length}) = n (${n})·dim`,
      dim,
    );
  }
  checkPositiveInt(cfg, "nNeighbors", { min: 2 });
  if (cfg.nNeighbors >= n) {
    throw new ConfigError("nNeighbors", `an integer in [2, n−1 = ${n - 1}]`, cfg.nNeighbors);
  }
  checkNumber(cfg, "minDist", { min: 0 });
  checkPositiveInt(cfg, "nEpochs", { min: 0 });
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) rows.push(Array.from(vectors.subarray(i * dim, (i + 1) * dim)));
  const rng = new Rng(`${cfg.seed}:umap`);
  const { UMAP } = await lazy.umap();
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: cfg.nNeighbors,
    minDist: cfg.minDist,
    ...(cfg.nEpochs > 0 ? { nEpochs: cfg.nEpochs } : {}),
    random: () => rng.uniform(),
  });
  const emb = umap.fit(rows);
  return emb.map(([x, y], i) => ({ x, y, label: labelNames?.[labels[i]] ?? labels[i] }));
}
