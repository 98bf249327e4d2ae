import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../assert.ts";
import { Rng } from "../../lib/util/rng.ts";
import { ConfigError } from "../../lib/util/validate.ts";
import { fitLogLog, tInterval95 } from "../../lib/numeric/mod.ts";
import { slopeWithCi } from "../../lib/resource/mod.ts";

const synthetic = (seed: number, exponent: number, noise: number) => {
  const rng = new Rng(seed);
  return [2, 4, 6, 8, 12, 20, 34, 56].map((n) => ({
    seed,
    neurons: n,
    loss: 3e-4 * n ** exponent * Math.exp(noise * rng.normal()),
  }));
};

Deno.test("log-log fit recovers an exact power law", () => {
  const f = fitLogLog([1, 2, 4, 8], [5, 5 / 2 ** 1.3, 5 / 4 ** 1.3, 5 / 8 ** 1.3]);
  assertAlmostEquals(f.slope, -1.3, 1e-12);
  assertAlmostEquals(Math.exp(f.intercept), 5, 1e-12);
  assertAlmostEquals(f.r2, 1, 1e-12);
  assertThrows(() => fitLogLog([1, 0], [1, 1]), ConfigError);
});

Deno.test("several seeds: t-interval over per-seed slopes contains the true exponent", () => {
  const data = [0, 1, 2, 3, 4].flatMap((s) => synthetic(s, -1, 0.1));
  const e = slopeWithCi(data);
  assertEquals(e.method, "seeds");
  assertEquals(e.seeds, 5);
  assert(e.ci[0] < -1 && -1 < e.ci[1], `CI ${e.ci}`);
  assertAlmostEquals(e.slope, -1, 0.1);
  assert(e.ci[1] - e.ci[0] < 0.3, `CI too wide: ${e.ci}`);
});

Deno.test("one seed: bootstrap interval contains the true exponent and excludes a wrong one", () => {
  const e = slopeWithCi(synthetic(7, -1, 0.1), { bootstrap: 1000 });
  assertEquals(e.method, "bootstrap");
  assert(e.ci[0] < -1 && -1 < e.ci[1], `CI ${e.ci}`);
  assert(e.ci[1] < -0.5 && e.ci[0] > -1.5, `CI ${e.ci}`);
  assertAlmostEquals(e.slope, -1, 0.1);
});

Deno.test("minNeurons drops small-N points; one distinct N gives NaN", () => {
  const e = slopeWithCi(synthetic(1, -1, 0), { minNeurons: 25 });
  assertEquals(e.points, 2);
  assertAlmostEquals(e.slope, -1, 1e-9);
  assert(
    Number.isNaN(
      slopeWithCi([{ seed: 0, neurons: 2, loss: 1 }, { seed: 0, neurons: 2, loss: 2 }]).slope,
    ),
  );
});

Deno.test("t-interval of three values", () => {
  const t = tInterval95([-1.1, -0.9, -1.0]);
  assertAlmostEquals(t.mean, -1, 1e-12);
  assertAlmostEquals(t.ci[1] - t.mean, 4.303 * 0.1 / Math.sqrt(3), 1e-9);
});
