import { assert, assertAlmostEquals } from "../assert.ts";
import { EPOCH_COEFFS, HOFFMANN_COEFFS } from "../../lib/scaling/laws.ts";
import { simulateFrontier } from "../../lib/scaling/frontier.ts";
import { lossComputeSlopes } from "../../lib/scaling/loss_compute.ts";

Deno.test("lossComputeSlopes: offset form matches −αβ/(α+β); Kaplan's form is shallower", () => {
  for (const coeffs of [EPOCH_COEFFS, HOFFMANN_COEFFS]) {
    const total = lossComputeSlopes(simulateFrontier(coeffs, { counting: "total" }));
    assertAlmostEquals(total.withOffset, total.asymptoticWithOffset, 0.002);
    const ne = lossComputeSlopes(simulateFrontier(coeffs, { counting: "nonEmbedding" }));
    // Without E the slope is Kaplan-like (−0.05 … −0.1), much shallower than with E.
    assert(ne.withoutOffset < -0.05 && ne.withoutOffset > -0.1, `${ne.withoutOffset}`);
    assert(
      Math.abs(ne.withoutOffset) < 0.6 * Math.abs(ne.withOffset),
      `${ne.withoutOffset} vs ${ne.withOffset}`,
    );
  }
});
