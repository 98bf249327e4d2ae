import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertRejects,
  assertThrows,
} from "../assert.ts";
import { ConfigError } from "../../lib/util/validate.ts";
import { fitOmega, loadChinchillaModelShapes } from "../../lib/scaling/omega_fit.ts";

Deno.test("fitOmega: Chinchilla's 50 shapes give the paper's ω", async () => {
  const table = await loadChinchillaModelShapes();
  assertEquals(table.length, 50);
  const authors = await loadChinchillaModelShapes({ row14b: "authors" });
  assertEquals(authors.filter((s, i) => s.params !== table[i].params).length, 1);
  // Exponent free: paper 47,491 and 0.339 (with the authors' 14,494M row).
  const fa = fitOmega(authors);
  assertAlmostEquals(fa.omega, 47491, 5);
  assertAlmostEquals(fa.exponent, 0.339, 0.0005);
  const ft = fitOmega(table);
  assertAlmostEquals(ft.omega, 47491, 47491 * 0.001);
  // Exponent fixed at 1/3: paper 52,960.
  assertAlmostEquals(fitOmega(table, { exponent: 1 / 3 }).omega, 52960, 5);
  assertAlmostEquals(fitOmega(authors, { exponent: 1 / 3 }).omega, 52960, 5);
  assert(ft.rmsLog < 0.01, `rms ${ft.rmsLog}`);
});

Deno.test("fitOmega: recovers ω and k from exact synthetic shapes; rejects bad input", async () => {
  const ne = [1e6, 1e7, 1e8, 1e9, 1e10];
  const shapes = ne.map((n) => ({ nonEmbedding: n, params: n + 40000 * n ** 0.35 }));
  const f = fitOmega(shapes);
  assertAlmostEquals(f.omega, 40000, 1);
  assertAlmostEquals(f.exponent, 0.35, 1e-6);
  assertThrows(() => fitOmega(shapes.slice(0, 1)), ConfigError, "shapes");
  assertThrows(
    () => fitOmega([{ nonEmbedding: 10, params: 5 }, ...shapes]),
    ConfigError,
    "shapes[0]",
  );
  await assertRejects(() => loadChinchillaModelShapes({ row14b: "paper" as never }), "row14b");
});
