/**
 * Paper 2 — reconciling the Kaplan and Chinchilla scaling laws (Pearce & Song 2024): the laws,
 * parameter counting, the frontier simulation, the local exponent g, loss–compute slopes, and
 * Epoch AI's Approach-3 fit with bootstrap intervals.
 *
 * @example
 * ```ts
 * import { EPOCH_COEFFS, simulateFrontier } from "./mod.ts";
 * simulateFrontier(EPOCH_COEFFS, { counting: "nonEmbedding" }).fit.exponent; // ≈ 0.78
 * ```
 *
 * @module
 */
export * from "./laws.ts";
export * from "./counting.ts";
export * from "./omega_fit.ts";
export * from "./power_law.ts";
export * from "./frontier.ts";
export * from "./local_exponent.ts";
export * from "./loss_compute.ts";
export * from "./data.ts";
export * from "./fit.ts";
export * from "./bootstrap.ts";
export * from "./compute_envelope.ts";
export * from "./fit_dataset.ts";
export * from "./paper_numbers.ts";
export * from "./presets.ts";
export * from "./reconcile.ts";
export * from "./figures.ts";
export * from "./comparisons.ts";
export * from "./sweep/mod.ts";
