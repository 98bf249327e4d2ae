/**
 * The scaling laws of Chinchilla (Hoffmann et al. 2022, with Epoch AI's refit) and Kaplan et al.
 * (2020), and the training-compute approximation C = 6·N·D.
 *
 * @module
 */

/** Coefficients of the Chinchilla law L(N, D) = E + A / N^α + B / D^β (N: total parameters). */
export interface ChinchillaCoeffs {
  A: number;
  B: number;
  E: number;
  alpha: number;
  beta: number;
}

/**
 * Epoch AI's refit of Chinchilla's Approach 3 (Besiroglu et al. 2024), the default coefficient
 * set of Pearce & Song.
 *
 * @example
 * ```ts
 * chinchillaLoss(70e9, 1.4e12, EPOCH_COEFFS); // ≈ 1.97
 * ```
 */
export const EPOCH_COEFFS: Readonly<ChinchillaCoeffs> = Object.freeze({
  A: 482.01,
  B: 2085.43,
  E: 1.8172,
  alpha: 0.3478,
  beta: 0.3658,
});

/**
 * Hoffmann et al.'s own Approach-3 coefficients (the unrounded values from the paper's TeX
 * source), called "Chinchilla" in Pearce & Song.
 *
 * @example
 * ```ts
 * chinchillaLoss(70e9, 1.4e12, HOFFMANN_COEFFS); // ≈ 1.92
 * ```
 */
export const HOFFMANN_COEFFS: Readonly<ChinchillaCoeffs> = Object.freeze({
  A: 406.4,
  B: 410.7,
  E: 1.6934,
  alpha: 0.3392,
  beta: 0.2849,
});

/**
 * The two coefficient sets by the names the reports use ("epoch", "chinchilla").
 *
 * @example
 * ```ts
 * chinchillaLoss(1e9, 2e10, CHINCHILLA_COEFF_SETS.chinchilla);
 * ```
 */
export const CHINCHILLA_COEFF_SETS: Readonly<
  Record<"epoch" | "chinchilla", Readonly<ChinchillaCoeffs>>
> = Object
  .freeze({ epoch: EPOCH_COEFFS, chinchilla: HOFFMANN_COEFFS });

/**
 * Chinchilla's loss L(N, D) = E + A / N^α + B / D^β, N the total parameter count, D tokens.
 *
 * @example
 * ```ts
 * const loss = chinchillaLoss(1e9, 20e9, EPOCH_COEFFS);
 * ```
 */
export function chinchillaLoss(
  nParams: number,
  tokens: number,
  coeffs: ChinchillaCoeffs = EPOCH_COEFFS,
): number {
  return coeffs.E + coeffs.A / nParams ** coeffs.alpha + coeffs.B / tokens ** coeffs.beta;
}

/**
 * Training compute C = 6·N·D in FLOP (forward + backward, attention's context term left out).
 *
 * @example
 * ```ts
 * trainingCompute(70e9, 1.4e12); // 5.88e23
 * ```
 */
export function trainingCompute(nParams: number, tokens: number): number {
  return 6 * nParams * tokens;
}

/**
 * The compute-optimal allocation of the Chinchilla law with total counting, in closed form:
 * N_opt = G·(C/6)^(β/(α+β)), D_opt = (C/6)/N_opt, G = (αA/(βB))^(1/(α+β)).
 *
 * @example
 * ```ts
 * const { nOpt, dOpt, exponent } = chinchillaOptimalAllocation(1e24, EPOCH_COEFFS); // exponent ≈ 0.513
 * ```
 */
export function chinchillaOptimalAllocation(
  compute: number,
  coeffs: ChinchillaCoeffs = EPOCH_COEFFS,
): { nOpt: number; dOpt: number; exponent: number; loss: number } {
  const { A, B, alpha, beta } = coeffs;
  const G = ((alpha * A) / (beta * B)) ** (1 / (alpha + beta));
  const exponent = beta / (alpha + beta);
  const nOpt = G * (compute / 6) ** exponent;
  const dOpt = compute / 6 / nOpt;
  return { nOpt, dOpt, exponent, loss: chinchillaLoss(nOpt, dOpt, coeffs) };
}

/**
 * FLOP in one petaflop/s-day (Kaplan's compute unit): 1e15 · 86,400.
 *
 * @example
 * ```ts
 * kaplanOptimalParams(1e21 / PF_DAY_FLOP);
 * ```
 */
export const PF_DAY_FLOP = 8.64e19;

/**
 * Kaplan et al. (2020) reference constants (non-embedding parameters N, tokens D, compute C in
 * PF-days), from their Table 1/2 and eqs. 1.1–1.7.
 *
 * @example
 * ```ts
 * KAPLAN_CONSTANTS.nOptExponent; // 0.73
 * ```
 */
export const KAPLAN_CONSTANTS = Object.freeze({
  /** L(N) = (N_c / N)^α_N. */
  alphaN: 0.076,
  Nc: 8.8e13,
  /** L(D) = (D_c / D)^α_D. */
  alphaD: 0.095,
  Dc: 5.4e13,
  /** Joint L(N, D) = [(N_c/N)^(α_N/α_D) + D_c/D]^α_D (Table 2). */
  joint: Object.freeze({ alphaN: 0.076, alphaD: 0.103, Nc: 6.4e13, Dc: 1.8e13 }),
  /** L(C) = (C_c / C)^α_C along the compute-efficient frontier at fixed batch size. */
  alphaC: 0.057,
  Cc: 1.6e7,
  /** L(C_min) = (C_c^min / C_min)^α_C^min, adjusted to the critical batch size. */
  alphaCMin: 0.050,
  CcMin: 3.1e8,
  /** N_opt = 1.3e9 · C_min^0.73 (C_min in PF-days), eq. 1.7/6.1 rounded. */
  nOptCoefficient: 1.3e9,
  nOptExponent: 0.73,
});

/**
 * Kaplan's L(N) = (N_c / N)^α_N (converged, data-unlimited), N non-embedding parameters.
 *
 * @example
 * ```ts
 * kaplanLossN(1.5e9); // ≈ 2.30 nats
 * ```
 */
export function kaplanLossN(nNonEmbedding: number, k = KAPLAN_CONSTANTS): number {
  return (k.Nc / nNonEmbedding) ** k.alphaN;
}

/**
 * Kaplan's L(D) = (D_c / D)^α_D (large model, early stopping), D tokens.
 *
 * @example
 * ```ts
 * kaplanLossD(2.2e10);
 * ```
 */
export function kaplanLossD(tokens: number, k = KAPLAN_CONSTANTS): number {
  return (k.Dc / tokens) ** k.alphaD;
}

/**
 * Kaplan's joint L(N, D) = [(N_c/N)^(α_N/α_D) + D_c/D]^α_D with the Table-2 constants.
 *
 * @example
 * ```ts
 * kaplanLossND(1e8, 1e10);
 * ```
 */
export function kaplanLossND(nNonEmbedding: number, tokens: number, k = KAPLAN_CONSTANTS): number {
  const j = k.joint;
  return ((j.Nc / nNonEmbedding) ** (j.alphaN / j.alphaD) + j.Dc / tokens) ** j.alphaD;
}

/**
 * Kaplan's L(C) = (C_c / C)^α_C, C in PF-days; `{ min: true }` gives the C_min form
 * (α_C^min = 0.050, C_c^min = 3.1e8).
 *
 * @example
 * ```ts
 * kaplanLossC(1, { min: true }); // loss at one PF-day
 * ```
 */
export function kaplanLossC(
  pfDays: number,
  opts: { min?: boolean } = {},
  k = KAPLAN_CONSTANTS,
): number {
  return opts.min ? (k.CcMin / pfDays) ** k.alphaCMin : (k.Cc / pfDays) ** k.alphaC;
}

/**
 * Kaplan's compute-optimal non-embedding size N_opt = 1.3e9 · C^0.73, C in PF-days.
 *
 * @example
 * ```ts
 * kaplanOptimalParams(1); // 1.3e9
 * ```
 */
export function kaplanOptimalParams(pfDays: number, k = KAPLAN_CONSTANTS): number {
  return k.nOptCoefficient * pfDays ** k.nOptExponent;
}
