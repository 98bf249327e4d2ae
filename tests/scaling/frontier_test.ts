import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../assert.ts";
import { ConfigError } from "../../lib/util/validate.ts";
import { EPOCH_COEFFS, HOFFMANN_COEFFS } from "../../lib/scaling/laws.ts";
import { frontierLogspace, simulateFrontier } from "../../lib/scaling/frontier.ts";

Deno.test("simulateFrontier: the paper's exponents for both coefficient sets and countings", () => {
  // Paper: ≈0.78 (Epoch) and ≈0.74 (Chinchilla) for N*_\E vs C_\E; ≈0.51 for N*_T vs C_T.
  // Chinchilla coefficients, total counting: close to the closed form β/(α+β) = 0.456.
  const cases = [
    [EPOCH_COEFFS, "nonEmbedding", 0.78],
    [HOFFMANN_COEFFS, "nonEmbedding", 0.74],
    [EPOCH_COEFFS, "total", 0.51],
    [HOFFMANN_COEFFS, "total", 0.456],
  ] as const;
  for (const [coeffs, counting, paper] of cases) {
    assertAlmostEquals(
      simulateFrontier(coeffs, { counting }).fit.exponent,
      paper,
      0.01,
      `${counting} ${paper}`,
    );
  }
});

Deno.test("simulateFrontier: grid sizes, budget range, winners are lowest-loss and nearest-compute", () => {
  const f = simulateFrontier(EPOCH_COEFFS, { counting: "total" });
  assertEquals(f.models.length, 20);
  assertEquals(f.tokens.length, 1000);
  assertEquals(f.points.length, 100);
  assertAlmostEquals(Math.log10(f.points[0].compute), 14, 1e-9);
  assertAlmostEquals(Math.log10(f.points[99].compute), 20.7, 1e-9);
  assertAlmostEquals(Math.log10(f.models[0].nNonEmbedding), 2.9, 1e-9);
  for (const p of f.points) {
    // Nearest-compute D: within one token-grid step (19/999 decades) of the budget.
    assert(Math.abs(Math.log10(6 * p.nTotal * p.tokens / p.compute)) <= 19 / 999, "nearest D");
  }
  // N* grows with compute, up to one-model steps back where the D grid's rounding of the
  // budget favours the smaller neighbour.
  for (let i = 1; i < f.points.length; i++) assert(f.points[i].model >= f.points[i - 1].model - 1);
  assert(f.points[99].model - f.points[0].model >= 10);
  const nE = simulateFrontier(EPOCH_COEFFS, { counting: "nonEmbedding", matching: "log" });
  assertAlmostEquals(nE.fit.exponent, 0.78, 0.015);
});

Deno.test("simulateFrontier: bad configs fail naming the field", () => {
  assertThrows(
    () => simulateFrontier(EPOCH_COEFFS, { counting: "kaplan" as never }),
    ConfigError,
    "counting",
  );
  assertThrows(() => simulateFrontier(EPOCH_COEFFS, { nModels: 1 }), ConfigError, "nModels");
  assertThrows(() => simulateFrontier(EPOCH_COEFFS, { log10NMax: 1 }), ConfigError, "log10NMax");
  assertThrows(
    () => simulateFrontier(EPOCH_COEFFS, { nBudget: 5 } as never),
    ConfigError,
    "frontier.nBudget",
  );
  assertEquals([...frontierLogspace(0, 2, 3)], [1, 10, 100]);
});
