import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../assert.ts";
import { ConfigError } from "../../lib/util/validate.ts";
import {
  aspectFromOmega,
  countTransformerParams,
  dModelFromNonEmbedding,
  kaplanFlopsPerToken,
  omegaFromAspect,
  totalFromNonEmbedding,
} from "../../lib/scaling/counting.ts";
import { loadChinchillaModelShapes } from "../../lib/scaling/omega_fit.ts";

Deno.test("countTransformerParams: 12 layers, d 768, vocab 32k", () => {
  const c = countTransformerParams({ layers: 12, dModel: 768 });
  assertEquals(c.perLayer, 12 * 768 * 768);
  assertEquals(c.nonEmbedding, 84_934_656);
  assertEquals(c.embedding, 24_576_000);
  assertEquals(c.total, 84_934_656 + 24_576_000);
  // GPT-2 small style: learned positions (1024), untied head, biases and norms.
  const g = countTransformerParams({
    layers: 12,
    dModel: 768,
    vocab: 50257,
    context: 1024,
    positional: "learned",
    untiedOutput: true,
    includeBiasesAndNorms: true,
  });
  assertEquals(g.embedding, 2 * 50257 * 768 + 1024 * 768);
  // GPT-2 small has 85,056,000 non-embedding parameters (weights, biases, norms).
  assertEquals(g.nonEmbedding, 85_056_000);
  assertThrows(() => countTransformerParams({ layers: 0 }), ConfigError, "layers");
  assertThrows(
    () => countTransformerParams({ positional: "rope" as never }),
    ConfigError,
    "positional",
  );
});

Deno.test("counting: the 4992/49 Chinchilla row supports 14,940M over 14,494M", async () => {
  const shapes = await loadChinchillaModelShapes();
  const row = shapes.find((s) => s.dModel === 4992)!;
  const counted = countTransformerParams({ layers: row.layers, dModel: row.dModel }).total;
  assert(Math.abs(counted - 14_940e6) < Math.abs(counted - 14_494e6), `counted ${counted}`);
  // Across all 50 shapes 12·L·d² + 32000·d is within 10% of the listed size.
  for (const s of shapes) {
    const t = countTransformerParams({ layers: s.layers, dModel: s.dModel }).total;
    assert(Math.abs(t / s.params - 1) < 0.1, `${s.params}: counted ${t}`);
  }
});

Deno.test("ω ⇔ aspect ratio, and N_T = N_\\E + ω·N_\\E^(1/3)", () => {
  assertAlmostEquals(aspectFromOmega(47491), 39.2, 0.05);
  assertAlmostEquals(omegaFromAspect(aspectFromOmega(52960)), 52960, 1e-6);
  const ne = 1e9, aspect = aspectFromOmega(47491);
  const d = dModelFromNonEmbedding(ne, aspect);
  assertAlmostEquals(12 * (d / aspect) * d * d, ne, 1e-3);
  assertAlmostEquals(totalFromNonEmbedding(ne), ne + 32000 * d, 1e-3);
  assertAlmostEquals(totalFromNonEmbedding(1e6), 1e6 + 47491 * 100, 1e-6);
  assertEquals(
    kaplanFlopsPerToken({ layers: 2, dModel: 64, context: 16 }),
    6 * 12 * 2 * 64 * 64 + 6 * 2 * 16 * 64,
  );
});
