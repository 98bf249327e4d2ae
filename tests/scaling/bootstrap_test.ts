import { assert, assertEquals, assertThrows } from "../assert.ts";
import { ConfigError } from "../../lib/util/validate.ts";
import { bootstrapChinchillaApproach3 } from "../../lib/scaling/bootstrap.ts";
import { COARSE_APPROACH3_GRID, fitChinchillaApproach3 } from "../../lib/scaling/fit.ts";
import { HOFFMANN_COEFFS } from "../../lib/scaling/laws.ts";
import { syntheticRuns } from "./synthetic.ts";

Deno.test("bootstrapChinchillaApproach3: intervals cover the truth, shrink with less noise, repeat with a seed", () => {
  const pts = syntheticRuns(HOFFMANN_COEFFS, 0.02, 7);
  const full = fitChinchillaApproach3(pts, { grid: COARSE_APPROACH3_GRID });
  const bs = bootstrapChinchillaApproach3(pts, full, { samples: 30, seed: 3 });
  assertEquals(bs.draws.alpha.length, 30);
  for (const q of ["alpha", "beta", "E"] as const) {
    const [lo, hi] = bs.ci[q];
    assert(lo < full[q] && full[q] < hi, `${q}: ${full[q]} outside [${lo}, ${hi}]`);
    // Covers the truth (wide margin: 30 resamples only).
    const pad = hi - lo;
    assert(HOFFMANN_COEFFS[q] > lo - pad && HOFFMANN_COEFFS[q] < hi + pad, `${q} truth outside`);
    assert(bs.se[q] > 0);
  }
  const again = bootstrapChinchillaApproach3(pts, full, { samples: 30, seed: 3 });
  assertEquals(again.ci, bs.ci);
  const quiet = syntheticRuns(HOFFMANN_COEFFS, 0.002, 7);
  const qbs = bootstrapChinchillaApproach3(
    quiet,
    fitChinchillaApproach3(quiet, { grid: COARSE_APPROACH3_GRID }),
    {
      samples: 30,
      seed: 3,
    },
  );
  assert(qbs.se.alpha < bs.se.alpha / 3, `se ${qbs.se.alpha} vs ${bs.se.alpha}`);
  assertThrows(
    () => bootstrapChinchillaApproach3(pts, full, { samples: 1 }),
    ConfigError,
    "samples",
  );
  assertThrows(
    () => bootstrapChinchillaApproach3(pts, full, { starts: "all" as never }),
    ConfigError,
    "starts",
  );
});
