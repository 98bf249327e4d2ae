/**
 * Config validation: every bad field fails before any work, with an error that names the
 * field and the values it accepts.
 *
 * @module
 */

/**
 * The error every config check throws.
 *
 * @example
 * ```ts
 * try { checkPositiveInt({ nLayers: 0 }, "nLayers"); } catch (e) { console.log((e as ConfigError).field); }
 * ```
 */
export class ConfigError extends Error {
  constructor(readonly field: string, readonly allowed: string, readonly got: unknown) {
    super(`invalid config field "${field}": got ${JSON.stringify(got)}; allowed: ${allowed}`);
    this.name = "ConfigError";
  }
}

/**
 * Throws a {@link ConfigError} unless `obj[field]` is an integer ≥ `min` (default 1).
 *
 * @example
 * ```ts
 * checkPositiveInt({ nLayers: 4 }, "nLayers"); // ok; 0 or 2.5 would throw
 * ```
 */
export function checkPositiveInt<T>(obj: T, field: keyof T & string, opts: { min?: number } = {}) {
  const v = obj[field] as unknown;
  const min = opts.min ?? 1;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
    throw new ConfigError(field, `an integer >= ${min}`, v);
  }
}

/**
 * Throws a {@link ConfigError} unless `obj[field]` is a finite number in (lo, hi] or [lo, hi].
 *
 * @example
 * ```ts
 * checkNumber({ lr: 1e-3 }, "lr", { min: 0, exclusiveMin: true }); // ok; 0 would throw
 * ```
 */
export function checkNumber<T>(
  obj: T,
  field: keyof T & string,
  opts: { min?: number; max?: number; exclusiveMin?: boolean } = {},
) {
  const v = obj[field] as unknown;
  const { min = -Infinity, max = Infinity, exclusiveMin = false } = opts;
  const ok = typeof v === "number" && Number.isFinite(v) &&
    (exclusiveMin ? v > min : v >= min) && v <= max;
  if (!ok) {
    const lo = exclusiveMin ? `> ${min}` : `>= ${min}`;
    throw new ConfigError(field, `a finite number ${lo} and <= ${max}`, v);
  }
}

/**
 * Throws a {@link ConfigError} unless `obj[field]` is one of `allowed`.
 *
 * @example
 * ```ts
 * checkOneOf({ mode: "shift" }, "mode", ["replace", "add", "shift"]); // ok
 * ```
 */
export function checkOneOf<T>(obj: T, field: keyof T & string, allowed: readonly unknown[]) {
  const v = obj[field] as unknown;
  if (!allowed.includes(v)) {
    throw new ConfigError(field, `one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`, v);
  }
}

/**
 * Throws a {@link ConfigError} for any key of `given` that `defaults` lacks (catches typos such
 * as `nLayer` that would otherwise be silently ignored).
 *
 * @example
 * ```ts
 * checkKnownKeys({ nLayer: 4 }, { nLayers: 2 }, "model"); // throws: nLayer is not a field
 * ```
 */
export function checkKnownKeys(given: object, defaults: object, where: string) {
  for (const k of Object.keys(given)) {
    if (!(k in defaults)) {
      throw new ConfigError(`${where}.${k}`, `one of ${Object.keys(defaults).join(", ")}`, k);
    }
  }
}
