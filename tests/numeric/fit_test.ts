import { fitLine, fitLogLog, hasTwoDistinct } from "../../lib/numeric/fit.ts";
import { fitScalingPowerLaw } from "../../lib/scaling/power_law.ts";
import { ConfigError } from "../../lib/util/validate.ts";
import { assertAlmostEquals, assertEquals, assertThrows } from "../assert.ts";

Deno.test("fitLine: exact line, R², and the least-squares slope of noisy points", () => {
  const f = fitLine([0, 1, 2, 3], [1, 3, 5, 7]);
  assertAlmostEquals(f.slope, 2, 1e-12);
  assertAlmostEquals(f.intercept, 1, 1e-12);
  assertAlmostEquals(f.r2, 1, 1e-12);
  assertEquals(f.n, 4);
  const noisy = fitLine([1, 2, 3, 4], [1, 3, 2, 4]);
  assertAlmostEquals(noisy.slope, 0.8, 1e-12);
  assertAlmostEquals(noisy.r2, 0.64, 1e-12);
});

Deno.test("fitLogLog recovers a power law; R² is NaN when y does not vary", () => {
  const f = fitLogLog([1, 2, 4, 8], [5, 5 / 2 ** 1.3, 5 / 4 ** 1.3, 5 / 8 ** 1.3]);
  assertAlmostEquals(f.slope, -1.3, 1e-12);
  assertAlmostEquals(Math.exp(f.intercept), 5, 1e-12);
  const flat = fitLogLog([1, 2, 4], [3, 3, 3]);
  assertEquals(flat.slope, 0);
  assertEquals(flat.r2, NaN);
});

Deno.test("one behaviour on bad input: ConfigError naming the field, from every public fit", () => {
  const fits = [fitLogLog, fitScalingPowerLaw];
  for (const fit of fits) {
    assertThrows(() => fit([1, 2], [1]), ConfigError, "y");
    assertThrows(() => fit([1, -2], [1, 2]), ConfigError, "x[1]");
    assertThrows(() => fit([1, 2], [1, 0]), ConfigError, "y[1]");
    assertThrows(() => fit([3, 3], [1, 2]), ConfigError, "distinct");
    assertThrows(() => fit([3], [1]), ConfigError, "distinct");
    assertThrows(() => fit([], []), ConfigError, "distinct");
  }
  for (const fit of [fitLine]) {
    assertThrows(() => fit([1, 2], [1]), ConfigError, "y");
    assertThrows(() => fit([3, 3], [1, 2]), ConfigError, "distinct");
  }
});

Deno.test("the power-law name gives the same numbers as the one fit", () => {
  const x = [1e18, 3e18, 1e19, 3e19], y = [1.1e8, 1.9e8, 3.3e8, 6.1e8];
  const f = fitLogLog(x, y), s = fitScalingPowerLaw(x, y);
  assertEquals([s.exponent, s.intercept, s.r2, s.n], [f.slope, f.intercept, f.r2, f.n]);
  assertEquals(s.coefficient, Math.exp(f.intercept));
});

Deno.test("hasTwoDistinct", () => {
  assertEquals(hasTwoDistinct([]), false);
  assertEquals(hasTwoDistinct([2, 2]), false);
  assertEquals(hasTwoDistinct([2, 2, 3]), true);
});
