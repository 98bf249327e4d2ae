/**
 * Facts about this process that lower layers learn and higher ones record: the backend that
 * {@link setRuntimeFact} was told about by `initBackend`, read by the results store when it
 * writes a run's provenance. A registry here keeps `lib/store` free of tfjs.
 *
 * @module
 */

const facts: Record<string, string> = {};

/**
 * Records one fact about this process (e.g. `backend` → `"wasm (cpu; matmul openblas ×1)"`).
 *
 * @example
 * ```ts
 * setRuntimeFact("backend", "wasm");
 * ```
 */
export function setRuntimeFact(key: string, value: string): void {
  facts[key] = value;
}

/**
 * The facts recorded so far (a copy).
 *
 * @example
 * ```ts
 * const { backend } = runtimeFacts();
 * ```
 */
export function runtimeFacts(): Record<string, string> {
  return { ...facts };
}
