import { assert, assertEquals } from "../assert.ts";
import {
  chinchillaLink,
  paperComparisons,
  paperValues,
  silentChoices,
} from "../../lib/resource/mod.ts";

Deno.test("Chinchilla rows: slopes match; implied width exponent is compared with 0.34", async () => {
  const rows = paperComparisons(
    { chinchilla: await chinchillaLink() },
    await paperValues(),
  );
  assertEquals(rows.length, 4);
  assertEquals(rows.slice(0, 2).map((r) => r.verdict), ["match", "match"]);
  // 0.394 vs 0.34 is 16% off: "differs" at 5% (it is not within 15%).
  assertEquals(rows[2].verdict, "differs");
  assertEquals(rows[3].verdict, "differs");
});

Deno.test("the choices table names every open decision", () => {
  const c = silentChoices().map((r) => r.choice);
  for (const k of ["activation", "width", "optimiser", "penalty", "allocation rule", "slope CI"]) {
    assert(c.includes(k), k);
  }
});

Deno.test("MSE rows compare on a ratio scale: a 10× miss differs, ×1.2 matches", async () => {
  const paper = await paperValues();
  const rows = paperComparisons({
    single: {
      experiment: "single",
      outcomes: [],
      rows: [],
      ratios: [],
      drift: [],
      json: {},
      slope: -1,
      slopeCi: [-1.2, -0.8],
      series: [{
        label: "x^2",
        x: [1, 512],
        neurons: [2, 56],
        mse: [1.35e-4 * 1.2, 2.5e-7],
        slope: { slope: -1, ci: [-1.2, -0.8], method: "bootstrap", points: 2, seeds: 1 },
      }],
    },
  }, paper);
  const mse = rows.filter((r) => r.quantity.startsWith("single: MSE"));
  assertEquals(mse.map((r) => r.verdict), ["match", "differs"]);
  assert(String(mse[1].note).startsWith("×10.00 lower"), String(mse[1].note));
});
