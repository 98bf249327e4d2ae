/**
 * A toolkit for reproducing and extending three papers on how neural networks learn:
 * concept encoding/decoding in in-context learning, the Kaplan–Chinchilla scaling-law
 * reconciliation, and the resource model of neural scaling.
 *
 * @example
 * ```ts
 * import { initBackend, reconcile } from "./mod.ts";
 * await initBackend();
 * ```
 *
 * @module
 */
/** The TensorFlow.js core namespace the toolkit runs on (tensors returned by the API are its tensors). */
export { tf } from "./lib/deps.ts";
export * from "./lib/backend/mod.ts";
export * from "./lib/util/mod.ts";
export * from "./lib/store/mod.ts";
export * from "./lib/plot/mod.ts";
export * from "./lib/model/mod.ts";
export * from "./lib/train/mod.ts";
export * from "./lib/tasks/mod.ts";
export * from "./lib/probes/mod.ts";
export * from "./lib/interventions/mod.ts";
export * from "./lib/scaling/mod.ts";
export * from "./lib/resource/mod.ts";
export * from "./lib/icl/mod.ts";
export * from "./lib/icl_lm/mod.ts";
export * from "./lib/text/mod.ts";
export * from "./lib/sweep/mod.ts";
