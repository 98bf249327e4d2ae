import { initBackend } from "../../lib/backend/backend.ts";
import { tf } from "../../lib/deps.ts";
import type { EncodedPrompt } from "../../lib/icl_lm/data.ts";
import { runPrompts } from "../../lib/icl_lm/evaluate.ts";
import { lastTokenPatch } from "../../lib/icl_lm/intervention.ts";
import { summarizeMeasurement } from "../../lib/icl_lm/measure.ts";
import {
  bestTdLayer,
  taskDecodabilityByShots,
  tdAccuracyFit,
} from "../../lib/icl_lm/task_decodability.ts";
import { LanguageModel } from "../../lib/model/language_model.ts";
import { Rng } from "../../lib/util/rng.ts";
import { assert, assertAllClose, assertAlmostEquals, assertEquals } from "../assert.ts";

await initBackend({ backend: "wasm", quiet: true });

Deno.test("R² of the TD-vs-accuracy line on known data", () => {
  const exact = tdAccuracyFit([0.1, 0.4, 0.7, 0.9].map((td) => ({ td, accuracy: 0.2 + 0.5 * td })));
  assertAlmostEquals(exact.r2, 1, 1e-12);
  assertAlmostEquals(exact.slope, 0.5, 1e-12);
  assertAlmostEquals(exact.intercept, 0.2, 1e-12);
  // x = 1, 2, 3, 4; y = 1, 3, 2, 4: r = 0.8, R² = 0.64 (hand computed)
  const noisy = tdAccuracyFit([1, 2, 3, 4].map((td, i) => ({ td, accuracy: [1, 3, 2, 4][i] })));
  assertAlmostEquals(noisy.r2, 0.64, 1e-12);
  assertAlmostEquals(noisy.slope, 0.8, 1e-12);
  // NaN points (a concept with no prompts) are left out
  assertEquals(
    tdAccuracyFit([{ td: NaN, accuracy: 1 }, { td: 0, accuracy: 0 }, { td: 1, accuracy: 1 }]).n,
    2,
  );
});

/** Prompts of 3 concepts × 2 shot counts × 12, with synthetic states: concepts separate only at layer 2. */
function synthetic() {
  const rng = new Rng("td");
  const prompts: EncodedPrompt[] = [];
  for (let c = 0; c < 3; c++) {
    for (const shots of [1, 4]) {
      for (let i = 0; i < 12; i++) {
        prompts.push({
          task: "pos",
          concept: ["Noun", "Verb", "Null"][c],
          conceptIndex: c,
          shots,
          promptIds: [],
          targetIds: [],
          answer: "",
        });
      }
    }
  }
  const d = 4, n = prompts.length;
  const states = [0, 1, 2].map((layer) => {
    const s = rng.normalArray(n * d, 1);
    if (layer === 2) prompts.forEach((p, i) => (s[i * d + p.conceptIndex] += 20));
    return s;
  });
  return { prompts, states, d };
}

Deno.test("TD per shot count and layer: separable concepts decode perfectly, the best layer is found", () => {
  const { prompts, states, d } = synthetic();
  const td = taskDecodabilityByShots(states, prompts, {
    dim: d,
    concepts: ["Noun", "Verb", "Null"],
    k: 5,
  });
  assertEquals(td.map((t) => t.shots), [1, 4]);
  for (const t of td) {
    assertEquals(t.byLayer.map((r) => r.layer), [0, 1, 2]);
    assertEquals(t.byLayer[2].accuracy, 1);
    assert(t.byLayer[0].accuracy < 0.8, "random states do not decode");
  }
  assertEquals(bestTdLayer(td).layer, 2);
  const noNull = taskDecodabilityByShots(states, prompts, {
    dim: d,
    concepts: ["Noun", "Verb", "Null"],
    k: 5,
    includeNull: false,
  });
  assert(Number.isNaN(noNull[0].byLayer[2].perConcept[2]), "Null left out of the k-NN");
  // accuracy: Noun always right, Verb right at 4 shots only
  const correct = prompts.map((
    p,
  ) => (p.concept === "Noun" || (p.concept === "Verb" && p.shots === 4) ? 1 : 0));
  const m = summarizeMeasurement({ task: "pos", concepts: ["Noun", "Verb", "Null"], prompts }, {
    correct,
    td,
  });
  assertEquals(m.tdLayer, 2);
  assertEquals(m.accuracyPerConcept, { Noun: 1, Verb: 0.5, Null: 0 });
  assertAlmostEquals(m.accuracyMean, 0.75, 1e-12);
  assertEquals(m.points.length, 4, "(Noun, Verb) × (1, 4 shots): Null excluded");
});

Deno.test("the last-token patch replaces exactly that state and nothing before it", async () => {
  const lm = new LanguageModel({ vocabSize: 16, maxLen: 12, nLayers: 3, dModel: 8, nHeads: 2 }, {
    seed: 4,
  });
  const prompts: EncodedPrompt[] = [[1, 2, 3, 4, 5], [6, 7, 8]].map((ids) => ({
    task: "bitwise",
    concept: "AND",
    conceptIndex: 0,
    shots: 1,
    promptIds: ids,
    targetIds: [9, 10],
    answer: "",
  }));
  const v = [
    Float32Array.from({ length: 8 }, (_, i) => i - 3),
    Float32Array.from({ length: 8 }, (_, i) => 0.5 * i),
  ];
  const base = await runPrompts(lm, prompts, { capture: true });
  const patched = await runPrompts(lm, prompts, {
    capture: true,
    patch: (rows, last) => [lastTokenPatch(2, rows.map((r) => v[r]), last)],
  });
  for (const b of [0, 1]) {
    assertAllClose(
      patched.states[2].subarray(b * 8, b * 8 + 8),
      v[b],
      0,
      "state after layer 2 = the vector",
    );
    assertAllClose(
      patched.states[1].subarray(b * 8, b * 8 + 8),
      base.states[1].subarray(b * 8, b * 8 + 8),
      0,
      "earlier layer untouched",
    );
    assert(
      patched.states[3].some((x, i) => Math.abs(x - base.states[3][i]) > 1e-4),
      "later layers change",
    );
  }
  // other positions: full capture at layer 2 with and without the hook
  const ids = tf.tensor2d([[1, 2, 3, 4, 5]], [1, 5], "int32");
  const hook = lastTokenPatch(2, [v[0]], [4]);
  const a = lm.forward(ids, { hooks: { capture: { layers: [2] }, patch: [hook] } });
  const b = lm.forward(ids, { hooks: { capture: { layers: [2] } } });
  const sa = a.results.captured.get(2)!.dataSync(), sb = b.results.captured.get(2)!.dataSync();
  assertAllClose(sa.subarray(0, 32), sb.subarray(0, 32), 0, "positions 0 … 3 untouched");
  assertAllClose(sa.subarray(32), v[0], 0);
  tf.dispose([
    ids,
    hook.vector,
    a.logits,
    b.logits,
    ...a.results.captured.values(),
    ...b.results.captured.values(),
  ]);
  lm.dispose();
});
