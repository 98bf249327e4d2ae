/**
 * The analytic local exponent g(N_\E) = d log N*_\E / d log C_\E of the Chinchilla law seen
 * through non-embedding counting, its two asymptotes, and a continuous numerical frontier to
 * check it against.
 *
 * Derivation. With N_T = N + ω·N^(1/3) (N = N_\E) and D = C/(6N), minimising
 * L = E + A·N_T^−α + B·D^−β over N at fixed C gives
 *   C = 6·(βB/(αA))^(1/β) · N · N_T^((1+α)/β) · (N + (ω/3)·N^(1/3))^(−1/β).
 * Differentiating log C with respect to log N, with x = N^(2/3):
 *   1/g = 1 + ((1+α)/β)·(x + ω/3)/(x + ω) − (1/β)·(x + ω/9)/(x + ω/3),
 * so g → β/(β + α/3) as N → 0 (embeddings dominate N_T) and g → β/(α + β) as N → ∞.
 *
 * @module
 */
import type { ChinchillaCoeffs } from "./laws.ts";
import { PAPER_OMEGA } from "./counting.ts";
import type { FrontierResult } from "./frontier.ts";
import { fitScalingPowerLaw } from "./power_law.ts";

/**
 * g(N_\E) = d log N*_\E / d log C_\E along the continuous compute-optimal frontier.
 *
 * @example
 * ```ts
 * import { EPOCH_COEFFS } from "toolkit/scaling";
 *
 * localExponentG(1e3, EPOCH_COEFFS);  // ≈ 0.763 (near the small-N asymptote 0.759)
 * localExponentG(1e12, EPOCH_COEFFS); // ≈ 0.51 (towards β/(α+β))
 * ```
 */
export function localExponentG(
  nNonEmbedding: number,
  coeffs: ChinchillaCoeffs,
  omega = PAPER_OMEGA,
): number {
  const { alpha, beta } = coeffs;
  const x = nNonEmbedding ** (2 / 3);
  const inv = 1 + ((1 + alpha) / beta) * (x + omega / 3) / (x + omega) -
    (1 / beta) * (x + omega / 9) / (x + omega / 3);
  return 1 / inv;
}

/**
 * The two limits of g: β/(β + α/3) at small N_\E and β/(α + β) at large N_\E.
 *
 * @example
 * ```ts
 * import { EPOCH_COEFFS } from "toolkit/scaling";
 *
 * localExponentAsymptotes(EPOCH_COEFFS); // { small: 0.759, large: 0.513 }
 * ```
 */
export function localExponentAsymptotes(
  coeffs: ChinchillaCoeffs,
): { small: number; large: number } {
  const { alpha, beta } = coeffs;
  return { small: beta / (beta + alpha / 3), large: beta / (alpha + beta) };
}

/**
 * The non-embedding budget C_\E at which N_\E is compute-optimal (the closed form above).
 *
 * @example
 * ```ts
 * import { EPOCH_COEFFS } from "toolkit/scaling";
 *
 * analyticOptimalCompute(1e6, EPOCH_COEFFS); // C_\E for which a 1M-non-embedding model is optimal
 * ```
 */
export function analyticOptimalCompute(
  nNonEmbedding: number,
  coeffs: ChinchillaCoeffs,
  omega = PAPER_OMEGA,
): number {
  const { A, B, alpha, beta } = coeffs;
  const n = nNonEmbedding;
  const nT = n + omega * n ** (1 / 3);
  const nTPrime = n + (omega / 3) * n ** (1 / 3);
  return 6 * ((beta * B) / (alpha * A)) ** (1 / beta) * n * nT ** ((1 + alpha) / beta) *
    nTPrime ** (-1 / beta);
}

/**
 * The compute-optimal N_\E for budget C_\E, found numerically (bisection on dL/d log N = 0 with
 * D = C/(6N)), independently of the closed form.
 *
 * @example
 * ```ts
 * import { EPOCH_COEFFS } from "toolkit/scaling";
 *
 * numericOptimalNonEmbedding(1e18, EPOCH_COEFFS);
 * ```
 */
export function numericOptimalNonEmbedding(
  computeNE: number,
  coeffs: ChinchillaCoeffs,
  omega = PAPER_OMEGA,
): number {
  const { A, B, alpha, beta } = coeffs;
  // h(u) = dL/du, u = log N; D = C/(6N) ⇒ dD/du = −D.
  const h = (u: number) => {
    const n = Math.exp(u);
    const nT = n + omega * n ** (1 / 3);
    const dlogNT = (n + (omega / 3) * n ** (1 / 3)) / nT;
    const d = computeNE / (6 * n);
    return -alpha * A * nT ** -alpha * dlogNT + beta * B * d ** -beta;
  };
  let lo = Math.log(1e-3), hi = Math.log(computeNE / 6);
  if (!(h(lo) < 0 && h(hi) > 0)) throw new RangeError(`no interior optimum for C = ${computeNE}`);
  for (let i = 0; i < 200 && hi - lo > 1e-13; i++) {
    const mid = (lo + hi) / 2;
    if (h(mid) < 0) lo = mid;
    else hi = mid;
  }
  return Math.exp((lo + hi) / 2);
}

/** How the analytic frontier compares with a simulated (discrete) one. */
export interface LocalExponentCheck {
  /** Least-squares exponent of the discrete frontier (20 models). */
  frontierExponent: number;
  /** Least-squares exponent of the continuous optimum N*(C) over the same budgets. */
  continuousExponent: number;
  /** g at the smallest and largest continuous optimum of the range. */
  gAtRangeEnds: [number, number];
  /** Largest |log10 N_discrete − log10 N*_continuous| over the budgets (in decades). */
  maxLog10Gap: number;
  /** Grid spacing of the discrete models, in decades (the gap should stay within it). */
  modelSpacingDecades: number;
  /** Largest |g − finite-difference slope of the numeric optimum| at the budgets. */
  maxSlopeError: number;
}

/**
 * Checks g against a non-embedding frontier: the numeric continuous optimum reproduces g's
 * closed form (finite differences), and the discrete frontier stays within one model spacing
 * of it, with a similar fitted exponent.
 *
 * @example
 * ```ts
 * import { EPOCH_COEFFS, simulateFrontier } from "toolkit/scaling";
 *
 * const f = simulateFrontier(EPOCH_COEFFS, { counting: "nonEmbedding" });
 * const chk = checkLocalExponent(f); // chk.maxSlopeError < 1e-4
 * ```
 */
export function checkLocalExponent(frontier: FrontierResult): LocalExponentCheck {
  const { coeffs, config } = frontier;
  if (config.counting !== "nonEmbedding") {
    throw new RangeError("checkLocalExponent needs a non-embedding frontier");
  }
  const omega = config.omega;
  const budgets = frontier.points.map((p) => p.compute);
  const cont = budgets.map((c) => numericOptimalNonEmbedding(c, coeffs, omega));
  let maxGap = 0, maxSlopeError = 0;
  const h = 1e-4;
  frontier.points.forEach((p, i) => {
    maxGap = Math.max(maxGap, Math.abs(Math.log10(p.nOpt) - Math.log10(cont[i])));
    const up = numericOptimalNonEmbedding(p.compute * Math.exp(h), coeffs, omega);
    const down = numericOptimalNonEmbedding(p.compute * Math.exp(-h), coeffs, omega);
    const slope = (Math.log(up) - Math.log(down)) / (2 * h);
    maxSlopeError = Math.max(
      maxSlopeError,
      Math.abs(slope - localExponentG(cont[i], coeffs, omega)),
    );
  });
  return {
    frontierExponent: frontier.fit.exponent,
    continuousExponent: fitScalingPowerLaw(budgets, cont).exponent,
    gAtRangeEnds: [
      localExponentG(cont[0], coeffs, omega),
      localExponentG(cont[cont.length - 1], coeffs, omega),
    ],
    maxLog10Gap: maxGap,
    modelSpacingDecades: (config.log10NMax - config.log10NMin) / (config.nModels - 1),
    maxSlopeError,
  };
}
