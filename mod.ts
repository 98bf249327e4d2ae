/**
 * A toolkit for reproducing and extending three papers on how neural networks learn:
 * concept encoding/decoding in in-context learning, the Kaplan–Chinchilla scaling-law
 * reconciliation, and the resource model of neural scaling.
 *
 * This root module is the core a user needs first: tensors (`tf`), the backend, the models and
 * their hooks, training, the results store, and figures. Each area has its own entry point:
 * `toolkit/icl`, `toolkit/icl-lm`, `toolkit/scaling`, `toolkit/resource` (the three papers),
 * `toolkit/data` (ICL task generators), `toolkit/probes`, `toolkit/interventions`,
 * `toolkit/text`, `toolkit/numeric`, `toolkit/sweep`, `toolkit/util`, and `toolkit/model`,
 * `toolkit/train`, `toolkit/store`, `toolkit/plot`, `toolkit/backend` (ARCHITECTURE.md lists
 * them).
 *
 * @example
 * ```ts
 * import { initBackend, openResults, RegressionTransformer } from "./mod.ts";
 * await initBackend();
 * const store = openResults(":memory:");
 * const model = new RegressionTransformer({ nLayers: 2 });
 * ```
 *
 * @module
 */
/** The TensorFlow.js core namespace the toolkit runs on (tensors returned by the API are its tensors). */
export { tf } from "./lib/deps.ts";
export { backendInfo, BACKENDS, initBackend } from "./lib/backend/backend.ts";
export type { BackendInfo, BackendName } from "./lib/backend/backend.ts";
export { Rng } from "./lib/util/rng.ts";
export { ConfigError } from "./lib/util/validate.ts";
export * from "./lib/model/mod.ts";
export * from "./lib/train/mod.ts";
export * from "./lib/store/mod.ts";
export * from "./lib/plot/mod.ts";
