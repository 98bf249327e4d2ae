import { assertAlmostEquals, assertEquals } from "../assert.ts";
import { chinchillaLink } from "../../lib/resource/mod.ts";

Deno.test("Chinchilla shapes: d_model slope ≈ 0.394, d_model·n_layers slope ≈ 0.664", async () => {
  const link = await chinchillaLink();
  assertEquals(link.models, 50);
  assertAlmostEquals(link.widthSlope, 0.394, 0.01);
  assertAlmostEquals(link.widthDepthSlope, 0.664, 0.01);
  assertEquals(link.chinchilla, 0.34);
});

Deno.test("Chinchilla link on a custom CSV: exact cube law gives 1/3", async () => {
  const csv = "params,d_model,n_layers\n" +
    [64, 128, 256].map((d) => `${d ** 3},${d},${d}`).join("\n");
  const link = await chinchillaLink({ csv });
  assertAlmostEquals(link.widthSlope, 1 / 3, 1e-12);
  assertAlmostEquals(link.widthDepthSlope, 2 / 3, 1e-12);
});
