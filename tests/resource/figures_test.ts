import { assert, assertEquals } from "../assert.ts";
import { toSVG } from "../../lib/plot/render.ts";
import {
  chinchillaFigure,
  chinchillaLink,
  paperValues,
  parallelFigure,
  runExperiment,
  singleFigure,
} from "../../lib/resource/mod.ts";

Deno.test("figures carry our rows and the paper's, labelled, and render to SVG", async () => {
  const paper = await paperValues();
  const single = await runExperiment("single", { preset: "smoke", progress: false });
  const spec = singleFigure(single, paper);
  const json = JSON.stringify(spec);
  assert(json.includes("paper (digitised)") && json.includes('"ours"'));
  assertEquals(spec.hconcat.length, 3);
  const parallel = await runExperiment("parallel", { preset: "smoke", progress: false });
  const ratios = parallelFigure(parallel, paper).hconcat[0].layer[1].data.values;
  assertEquals(ratios.filter((r: { beta: string }) => r.beta === "β=0.95")[0].neuron_ratio, 8);
  assertEquals(ratios[0].source, "paper (digitised)");
  const svg = await toSVG(chinchillaFigure(await chinchillaLink()));
  assert(
    svg.startsWith("<svg") && svg.includes("slope 0.394"),
    "Chinchilla figure renders with its slope",
  );
});
