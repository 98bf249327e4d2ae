import { assertAlmostEquals, assertEquals, assertThrows } from "../assert.ts";
import { ConfigError } from "../../lib/util/validate.ts";
import { computeEnvelopeFit } from "../../lib/scaling/compute_envelope.ts";
import {
  chinchillaLoss,
  chinchillaOptimalAllocation,
  EPOCH_COEFFS,
} from "../../lib/scaling/laws.ts";

Deno.test("computeEnvelopeFit: picks the lowest loss per bin and recovers the optimal exponent", () => {
  const pts = { n: [] as number[], d: [] as number[], loss: [] as number[] };
  for (let lc = 18; lc <= 23; lc += 0.5) {
    const C = 10 ** lc, { nOpt } = chinchillaOptimalAllocation(C, EPOCH_COEFFS);
    for (const f of [0.25, 0.5, 1, 2, 4]) {
      const n = nOpt * f;
      pts.n.push(n),
        pts.d.push(C / (6 * n)),
        pts.loss.push(chinchillaLoss(n, C / (6 * n), EPOCH_COEFFS));
    }
  }
  const env = computeEnvelopeFit(pts, { binDecades: 0.5 });
  assertEquals(env.points.length, 11);
  assertAlmostEquals(
    env.fit.exponent,
    EPOCH_COEFFS.beta / (EPOCH_COEFFS.alpha + EPOCH_COEFFS.beta),
    1e-9,
  );
  assertThrows(() => computeEnvelopeFit(pts, { binDecades: 0 }), ConfigError, "binDecades");
});
