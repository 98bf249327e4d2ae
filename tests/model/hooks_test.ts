import { tf } from "../../lib/deps.ts";
import { initBackend } from "../../lib/backend/backend.ts";
import { dense } from "../../lib/backend/dense.ts";
import { layerNorm } from "../../lib/backend/layer_norm.ts";
import { RegressionTransformer } from "../../lib/model/regression_transformer.ts";
import { assert, assertAllClose, assertEquals, assertThrows } from "../assert.ts";
import { randomRegressionBatch, TINY } from "../helpers.ts";

await initBackend({ backend: "cpu", quiet: true });
const model = new RegressionTransformer(TINY, { seed: 3 });
const batch = randomRegressionBatch(7, { batch: 2 });
const T = 2 * batch.nPoints, d = TINY.dModel, L = TINY.nLayers;
const tokens = () => tf.tensor3d(batch.tokens, [batch.batch, T, batch.dim]);

Deno.test("capture: layer 0 is read-in plus positions, computed by hand", () => {
  const { results } = model.forward(tokens(), {
    hooks: { capture: { layers: [0], positions: [1, 3] } },
  });
  const h0 = results.captured.get(0)!;
  assertEquals(h0.shape, [2, 2, d]);
  const p = model.params;
  const emb = tf.add(
    dense(
      tf.reshape(tokens(), [-1, batch.dim]) as tf.Tensor2D,
      p["readIn.w"] as tf.Tensor2D,
      p["readIn.b"] as tf.Tensor1D,
    ),
    tf.tile(tf.slice(p["wpe"], [0, 0], [T, d]), [2, 1]),
  );
  const byHand = tf.gather(tf.reshape(emb, [2, T, d]), [1, 3], 1);
  assertAllClose(h0.dataSync(), byHand.dataSync(), 1e-5);
});

Deno.test("replace at the last layer sets that position's output to readOut(lnf(v)) exactly", () => {
  const v = tf.randomNormal([d], 0, 1, "float32", 11);
  const pos = 4;
  const plain = model.forward(tokens()).out.arraySync() as number[][];
  const patched = model.forward(tokens(), {
    hooks: { patch: [{ layer: L, positions: [pos], mode: "replace", vector: v }] },
  }).out.arraySync() as number[][];
  const p = model.params;
  const byHand = dense(
    layerNorm(
      tf.reshape(v, [1, d]) as tf.Tensor2D,
      p["lnf.g"] as tf.Tensor1D,
      p["lnf.b"] as tf.Tensor1D,
    ),
    p["readOut.w"] as tf.Tensor2D,
    p["readOut.b"] as tf.Tensor1D,
  ).dataSync()[0];
  for (let b = 0; b < 2; b++) {
    assertAllClose([patched[b][pos]], [byHand], 1e-5, "patched output");
    for (let t = 0; t < T; t++) {
      if (t !== pos) {
        assertAllClose([patched[b][t]], [plain[b][t]], 1e-6, `position ${t} changed`);
      }
    }
  }
});

Deno.test("add at a middle layer changes only that position and later ones (causality)", () => {
  const v = tf.randomNormal([d], 0, 1, "float32", 5); // not constant: LayerNorm removes a constant shift
  const plain = model.forward(tokens()).out.arraySync() as number[][];
  const patched = model.forward(tokens(), {
    hooks: { patch: [{ layer: 1, positions: { perExample: [3, 6] }, mode: "add", vector: v }] },
  }).out.arraySync() as number[][];
  [3, 6].forEach((pos, b) => {
    for (let t = 0; t < pos; t++) {
      assertAllClose([patched[b][t]], [plain[b][t]], 1e-6, `earlier position ${t} changed`);
    }
    assert(Math.abs(patched[b][pos] - plain[b][pos]) > 1e-4, "patched position unchanged");
  });
});

Deno.test("ablating every head equals removing attention (output projection zeroed)", () => {
  const all = Array.from(
    { length: L },
    (_, l) => Array.from({ length: TINY.nHeads }, (_, h) => ({ layer: l + 1, head: h })),
  ).flat();
  const ablated = model.forward(tokens(), { hooks: { ablateHeads: all } }).out.dataSync();
  const noAttn = new RegressionTransformer(TINY, { seed: 3 });
  for (let l = 0; l < L; l++) {
    noAttn.params[`h.${l}.attn.wo`].assign(tf.zerosLike(noAttn.params[`h.${l}.attn.wo`]));
    noAttn.params[`h.${l}.attn.bo`].assign(model.params[`h.${l}.attn.bo`]);
  }
  assertAllClose(ablated, noAttn.forward(tokens()).out.dataSync(), 1e-6);
  noAttn.dispose();
});

Deno.test("ablating one head changes the output; attention patterns are returned per block", () => {
  const plain = model.forward(tokens(), { hooks: { attention: true } });
  assertEquals(plain.results.attention.get(1)!.shape, [2, TINY.nHeads, T, T]);
  const one = model.forward(tokens(), { hooks: { ablateHeads: [{ layer: 1, head: 0 }] } }).out
    .dataSync();
  const base = plain.out.dataSync() as Float32Array;
  const diff = base.reduce((s: number, x: number, i: number) => s + Math.abs(x - one[i]), 0);
  assert(diff > 1e-4);
});

Deno.test("hooks reject out-of-range layers, heads and positions", () => {
  assertThrows(
    () => model.forward(tokens(), { hooks: { capture: { layers: [L + 1] } } }),
    Error,
    "outside",
  );
  assertThrows(
    () => model.forward(tokens(), { hooks: { ablateHeads: [{ layer: 1, head: 9 }] } }),
    Error,
    "heads",
  );
  assertThrows(
    () => model.forward(tokens(), { hooks: { capture: { layers: [1], positions: [T] } } }),
    Error,
    "outside",
  );
});
