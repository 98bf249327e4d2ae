import { assert, assertEquals } from "../assert.ts";
import { toSVG } from "../../lib/plot/render.ts";
import { resourceChinchillaLink } from "../../lib/resource/chinchilla_link.ts";
import { runResourceExperiment } from "../../lib/resource/experiment.ts";
import {
  resourceChinchillaFigure,
  resourceParallelFigure,
  resourceSingleFigure,
} from "../../lib/resource/figures.ts";
import { resourcePaperValues } from "../../lib/resource/paper_values.ts";

Deno.test("figures carry our rows and the paper's, labelled, and render to SVG", async () => {
  const paper = await resourcePaperValues();
  const single = await runResourceExperiment("single", { preset: "smoke", progress: false });
  const spec = resourceSingleFigure(single, paper);
  const json = JSON.stringify(spec);
  assert(json.includes("paper (digitised)") && json.includes('"ours"'));
  assertEquals(spec.hconcat.length, 3);
  const parallel = await runResourceExperiment("parallel", { preset: "smoke", progress: false });
  const ratios = resourceParallelFigure(parallel, paper).hconcat[0].layer[1].data.values;
  assertEquals(ratios.filter((r: { beta: string }) => r.beta === "β=0.95")[0].neuron_ratio, 8);
  assertEquals(ratios[0].source, "paper (digitised)");
  const svg = await toSVG(resourceChinchillaFigure(await resourceChinchillaLink()));
  assert(
    svg.startsWith("<svg") && svg.includes("slope 0.394"),
    "Chinchilla figure renders with its slope",
  );
});
