import { assert, assertAlmostEquals, assertThrows } from "../assert.ts";
import { EPOCH_COEFFS, HOFFMANN_COEFFS } from "../../lib/scaling/laws.ts";
import { simulateFrontier } from "../../lib/scaling/frontier.ts";
import {
  analyticOptimalCompute,
  checkLocalExponent,
  localExponentAsymptotes,
  localExponentG,
  numericOptimalNonEmbedding,
} from "../../lib/scaling/local_exponent.ts";

Deno.test("g asymptotes: the paper's 0.759/0.513 (Epoch) and 0.716/0.456 (Chinchilla)", () => {
  const e = localExponentAsymptotes(EPOCH_COEFFS), c = localExponentAsymptotes(HOFFMANN_COEFFS);
  assertAlmostEquals(e.small, 0.759, 5e-4);
  assertAlmostEquals(e.large, 0.513, 5e-4);
  assertAlmostEquals(c.small, 0.716, 5e-4);
  assertAlmostEquals(c.large, 0.456, 5e-4);
  // g(N) tends to them at the extremes.
  for (const [coeffs, a] of [[EPOCH_COEFFS, e], [HOFFMANN_COEFFS, c]] as const) {
    assertAlmostEquals(localExponentG(1e-3, coeffs), a.small, 1e-3);
    assertAlmostEquals(localExponentG(1e20, coeffs), a.large, 1e-3);
  }
});

Deno.test("g: the closed-form C(N) inverts the numeric optimum, and g is its log-derivative", () => {
  for (const coeffs of [EPOCH_COEFFS, HOFFMANN_COEFFS]) {
    for (const n of [1e4, 1e6, 1e8, 1e10]) {
      const c = analyticOptimalCompute(n, coeffs);
      assertAlmostEquals(numericOptimalNonEmbedding(c, coeffs) / n, 1, 1e-9);
      const h = 1e-4;
      const slope = 2 * h / (Math.log(analyticOptimalCompute(n * Math.exp(h), coeffs)) -
        Math.log(analyticOptimalCompute(n * Math.exp(-h), coeffs)));
      assertAlmostEquals(slope, localExponentG(n, coeffs), 1e-7);
    }
  }
});

Deno.test("g against the numerical frontier (both coefficient sets)", () => {
  for (const coeffs of [EPOCH_COEFFS, HOFFMANN_COEFFS]) {
    const f = simulateFrontier(coeffs, { counting: "nonEmbedding" });
    const chk = checkLocalExponent(f);
    assert(chk.maxSlopeError < 1e-6, `slope error ${chk.maxSlopeError}`);
    // The discrete 20-model frontier stays within one model spacing of the continuous optimum…
    assert(chk.maxLog10Gap < chk.modelSpacingDecades, `gap ${chk.maxLog10Gap}`);
    // …and its fitted exponent is the continuous frontier's within 0.01.
    assertAlmostEquals(chk.frontierExponent, chk.continuousExponent, 0.01);
    // The fitted exponent lies between g at the ends of the range (a chord of g).
    const [lo, hi] = [Math.min(...chk.gAtRangeEnds), Math.max(...chk.gAtRangeEnds)];
    assert(
      chk.continuousExponent > lo && chk.continuousExponent < 1,
      `${chk.continuousExponent} vs ${lo}..${hi}`,
    );
  }
  assertThrows(
    () => checkLocalExponent(simulateFrontier(EPOCH_COEFFS, { counting: "total" })),
    RangeError,
  );
});
