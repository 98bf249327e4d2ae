/**
 * Loss–compute slopes along a simulated frontier: Kaplan's form L ∝ C^−k (no offset) versus
 * the Chinchilla form L − E ∝ C^−k (with the irreducible loss E).
 *
 * @module
 */
import type { ChinchillaCoeffs } from "./laws.ts";
import type { FrontierResult } from "./frontier.ts";
import { fitScalingPowerLaw } from "./power_law.ts";

/** Slopes of the loss along a frontier (negative numbers: loss falls with compute). */
export interface LossComputeSlopes {
  /** d log L / d log C, least squares over the frontier (Kaplan's form, no offset). */
  withoutOffset: number;
  /** d log (L − E) / d log C (offset form). */
  withOffset: number;
  /** −αβ/(α+β): the exact offset-form slope of the total-counting frontier at large scale. */
  asymptoticWithOffset: number;
}

/**
 * Fits the loss–compute slope of a frontier with and without the offset E.
 *
 * @example
 * ```ts
 * import { EPOCH_COEFFS, simulateFrontier } from "toolkit/scaling";
 *
 * const s = lossComputeSlopes(simulateFrontier(EPOCH_COEFFS, { counting: "nonEmbedding" }));
 * // s.withoutOffset ≈ −0.07 (Kaplan measured −0.057 / −0.050), s.withOffset ≈ −0.13
 * ```
 */
export function lossComputeSlopes(frontier: FrontierResult): LossComputeSlopes {
  const c: ChinchillaCoeffs = frontier.coeffs;
  const C = frontier.points.map((p) => p.compute);
  const L = frontier.points.map((p) => p.loss);
  return {
    withoutOffset: fitScalingPowerLaw(C, L).exponent,
    withOffset: fitScalingPowerLaw(C, L.map((l) => l - c.E)).exponent,
    asymptoticWithOffset: -(c.alpha * c.beta) / (c.alpha + c.beta),
  };
}
