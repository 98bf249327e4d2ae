/** Paper 1, synthetic: experiment config and presets, measurements, the training pipeline, summaries. @module */
export * from "./config.ts";
export * from "./names.ts";
export * from "./measure.ts";
export * from "./task.ts";
export * from "./experiment.ts";
export * from "./report.ts";
export * from "./figures.ts";
export * from "./analysis.ts";
export * from "./asymmetry.ts";
export * from "./capacity.ts";
export * from "./trend.ts";
export * from "./group.ts";
