/**
 * Plain power-law fits y = k·x^m by ordinary least squares on (log x, log y), e.g. N_opt versus
 * C along a compute-efficient frontier.
 *
 * @module
 */
import { ConfigError } from "../util/validate.ts";

/** A fitted power law y = coefficient · x^exponent. */
export interface ScalingPowerLawFit {
  exponent: number;
  coefficient: number;
  /** Intercept of the log-log line (natural log): log y = intercept + exponent·log x. */
  intercept: number;
  /** R² of the log-log regression. */
  r2: number;
  n: number;
}

/**
 * Fits y = k·x^m by least squares in log-log space (natural logs). All values must be positive.
 *
 * @example
 * ```ts
 * const fit = fitScalingPowerLaw([1e18, 1e19, 1e20], [1e8, 3.2e8, 1e9]); // exponent ≈ 0.5
 * ```
 */
export function fitScalingPowerLaw(x: ArrayLike<number>, y: ArrayLike<number>): ScalingPowerLawFit {
  if (x.length !== y.length) {
    throw new ConfigError("y", `${x.length} values (as many as x)`, y.length);
  }
  if (x.length < 2) throw new ConfigError("x", "at least 2 points", x.length);
  const n = x.length;
  let sx = 0, sy = 0;
  const lx = new Float64Array(n), ly = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (!(x[i] > 0)) throw new ConfigError(`x[${i}]`, "a positive number", x[i]);
    if (!(y[i] > 0)) throw new ConfigError(`y[${i}]`, "a positive number", y[i]);
    lx[i] = Math.log(x[i]), ly[i] = Math.log(y[i]);
    sx += lx[i], sy += ly[i];
  }
  const mx = sx / n, my = sy / n;
  let sxx = 0, sxy = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (lx[i] - mx) ** 2, sxy += (lx[i] - mx) * (ly[i] - my), syy += (ly[i] - my) ** 2;
  }
  if (sxx === 0) throw new ConfigError("x", "at least two distinct values", x[0]);
  const exponent = sxy / sxx;
  const intercept = my - exponent * mx;
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  return { exponent, coefficient: Math.exp(intercept), intercept, r2, n };
}

/**
 * Evaluates a fitted power law at x.
 *
 * @example
 * ```ts
 * evalScalingPowerLaw(fitScalingPowerLaw([1, 10], [2, 20]), 100); // 200
 * ```
 */
export function evalScalingPowerLaw(
  fit: Pick<ScalingPowerLawFit, "coefficient" | "exponent">,
  x: number,
): number {
  return fit.coefficient * x ** fit.exponent;
}
