import { assertAlmostEquals, assertEquals, assertThrows } from "../assert.ts";
import { ConfigError } from "../../lib/util/validate.ts";
import { dropHighestLoss, readScalingCsv } from "../../lib/scaling/data.ts";
import { loadChinchillaFig4Points } from "../../lib/scaling/fit_dataset.ts";

Deno.test("readScalingCsv: Epoch's columns, D = FLOP/(6N); configurable columns", async () => {
  const p = readScalingCsv("Model Size,Training FLOP,loss\n1e8,6e18,3.1\n2e8,1.2e19,2.9\n");
  assertEquals(p.n, [1e8, 2e8]);
  assertAlmostEquals(p.d[0], 1e10, 1);
  assertEquals(p.loss, [3.1, 2.9]);
  const q = readScalingCsv("params,tokens,L\n10,20,3\n", { n: "params", d: "tokens", loss: "L" });
  assertEquals(q, { n: [10], d: [20], loss: [3] });
  const fig4 = await loadChinchillaFig4Points();
  assertEquals(fig4.loss.length, 245);
});

Deno.test("readScalingCsv: bad CSV errors name the row and the column", () => {
  const head = "Model Size,Training FLOP,loss\n";
  let e = assertThrows(() => readScalingCsv(head + "1e8,6e18,3.1\n1e8,6e18,abc\n"), ConfigError);
  assertEquals((e as ConfigError).field, 'row 3, column "loss"');
  e = assertThrows(() => readScalingCsv(head + "1e8,6e18,3.1\n-5,6e18,3\n"), ConfigError);
  assertEquals((e as ConfigError).field, 'row 3, column "Model Size"');
  e = assertThrows(() => readScalingCsv(head + "1e8,,3.1\n"), ConfigError);
  assertEquals((e as ConfigError).field, 'row 2, column "Training FLOP"');
  assertThrows(() => readScalingCsv("N,loss\n1,2\n"), ConfigError, '"Model Size"');
  assertThrows(() => readScalingCsv(head), ConfigError, "no rows");
});

Deno.test("dropHighestLoss: drops exactly the k largest losses", () => {
  const p = { n: [1, 2, 3, 4], d: [5, 6, 7, 8], loss: [3, 9, 1, 7] };
  assertEquals(dropHighestLoss(p, 2), { n: [1, 3], d: [5, 7], loss: [3, 1] });
  assertThrows(() => dropHighestLoss(p, 4), ConfigError, "dropHighestLoss");
});
