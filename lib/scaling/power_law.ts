/**
 * Plain power-law fits y = k·x^m by ordinary least squares on (log x, log y), e.g. N_opt versus
 * C along a compute-efficient frontier.
 *
 * @module
 */
import { fitLogLog } from "../numeric/fit.ts";

/** A fitted power law y = coefficient · x^exponent. */
export interface ScalingPowerLawFit {
  exponent: number;
  coefficient: number;
  /** Intercept of the log-log line (natural log): log y = intercept + exponent·log x. */
  intercept: number;
  /** R² of the log-log regression (NaN when y does not vary). */
  r2: number;
  n: number;
}

/**
 * Fits y = k·x^m by least squares in log-log space (natural logs): {@link fitLogLog} in the
 * power-law vocabulary. All values must be positive, with two distinct x (else `ConfigError`).
 *
 * @example
 * ```ts
 * const fit = fitScalingPowerLaw([1e18, 1e19, 1e20], [1e8, 3.2e8, 1e9]); // exponent ≈ 0.5
 * ```
 */
export function fitScalingPowerLaw(x: ArrayLike<number>, y: ArrayLike<number>): ScalingPowerLawFit {
  const { slope: exponent, intercept, r2, n } = fitLogLog(x, y);
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
