import { assert, assertAlmostEquals, assertEquals, assertRejects } from "../assert.ts";
import { reconcileKaplanChinchilla } from "../../lib/scaling/reconcile.ts";
import { reconcileComparisons } from "../../lib/scaling/comparisons.ts";

Deno.test("reconcileKaplanChinchilla: ω, both sets × both countings, comparisons", async () => {
  const { summary, frontiers } = await reconcileKaplanChinchilla();
  assertAlmostEquals(summary.omega, 47491, 47491 * 0.001);
  assertEquals(summary.omegaFit.row14b, "table");
  assertEquals(summary.omegaFit.alternative.row14b, "authors");
  assertAlmostEquals(summary.omegaFit.alternative.free.omega, 47491, 5);
  assertAlmostEquals(summary.epoch.nonEmbedding.exponent, 0.78, 0.01);
  assertAlmostEquals(summary.chinchilla.nonEmbedding.exponent, 0.74, 0.01);
  assertAlmostEquals(summary.epoch.total.exponent, 0.51, 0.01);
  assertEquals(frontiers.chinchilla.total.config.counting, "total");
  const rows = reconcileComparisons(summary);
  const bad = rows.filter((r) => r.verdict === "differs");
  assertEquals(bad, [], "no comparison should differ");
  assert(rows.some((r) => r.quantity.includes("loss–C")), "loss–compute rows present");
  const paper = await reconcileKaplanChinchilla({ omega: "paper", row14b: "authors" });
  assertEquals(paper.summary.omega, 47491);
  await assertRejects(() => reconcileKaplanChinchilla({ omega: -1 }), "omega");
});
