/**
 * Named hook points on every block, for all three model kinds (regression transformer, language
 * model, Llama): shapes, patch-with-itself, ablation equal to `ablateHeads`, the layer hooks as
 * points, flat tensor counts.
 */
import { tf } from "../../lib/deps.ts";
import { initBackend } from "../../lib/backend/backend.ts";
import {
  disposeCache,
  type ForwardHooks,
  type HookedModel,
  type HookFn,
  hookPointNames,
  type HookResults,
  runWithCache,
  zeroHeads,
} from "../../lib/model/hooks.ts";
import { LanguageModel } from "../../lib/model/language_model.ts";
import { type LlamaConfig, LlamaModel } from "../../lib/model/llama.ts";
import { RegressionTransformer } from "../../lib/model/regression_transformer.ts";
import { assertAllClose, assertEquals, assertThrows } from "../assert.ts";
import { randomRegressionBatch, TINY } from "../helpers.ts";

await initBackend({ backend: "cpu", quiet: true });

const B = 2, T = 6;
const LLAMA: LlamaConfig = {
  vocabSize: 32,
  dModel: 16,
  nLayers: 2,
  nHeads: 4,
  nKvHeads: 2,
  headDim: 4,
  ffnDim: 24,
  maxLen: 16,
  rmsEps: 1e-6,
  ropeTheta: 10000,
  ropeScaling: null,
  tieEmbeddings: true,
  act: "silu",
  normOffset: 0,
  embedScale: 1,
  qkvBias: false,
};

/** One model kind: its shape, and its hooked forward pass (plain and with a cache). */
interface Kind {
  name: string;
  nLayers: number;
  dModel: number;
  nHeads: number;
  headDim: number;
  run(hooks?: ForwardHooks): { y: tf.Tensor; results: { captured: Map<number, tf.Tensor> } };
  cache(hooks?: ForwardHooks): { y: tf.Tensor; cache: Map<string, tf.Tensor> };
}

type Output = { out?: tf.Tensor; logits?: tf.Tensor; results: HookResults };

/** A {@link Kind} for a model whose forward pass reads `input()`. */
function kind<I>(
  name: string,
  model: HookedModel<I, Output>,
  input: () => I,
  shape: Pick<Kind, "dModel" | "nHeads" | "headDim">,
): Kind {
  return {
    name,
    nLayers: model.config.nLayers,
    ...shape,
    run: (hooks) => {
      const r = model.forward(input(), { hooks });
      return { y: (r.out ?? r.logits)!, results: r.results };
    },
    cache: (hooks) => {
      const r = runWithCache(model, input(), { hooks });
      return { y: (r.out ?? r.logits)!, cache: r.cache };
    },
  };
}

const batch = randomRegressionBatch(4, { batch: B, nPoints: T / 2 });
const reg = new RegressionTransformer(TINY, { seed: 1 });
const lm = new LanguageModel({ vocabSize: 32, maxLen: 16, nLayers: 2, dModel: 16, nHeads: 2 }, {
  seed: 2,
});
const llama = new LlamaModel(LLAMA, { seed: 3 });
const ids = () =>
  tf.tensor2d(Array.from({ length: B * T }, (_, i) => (7 * i + 3) % 32), [B, T], "int32");
const tokens = () => tf.tensor3d(batch.tokens, [B, T, batch.dim]);

const KINDS: Kind[] = [
  kind("regression", reg, tokens, { ...TINY, headDim: TINY.dModel / TINY.nHeads }),
  kind("language", lm, ids, { dModel: 16, nHeads: 2, headDim: 8 }),
  kind("llama", llama, ids, LLAMA),
];

for (const k of KINDS) {
  Deno.test(`${k.name}: runWithCache records every hook point with its shape`, () => {
    const { cache } = k.cache();
    assertEquals([...cache.keys()].sort(), hookPointNames(k.nLayers).sort());
    for (const [name, t] of cache) {
      const want = name.endsWith("attn.head_out") ? [B, T, k.nHeads, k.headDim] : [B, T, k.dModel];
      assertEquals(t.shape, want, name);
    }
    disposeCache(cache);
  });

  Deno.test(`${k.name}: the layer hooks read the resid points (layer 0 = resid_pre of block 0)`, () => {
    const { cache } = k.cache();
    const { results } = k.run({ capture: { layers: "all" } });
    assertAllClose(
      results.captured.get(0)!.dataSync(),
      cache.get("blocks.0.resid_pre")!.dataSync(),
      0,
    );
    for (let l = 1; l <= k.nLayers; l++) {
      assertAllClose(
        results.captured.get(l)!.dataSync(),
        cache.get(`blocks.${l - 1}.resid_post`)!.dataSync(),
        0,
        `layer ${l}`,
      );
    }
    disposeCache(cache);
  });

  Deno.test(`${k.name}: patching each point with its own value leaves the output unchanged`, () => {
    const { y, cache } = k.cache();
    const plain = y.dataSync();
    for (const name of hookPointNames(k.nLayers)) {
      const own: HookFn = () => cache.get(name)!;
      const patched = k.run({ points: { [name]: own } }).y.dataSync();
      assertAllClose(patched, plain, 1e-6, name);
    }
    disposeCache(cache);
  });

  Deno.test(`${k.name}: zeroHeads at attn.head_out equals ablateHeads, exactly`, () => {
    const old = k.run({ ablateHeads: [{ layer: 2, head: 1 }, { layer: 1, head: 0 }] }).y.dataSync();
    const viaPoints = k.run({
      points: {
        "blocks.1.attn.head_out": zeroHeads([1]),
        "blocks.0.attn.head_out": zeroHeads([0]),
      },
    }).y.dataSync();
    assertAllClose(viaPoints, old, 0);
    const plain = k.run().y.dataSync();
    assertEquals(plain.some((v, i) => v !== old[i]), true, "ablation changed nothing");
  });

  Deno.test(`${k.name}: a changed point changes the output; bad names and shapes throw`, () => {
    const plain = k.run().y.dataSync();
    const doubled = k.run({ points: { "blocks.0.mlp_out": (x) => tf.mul(x, 2) } }).y.dataSync();
    assertEquals(plain.some((v, i) => Math.abs(v - doubled[i]) > 1e-4), true);
    assertThrows(
      () => k.run({ points: { "blocks.9.resid_pre": () => {} } }),
      Error,
      "does not exist",
    );
    assertThrows(
      () => k.run({ points: { "blocks.0.resid_mid": () => tf.zeros([1]) } }),
      Error,
      "shape",
    );
  });

  Deno.test(`${k.name}: hooked forward passes and caches leave the tensor count flat`, () => {
    const run = () => {
      tf.tidy(() => {
        const { results } = k.run({
          capture: { layers: "all" },
          ablateHeads: [{ layer: 1, head: 0 }],
          points: { "blocks.1.attn_out": (x) => tf.mul(x, 0.5) },
        });
        for (const t of results.captured.values()) t.dispose();
      });
      let cache = new Map<string, tf.Tensor>();
      tf.tidy(() => {
        cache = k.cache().cache;
      });
      disposeCache(cache);
    };
    run(); // warm-up: backends keep a few tensors alive the first time
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) run();
    assertEquals(tf.memory().numTensors, before);
  });
}
