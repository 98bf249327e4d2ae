import { iclConfig } from "../../lib/icl/config.ts";
import { phaseTrends, trendHours } from "../../lib/icl/trend.ts";
import { openResults } from "../../lib/store/results.ts";
import { assert, assertAlmostEquals, assertEquals } from "../assert.ts";

/** A stored run whose last-prediction MSE falls as 2·step^−0.5 (evaluations at 1k … 16k steps). */
function fakeRun(opts: { wallSeconds?: number; mse?: (step: number) => number } = {}) {
  const store = openResults(":memory:");
  const cfg = iclConfig("smoke");
  const id = store.startRun({ experiment: "icl_synthetic", name: "t", config: cfg });
  const mse = opts.mse ?? ((s: number) => 2 * s ** -0.5);
  for (const step of [1000, 2000, 4000, 8000, 12000, 16000]) {
    store.setArtifact(id, `eval@${step}`, {
      step,
      epoch: step / 100,
      mse: { perConcept: [1, 1, 1, 1], overall: 1, byExamples: [1, mse(step)] },
      cdX: [],
      cdY: [{ layer: 1, accuracy: 0.5, perConcept: [0.9, 0.3, 0.4, 0.4] }],
    });
  }
  store.setArtifact(id, "baselines", { oracle: 0.0033, leastSquares: 0.02 });
  store.logMetrics(id, 16000, { loss: 1 });
  store.finishRun(id, {});
  if (opts.wallSeconds !== undefined) {
    // The provenance of a run trained 0 → 16,000 steps in wallSeconds.
    store.setArtifact(id, "provenance", [{
      ...store.provenance(id)[0],
      wallSeconds: opts.wallSeconds,
      fromStep: 0,
      toStep: 16000,
    }]);
  }
  return { store, id };
}

Deno.test("phaseTrends: fits the recent power law and prices the steps to 2.2 × oracle at the run's own speed", () => {
  const { store, id } = fakeRun({ wallSeconds: 1600 });
  const [t] = phaseTrends(store, [id]);
  assertEquals([t.step, t.model], [16000, "2×16×2"]);
  assertAlmostEquals(t.slope!, -0.5, 1e-9);
  assertAlmostEquals(t.target, 2.2 * 0.0033, 1e-12);
  assertAlmostEquals(t.cdMin, 0.3, 1e-12);
  // 2·s^−0.5 = 0.00726 ⇔ s = (2 / 0.00726)² ≈ 75,900 steps.
  assertAlmostEquals(t.stepsToTarget!, (2 / t.target) ** 2, 1e-6 * (2 / t.target) ** 2);
  assertAlmostEquals(t.secondsPerStep!, 0.1, 1e-12);
  assertAlmostEquals(t.hoursToTarget!, ((2 / t.target) ** 2 - 16000) * 0.1 / 3600, 1e-6);
  store.close();
});

Deno.test("phaseTrends: no extrapolation when the error is not falling or the run recorded no wall time", () => {
  const flat = fakeRun({ mse: () => 0.3 });
  const [t] = phaseTrends(flat.store, [flat.id]);
  assertEquals([t.stepsToTarget, t.hoursToTarget], [null, null]);
  flat.store.close();
  const noWall = fakeRun();
  const [u] = phaseTrends(noWall.store, [noWall.id]);
  assert(u.stepsToTarget !== null && u.secondsPerStep === null && u.hoursToTarget === null);
  noWall.store.close();
});

Deno.test("trendHours: a dash without a trend, a bound past 10,000 h, else two digits", () => {
  const { store, id } = fakeRun({ wallSeconds: 1600 });
  const [t] = phaseTrends(store, [id]);
  assertEquals(trendHours(t), String(+t.hoursToTarget!.toPrecision(2)));
  assertEquals(trendHours({ ...t, hoursToTarget: 2e6 }), "> 10,000");
  assertEquals(trendHours({ ...t, hoursToTarget: null }), "–");
  store.close();
});
