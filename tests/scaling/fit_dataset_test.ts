import { assert, assertAlmostEquals, assertEquals } from "../assert.ts";
import { COARSE_APPROACH3_GRID } from "../../lib/scaling/fit.ts";
import { fitScalingDataset, loadChinchillaFig4Points } from "../../lib/scaling/fit_dataset.ts";
import { dataFitComparisons } from "../../lib/scaling/comparisons.ts";

Deno.test("fitScalingDataset: Chinchilla's points end to end (small bootstrap)", async () => {
  const pts = await loadChinchillaFig4Points();
  const { summary, bootstrap } = fitScalingDataset(pts, {
    dropHighestLoss: 5,
    fit: { grid: COARSE_APPROACH3_GRID },
    bootstrap: { samples: 20, seed: 1 },
  });
  assertEquals(summary.points, 240);
  assertEquals(summary.dropped, 5);
  assertEquals(bootstrap.draws.A.length, 20);
  for (const k of ["A", "B", "E", "alpha", "beta", "a"] as const) {
    assert(
      summary.ci[k][0] <= summary[k] && summary[k] <= summary.ci[k][1],
      `${k} inside its interval`,
    );
  }
  assertAlmostEquals(summary.a, summary.beta / (summary.alpha + summary.beta), 1e-12);
  assertAlmostEquals(summary.a, 0.5126, 0.01);
  // Envelope exponent: a crude check, near Chinchilla's 0.5 and far from Kaplan's 0.73.
  assert(
    summary.envelope.exponent > 0.4 && summary.envelope.exponent < 0.62,
    `${summary.envelope.exponent}`,
  );
  const rows = dataFitComparisons(summary);
  assertEquals(rows.filter((r) => r.verdict === "differs"), []);
  JSON.parse(JSON.stringify(summary));
});
