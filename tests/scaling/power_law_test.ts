import { assertAlmostEquals, assertThrows } from "../assert.ts";
import { ConfigError } from "../../lib/util/validate.ts";
import { evalScalingPowerLaw, fitScalingPowerLaw } from "../../lib/scaling/power_law.ts";

Deno.test("fitScalingPowerLaw: exact recovery and R²", () => {
  const x = [1e10, 1e12, 1e14, 1e16, 1e18];
  const f = fitScalingPowerLaw(x, x.map((c) => 0.3 * c ** 0.73));
  assertAlmostEquals(f.exponent, 0.73, 1e-12);
  assertAlmostEquals(f.coefficient, 0.3, 1e-9);
  assertAlmostEquals(f.r2, 1, 1e-12);
  assertAlmostEquals(evalScalingPowerLaw(f, 1e20) / (0.3 * 1e20 ** 0.73), 1, 1e-9);
  const noisy = fitScalingPowerLaw([1, 2, 4, 8], [1, 2.2, 3.9, 8.3]);
  assertAlmostEquals(noisy.exponent, 1, 0.05);
  if (!(noisy.r2 < 1 && noisy.r2 > 0.99)) throw new Error(`r2 ${noisy.r2}`);
});

Deno.test("fitScalingPowerLaw: bad input names the value", () => {
  assertThrows(() => fitScalingPowerLaw([1, 2], [1]), ConfigError, "y");
  assertThrows(() => fitScalingPowerLaw([1, -2], [1, 2]), ConfigError, "x[1]");
  assertThrows(() => fitScalingPowerLaw([1, 2], [1, 0]), ConfigError, "y[1]");
  assertThrows(() => fitScalingPowerLaw([3, 3], [1, 2]), ConfigError, "distinct");
});
