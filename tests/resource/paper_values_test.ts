import { assert, assertEquals } from "../assert.ts";
import { paperValues } from "../../lib/resource/mod.ts";

Deno.test("the paper's digitised values load with their source and consistent lengths", async () => {
  const p = await paperValues();
  assert(p.source.includes("2402.05164"));
  assertEquals(p.single.alphas.length, 10);
  assertEquals(p.single.neurons.length, 10);
  assertEquals(p.single.mse.length, 10);
  assertEquals(p.parallel.neuron_ratio.length, p.parallel.betas.length);
  assertEquals(p.functions.targets.length, 10);
  assertEquals(p.chinchilla.width_slope, 0.394);
});
