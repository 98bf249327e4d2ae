import { assert, assertAlmostEquals, assertThrows } from "../assert.ts";
import { ConfigError } from "../../lib/util/validate.ts";
import { dropHighestLoss } from "../../lib/scaling/data.ts";
import {
  approach3Objective,
  COARSE_APPROACH3_GRID,
  fitChinchillaApproach3,
} from "../../lib/scaling/fit.ts";
import { loadChinchillaFig4Points } from "../../lib/scaling/fit_dataset.ts";
import { HOFFMANN_COEFFS } from "../../lib/scaling/laws.ts";
import { syntheticRuns } from "./synthetic.ts";

const grid = COARSE_APPROACH3_GRID;

Deno.test("approach3Objective: gradient matches finite differences (both Huber regimes)", () => {
  const pts = syntheticRuns(HOFFMANN_COEFFS, 0.01);
  for (const delta of [1e-3, 10]) {
    const f = approach3Objective(pts, delta);
    const t = Float64Array.from([6.2, 6.1, 0.5, 0.33, 0.3]);
    const g = new Float64Array(5), tmp = new Float64Array(5);
    f(t, g);
    for (let k = 0; k < 5; k++) {
      const h = 1e-6, up = Float64Array.from(t), dn = Float64Array.from(t);
      up[k] += h, dn[k] -= h;
      const fd = (f(up, tmp) - f(dn, tmp)) / (2 * h);
      assertAlmostEquals(g[k], fd, 1e-5 * Math.max(1, Math.abs(fd)));
    }
  }
});

Deno.test("fitChinchillaApproach3: recovers known coefficients (noiseless and 1% noise)", () => {
  const exact = fitChinchillaApproach3(syntheticRuns(HOFFMANN_COEFFS, 0), { grid });
  assertAlmostEquals(exact.alpha, HOFFMANN_COEFFS.alpha, 1e-3);
  assertAlmostEquals(exact.beta, HOFFMANN_COEFFS.beta, 1e-3);
  assertAlmostEquals(exact.E, HOFFMANN_COEFFS.E, 1e-3);
  assertAlmostEquals(exact.A / HOFFMANN_COEFFS.A, 1, 0.01);
  assertAlmostEquals(exact.B / HOFFMANN_COEFFS.B, 1, 0.01);
  const noisy = fitChinchillaApproach3(syntheticRuns(HOFFMANN_COEFFS, 0.01), { grid });
  assertAlmostEquals(noisy.alpha, HOFFMANN_COEFFS.alpha, 0.03);
  assertAlmostEquals(noisy.beta, HOFFMANN_COEFFS.beta, 0.03);
  assertAlmostEquals(noisy.E, HOFFMANN_COEFFS.E, 0.05);
  assertAlmostEquals(noisy.a, 0.456, 0.03);
  assert(
    noisy.starts === 108 && noisy.converged > 50,
    `${noisy.converged}/${noisy.starts} converged`,
  );
});

Deno.test("fitChinchillaApproach3: Chinchilla's points (5 dropped) vs Epoch AI's refit", async () => {
  const pts = dropHighestLoss(await loadChinchillaFig4Points(), 5);
  const f = fitChinchillaApproach3(pts, { grid });
  // Epoch: A 482.01, B 2085.43, E 1.8172, α 0.3478, β 0.3658. Our optimum has a slightly lower
  // objective than Epoch's rounded values; the remaining gap is in the flat A/B directions.
  assertAlmostEquals(f.E, 1.8172, 0.002);
  assertAlmostEquals(f.alpha, 0.3478, 0.003);
  assertAlmostEquals(f.beta, 0.3658, 0.005);
  assertAlmostEquals(f.A / 482.01, 1, 0.03);
  assertAlmostEquals(f.B / 2085.43, 1, 0.05);
  const epoch = approach3Objective(pts, 1e-3)(
    Float64Array.from([Math.log(482.01), Math.log(2085.43), Math.log(1.8172), 0.3478, 0.3658]),
    new Float64Array(5),
  );
  assert(f.objective <= epoch, `ours ${f.objective} vs Epoch's ${epoch}`);
});

Deno.test("fitChinchillaApproach3: bad input fails with ConfigError", () => {
  const pts = syntheticRuns(HOFFMANN_COEFFS, 0);
  assertThrows(() => fitChinchillaApproach3({ n: [1], d: [1], loss: [1] }), ConfigError, "points");
  assertThrows(() => fitChinchillaApproach3(pts, { delta: 0 }), ConfigError, "delta");
  assertThrows(
    () => fitChinchillaApproach3(pts, { grid: { ...grid, alpha: [] } }),
    ConfigError,
    "grid.alpha",
  );
  const bad = { ...pts, loss: pts.loss.map((l, i) => (i === 3 ? -1 : l)) };
  assertThrows(() => fitChinchillaApproach3(bad, { grid }), ConfigError, "points.loss[3]");
});
