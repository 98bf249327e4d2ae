import { assert, assertAlmostEquals } from "../assert.ts";
import {
  chinchillaLoss,
  chinchillaOptimalAllocation,
  EPOCH_COEFFS,
  HOFFMANN_COEFFS,
  kaplanLossC,
  kaplanLossD,
  kaplanLossN,
  kaplanLossND,
  kaplanOptimalParams,
  trainingCompute,
} from "../../lib/scaling/laws.ts";

Deno.test("chinchillaLoss: E + A/N^α + B/D^β by hand", () => {
  const { A, B, E, alpha, beta } = EPOCH_COEFFS;
  assertAlmostEquals(chinchillaLoss(1e9, 2e10), E + A / 1e9 ** alpha + B / 2e10 ** beta, 1e-12);
  assertAlmostEquals(chinchillaLoss(70e9, 1.4e12, EPOCH_COEFFS), 1.9739, 1e-4);
  assertAlmostEquals(chinchillaLoss(70e9, 1.4e12, HOFFMANN_COEFFS), 1.9208, 1e-4);
  assert(chinchillaLoss(1e30, 1e30) - EPOCH_COEFFS.E < 1e-6, "loss → E as N, D → ∞");
  assertAlmostEquals(trainingCompute(70e9, 1.4e12), 5.88e23, 1e9);
});

Deno.test("chinchillaOptimalAllocation: closed form is the argmin along C = 6ND, exponent β/(α+β)", () => {
  for (const coeffs of [EPOCH_COEFFS, HOFFMANN_COEFFS]) {
    const C = 1e22;
    const { nOpt, dOpt, exponent, loss } = chinchillaOptimalAllocation(C, coeffs);
    assertAlmostEquals(6 * nOpt * dOpt / C, 1, 1e-12);
    assertAlmostEquals(exponent, coeffs.beta / (coeffs.alpha + coeffs.beta), 1e-12);
    for (const f of [0.9, 1.1]) assert(chinchillaLoss(nOpt * f, C / (6 * nOpt * f), coeffs) > loss);
    const at10 = chinchillaOptimalAllocation(10 * C, coeffs).nOpt;
    assertAlmostEquals(Math.log10(at10 / nOpt), exponent, 1e-12);
  }
});

Deno.test("Kaplan forms: reference constants and limits", () => {
  assertAlmostEquals(kaplanLossN(8.8e13), 1, 1e-12);
  assertAlmostEquals(kaplanLossD(5.4e13), 1, 1e-12);
  // L(N, D) → L(N)-like power law with the joint constants as D → ∞.
  assertAlmostEquals(kaplanLossND(1e9, 1e40), (6.4e13 / 1e9) ** 0.076, 1e-9);
  assertAlmostEquals(kaplanLossC(1.6e7), 1, 1e-12);
  assertAlmostEquals(
    Math.log(kaplanLossC(10, { min: true }) / kaplanLossC(1, { min: true })) / Math.log(10),
    -0.05,
    1e-12,
  );
  assertAlmostEquals(Math.log10(kaplanOptimalParams(10) / kaplanOptimalParams(1)), 0.73, 1e-12);
});
