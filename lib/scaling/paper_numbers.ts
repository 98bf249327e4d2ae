/**
 * The numbers Pearce & Song (and the works they build on) report, for "ours vs paper" tables.
 *
 * @module
 */

/**
 * Reference numbers: Pearce & Song 2024 (ω, frontier exponents, g asymptotes), Kaplan et al.
 * 2020 (loss–compute slopes, N_opt exponent), Hoffmann et al. 2022 (Approaches 1–3) and Epoch
 * AI's refit of Chinchilla's Figure-4 points (Besiroglu et al. 2024).
 *
 * @example
 * ```ts
 * PAPER_SCALING_NUMBERS.frontier.epoch.nonEmbedding; // 0.78
 * ```
 */
export const PAPER_SCALING_NUMBERS = Object.freeze({
  omega: { free: 47491, freeExponent: 0.339, fixedThird: 52960 },
  frontier: {
    epoch: { nonEmbedding: 0.78, total: 0.51 },
    chinchilla: { nonEmbedding: 0.74, total: null as number | null },
  },
  asymptotes: {
    epoch: { small: 0.759, large: 0.513 },
    chinchilla: { small: 0.716, large: 0.456 },
  },
  kaplan: { nOptExponent: 0.73, lossSlope: -0.057, lossSlopeMin: -0.050 },
  chinchillaApproaches: { approach1: 0.50, approach2: 0.49, approach3: 0.46 },
  epochRefit: { A: 482.01, B: 2085.43, E: 1.8172, alpha: 0.3478, beta: 0.3658 },
});
