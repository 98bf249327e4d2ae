import { bootstrapInterval95, median, pearson } from "../../lib/numeric/stats.ts";
import { assert, assertAlmostEquals, assertEquals } from "../assert.ts";

Deno.test("median: middle value, or the mean of the two middle values; input left unsorted", () => {
  const xs = [3, 1, 2];
  assertEquals(median(xs), 2);
  assertEquals(xs, [3, 1, 2]);
  assertEquals(median([4, 1, 3, 2]), 2.5);
  assertEquals(median([7]), 7);
});

Deno.test("bootstrapInterval95: seeded, brackets the estimate, rejects draws it must", () => {
  const data = [1.9, 2.1, 2.0, 2.4, 1.8, 2.2, 2.0, 1.7];
  const meanOf = (s: number[]) => s.reduce((a, v) => a + v, 0) / s.length;
  const a = bootstrapInterval95(data, meanOf, { seed: 3 });
  assertEquals(a, bootstrapInterval95(data, meanOf, { seed: 3 }));
  assertAlmostEquals(a.estimate, 2.0125, 1e-12);
  assert(a.ci[0] < 2.0125 && 2.0125 < a.ci[1], String(a.ci));
  // The mean's standard error is 0.077 here: a 95% interval is about ±0.15, not ±0.5 or ±0.01.
  assert(a.ci[1] - a.ci[0] > 0.2 && a.ci[1] - a.ci[0] < 0.4, String(a.ci));
  assertEquals(a.draws, 2000);
  const none = bootstrapInterval95([1, 2], meanOf, { accept: () => false, resamples: 10 });
  assertEquals([none.draws, Number.isNaN(none.ci[0])], [0, true]);
});

Deno.test("pearson: ±1 for linear relations, 0 for a constant", () => {
  assertAlmostEquals(pearson([1, 2, 3], [-2, -4, -6]), -1, 1e-15);
  assertEquals(pearson([1, 1, 1], [1, 2, 3]), 0);
});
