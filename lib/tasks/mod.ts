/**
 * In-context learning task generators. Paper 1's synthetic tasks: the mixture of sparse linear
 * regressions (and its 6-basis and overlapping variants) and the mixture of regression families,
 * all returning the same {@link RegressionBatch}.
 *
 * @module
 */
export * from "./regression_batch.ts";
export * from "./sparse_regression.ts";
export * from "./regression_families.ts";
export * from "./prompts.ts";
export * from "./bitwise.ts";
export * from "./pos_first_word.ts";
