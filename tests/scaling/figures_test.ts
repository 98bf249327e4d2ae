import { assert, assertEquals } from "../assert.ts";
import { toSVG } from "../../lib/plot/mod.ts";
import { EPOCH_COEFFS, HOFFMANN_COEFFS } from "../../lib/scaling/laws.ts";
import { simulateFrontier } from "../../lib/scaling/frontier.ts";
import { lossComputeSlopes } from "../../lib/scaling/loss_compute.ts";
import {
  frontierExponentFigure,
  frontierLossFigure,
  localExponentFigure,
  lossComputeFigure,
  omegaFigure,
} from "../../lib/scaling/figures.ts";
import { fitOmega, loadChinchillaModelShapes } from "../../lib/scaling/omega_fit.ts";

Deno.test("figures: specs carry the computed data, log scales without zero, and render", async () => {
  const shapes = await loadChinchillaModelShapes();
  const om = omegaFigure(shapes, [fitOmega(shapes)]);
  assertEquals(om.layer[1].data.values.length, 50);
  const f = simulateFrontier(EPOCH_COEFFS, { counting: "nonEmbedding" });
  const fl = frontierLossFigure(f);
  assertEquals(fl.layer[1].data.values.length, 100);
  assertEquals(fl.layer[1].data.values[0].loss, f.points[0].loss);
  const fe = frontierExponentFigure([{ label: "Epoch, N_\\E", frontier: f }]);
  assert(fe.layer[0].data.values[0].series.includes(f.fit.exponent.toFixed(3)));
  const g = localExponentFigure([{ label: "Epoch", coeffs: EPOCH_COEFFS }, {
    label: "Chinchilla",
    coeffs: HOFFMANN_COEFFS,
  }], {
    omega: 47491,
  });
  assertEquals(g.layer.length, 2);
  const lc = lossComputeFigure(f, lossComputeSlopes(f));
  assertEquals(lc.data.values.length, 200);
  const logZero = (node: unknown): boolean =>
    Array.isArray(node) ? node.some(logZero) : node !== null && typeof node === "object" &&
      (((node as { type?: string; zero?: unknown }).type === "log" && "zero" in node) ||
        Object.values(node).some(logZero));
  for (const spec of [om, fl, fe, g, lc]) assert(!logZero(spec), "no zero on log scales");
  assert(logZero({ a: { type: "log", zero: false } }), "the check itself detects it");
  const svg = await toSVG(g);
  assert(svg.startsWith("<svg") && svg.includes("asymptotes"), "rendered with the legend");
});
