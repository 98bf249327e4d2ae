/** Synthetic training runs for the fitting tests. */
import { Rng } from "../../lib/util/rng.ts";
import type { ScalingPoints } from "../../lib/scaling/data.ts";
import { type ChinchillaCoeffs, chinchillaLoss } from "../../lib/scaling/laws.ts";

/** Runs on a grid of (N, D), loss from `coeffs` times lognormal noise of relative size `noise`. */
export function syntheticRuns(coeffs: ChinchillaCoeffs, noise: number, seed = 1): ScalingPoints {
  const rng = new Rng(seed);
  const p: ScalingPoints = { n: [], d: [], loss: [] };
  for (let i = 0; i < 10; i++) {
    for (let j = 0; j < 8; j++) {
      const n = 10 ** (7 + 3 * i / 9 + 0.05 * rng.uniform()), d = 10 ** (9 + 3 * j / 7);
      p.n.push(n),
        p.d.push(d),
        p.loss.push(chinchillaLoss(n, d, coeffs) * Math.exp(noise * rng.normal()));
    }
  }
  return p;
}
