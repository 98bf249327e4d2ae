import { median } from "../../lib/numeric/stats.ts";
import { assertEquals } from "../assert.ts";

Deno.test("median: middle value, or the mean of the two middle values; input left unsorted", () => {
  const xs = [3, 1, 2];
  assertEquals(median(xs), 2);
  assertEquals(xs, [3, 1, 2]);
  assertEquals(median([4, 1, 3, 2]), 2.5);
  assertEquals(median([7]), 7);
});
