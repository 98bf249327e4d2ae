import { initBackend } from "../../lib/backend/backend.ts";
import { tf } from "../../lib/deps.ts";
import {
  attachLora,
  disposeLora,
  loraLayerRange,
  loraTrainable,
  mergeLora,
} from "../../lib/interventions/lora.ts";
import { LanguageModel } from "../../lib/model/language_model.ts";
import { train } from "../../lib/train/trainer.ts";
import { Rng } from "../../lib/util/rng.ts";
import { ConfigError } from "../../lib/util/validate.ts";
import { assert, assertAllClose, assertEquals, assertThrows } from "../assert.ts";

await initBackend({ backend: "wasm", quiet: true });
const CFG = { vocabSize: 12, maxLen: 8, nLayers: 3, dModel: 16, nHeads: 2 };
const IDS = [[1, 5, 2, 7, 3, 3], [4, 0, 9, 11, 2, 6]];

function logits(
  lm: LanguageModel,
  adapters?: Map<string, never> | Map<string, unknown>,
): Float32Array {
  const t = tf.tidy(() =>
    lm.forward(tf.tensor2d(IDS, [2, 6], "int32"), { adapters: adapters as never }).logits
  );
  const out = t.dataSync() as Float32Array;
  t.dispose();
  return out;
}

Deno.test("LoRA attaches to the chosen blocks' attention and MLP matrices; zero B leaves outputs unchanged", () => {
  const lm = new LanguageModel(CFG, { seed: 0 });
  const lora = attachLora(lm.params, { layers: [1, 3] });
  assertEquals([...lora.adapters.keys()].sort(), [
    "h.0.attn.wo",
    "h.0.attn.wqkv",
    "h.0.mlp.w1",
    "h.0.mlp.w2",
    "h.2.attn.wo",
    "h.2.attn.wqkv",
    "h.2.mlp.w1",
    "h.2.mlp.w2",
  ]);
  const ad = lora.adapters.get("h.0.mlp.w1")!;
  assertEquals(ad.a.shape, [16, 16]);
  assertEquals(ad.b.shape, [16, 64]);
  assertEquals(ad.scale, 1); // alpha 16 / rank 16
  assertEquals(ad.dropout, 0.1);
  const bound = 1 / Math.sqrt(16);
  assert(Array.from(ad.a.dataSync()).every((v) => Math.abs(v) <= bound), "A within ±1/√in");
  assertAllClose(logits(lm, lora.adapters), logits(lm), 0, "B = 0: identical logits");
  const before = tf.memory().numTensors;
  logits(lm, lora.adapters);
  assertEquals(tf.memory().numTensors, before, "no tensor leak");
  disposeLora(lora);
  lm.dispose();
});

Deno.test("training through train()'s `trainable` changes only the adapters", async () => {
  const lm = new LanguageModel(CFG, { seed: 1 });
  const base = Object.fromEntries(
    Object.entries(lm.params).map(([n, v]) => [n, Float32Array.from(v.dataSync())]),
  );
  const lora = attachLora(lm.params, { layers: [2], rank: 4, alpha: 8 });
  const a0 = Float32Array.from(lora.adapters.get("h.1.attn.wqkv")!.a.dataSync());
  const { target, names } = loraTrainable(lm, lora);
  assertEquals(names.length, 8);
  const windows = Int32Array.from({ length: 4 * 7 }, (_, i) => (i * 5) % 12);
  const res = await train(target, { steps: 5, lr: 1e-2, logEvery: 5, checkpointEvery: 0 }, {
    trainable: names,
    batch: (s) => s,
    loss: (s) =>
      lm.loss(windows, 4, { adapters: lora.adapters, training: true, rng: new Rng(`t:${s}`) }),
    progress: false,
  });
  assertEquals(res.step, 5);
  for (const [n, v] of Object.entries(lm.params)) {
    assertAllClose(v.dataSync(), base[n], 0, `base weight ${n} changed`);
  }
  assert(
    Array.from(lora.adapters.get("h.1.mlp.w2")!.b.dataSync()).some((v) => v !== 0),
    "B trained",
  );
  assert(
    Array.from(lora.adapters.get("h.1.attn.wqkv")!.a.dataSync()).some((v, i) => v !== a0[i]),
    "A trained",
  );
  disposeLora(lora);
  lm.dispose();
});

Deno.test("merging the adapters into the weights gives the same output", () => {
  const lm = new LanguageModel(CFG, { seed: 2 });
  const lora = attachLora(lm.params, { layers: [1, 2], rank: 3, alpha: 6, dropout: 0.5 });
  const rng = new Rng("merge");
  for (const ad of lora.adapters.values()) {
    ad.b.assign(tf.tensor(rng.normalArray(ad.b.size, 0.2), ad.b.shape));
  }
  const withAdapters = logits(lm, lora.adapters); // not training: no dropout
  assert(
    withAdapters.some((v, i) => Math.abs(v - logits(lm)[i]) > 1e-3),
    "trained adapters change the output",
  );
  mergeLora(lm.params, lora);
  assertAllClose(logits(lm), withAdapters, 1e-4, "merged vs adapters");
  disposeLora(lora);
  lm.dispose();
});

Deno.test("layer ranges and bad configs", () => {
  assertEquals(loraLayerRange(6, "first", 1 / 3), [1, 2]);
  assertEquals(loraLayerRange(6, "last", 1 / 3), [5, 6]);
  assertEquals(loraLayerRange(32, "first", 10 / 32), Array.from({ length: 10 }, (_, i) => i + 1));
  assertEquals(loraLayerRange(2, "last", 1 / 3), [2]);
  const lm = new LanguageModel(CFG, { seed: 3 });
  assertEquals(
    (assertThrows(() => attachLora(lm.params, { layers: [4] }), ConfigError) as ConfigError).field,
    "layers",
  );
  assertEquals(
    (assertThrows(
      () => attachLora(lm.params, { layers: [1], rank: 0 }),
      ConfigError,
    ) as ConfigError).field,
    "rank",
  );
  assertEquals(
    (assertThrows(
      () => attachLora(lm.params, { layers: [1], targets: ["ffn" as never] }),
      ConfigError,
    ) as ConfigError).field,
    "targets",
  );
  assertEquals(
    (assertThrows(() => attachLora(lm.params, { layer: [1] } as never), ConfigError) as ConfigError)
      .field,
    "lora.layer",
  );
  lm.dispose();
});
