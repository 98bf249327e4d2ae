import { initBackend } from "../../lib/backend/backend.ts";
import { LanguageModel } from "../../lib/model/language_model.ts";
import { countParams } from "../../lib/model/params.ts";
import { train } from "../../lib/train/trainer.ts";
import { assert, assertAlmostEquals, assertEquals } from "../assert.ts";

await initBackend({ backend: "wasm", quiet: true });
const CFG = { vocabSize: 12, maxLen: 8, nLayers: 1, dModel: 16, nHeads: 2 };

Deno.test("an untrained LM's loss is ≈ log(vocab); counts separate embeddings", () => {
  const lm = new LanguageModel(CFG, { seed: 0 });
  const w = Int32Array.from({ length: 4 * 9 }, (_, i) => (i * 7) % 12);
  assertAlmostEquals(lm.loss(w, 4).dataSync()[0], Math.log(12), 0.1);
  const c = countParams(lm.params);
  assertEquals(c.embedding, 12 * 16 + 8 * 16);
  assertEquals(c.total - c.embedding, c.nonEmbedding);
  lm.dispose();
});

Deno.test("an LM learns a cyclic sequence and greedy decoding continues it", async () => {
  const lm = new LanguageModel(CFG, { seed: 1 });
  const seq = (start: number) => Int32Array.from({ length: 9 }, (_, i) => (start + i) % 10);
  const batch = (s: number) => {
    const w = new Int32Array(8 * 9);
    for (let b = 0; b < 8; b++) w.set(seq((s * 8 + b) % 10), b * 9);
    return w;
  };
  const res = await train(lm, { steps: 150, lr: 1e-2, logEvery: 50 }, {
    batch,
    loss: (w) => lm.loss(w, 8),
    progress: false,
  });
  assert(res.finalLoss < 0.2, `final loss ${res.finalLoss}`);
  const [out] = await lm.greedy([[3, 4, 5]], { maxNew: 4 });
  assertEquals(out, [6, 7, 8, 9]);
  lm.dispose();
});

Deno.test("a loss mask restricts the loss to the masked targets", () => {
  const lm = new LanguageModel(CFG, { seed: 2 });
  const w = Int32Array.from({ length: 2 * 9 }, (_, i) => i % 12);
  const mask = new Float32Array(16);
  mask[3] = 1;
  const masked = lm.loss(w, 2, { mask }).dataSync()[0];
  const full = lm.loss(w, 2).dataSync()[0];
  assert(Math.abs(masked - full) > 1e-6);
  lm.dispose();
});
