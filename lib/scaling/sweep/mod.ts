/**
 * Paper 2's own scaling sweep: a grid of small language models trained on one corpus, their
 * compute-optimal frontier and exponents under either parameter count, with baselines, figures
 * and a report.
 *
 * @module
 */
export * from "./run.ts";
export * from "./analysis.ts";
export * from "./baseline.ts";
export * from "./config.ts";
export * from "./data.ts";
export * from "./figures.ts";
export * from "./loss.ts";
export * from "./report.ts";
