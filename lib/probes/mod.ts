/**
 * Probes of representations and reference solvers: leave-one-out k-NN decodability (CD / TD),
 * seeded UMAP, and the regression baselines (oracle / D-dim least squares, Lasso, zero).
 *
 * @module
 */
export * from "./lasso.ts";
export * from "./baselines.ts";
export * from "./decodability.ts";
export * from "./umap.ts";
