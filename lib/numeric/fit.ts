/**
 * The one least-squares line of the toolkit, and the log-log fit (a power law) built on it.
 *
 * One behaviour on bad input, for every caller: input that cannot give a line throws
 * `ConfigError` naming the field — x and y of different lengths, fewer than two distinct x,
 * and (log-log) a value that is not positive. R² is NaN when y does not vary (0/0: there is no
 * variance to explain). Callers that want NaN for a degenerate set of points check for two
 * distinct x first.
 *
 * @module
 */
import { ConfigError } from "../util/validate.ts";

/** An ordinary least-squares line y = intercept + slope·x. */
export interface LineFit {
  slope: number;
  intercept: number;
  /** Coefficient of determination (NaN when y does not vary). */
  r2: number;
  n: number;
}

/**
 * Least-squares line y = intercept + slope·x. Throws `ConfigError` when the lengths differ or
 * there are fewer than two distinct x.
 *
 * @example
 * ```ts
 * fitLine([0, 1, 2], [1, 3, 5]); // { slope: 2, intercept: 1, r2: 1, n: 3 }
 * ```
 */
export function fitLine(x: ArrayLike<number>, y: ArrayLike<number>): LineFit {
  if (x.length !== y.length) {
    throw new ConfigError("y", `${x.length} values (as many as x)`, y.length);
  }
  const n = x.length;
  let sx = 0, sy = 0;
  for (let i = 0; i < n; i++) sx += x[i], sy += y[i];
  const mx = sx / n, my = sy / n;
  let sxx = 0, sxy = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i] - mx) ** 2, sxy += (x[i] - mx) * (y[i] - my), syy += (y[i] - my) ** 2;
  }
  if (!(sxx > 0)) throw new ConfigError("x", "at least two distinct values", x[0]);
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx, r2: syy > 0 ? (sxy * sxy) / (sxx * syy) : NaN, n };
}

/**
 * Least-squares line through (ln x, ln y): the power law y = e^intercept · x^slope. Throws
 * `ConfigError` on a value that is not positive (naming `x[i]` or `y[i]`), and as
 * {@link fitLine} does.
 *
 * @example
 * ```ts
 * fitLogLog([1, 2, 4], [1, 0.5, 0.25]).slope; // -1
 * ```
 */
export function fitLogLog(x: ArrayLike<number>, y: ArrayLike<number>): LineFit {
  if (x.length !== y.length) {
    throw new ConfigError("y", `${x.length} values (as many as x)`, y.length);
  }
  const lx = new Float64Array(x.length), ly = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    if (!(x[i] > 0)) throw new ConfigError(`x[${i}]`, "a positive number", x[i]);
    if (!(y[i] > 0)) throw new ConfigError(`y[${i}]`, "a positive number", y[i]);
    lx[i] = Math.log(x[i]), ly[i] = Math.log(y[i]);
  }
  return fitLine(lx, ly);
}

/**
 * Whether `x` has at least two distinct values (what {@link fitLine} needs).
 *
 * @example
 * ```ts
 * hasTwoDistinct([3, 3]); // false
 * ```
 */
export function hasTwoDistinct(x: ArrayLike<number>): boolean {
  for (let i = 1; i < x.length; i++) if (x[i] !== x[0]) return true;
  return false;
}
