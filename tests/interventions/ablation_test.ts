import { tf } from "../../lib/deps.ts";
import { initBackend } from "../../lib/backend/backend.ts";
import { RegressionTransformer } from "../../lib/model/regression_transformer.ts";
import type { ForwardHooks } from "../../lib/model/hooks.ts";
import { SparseRegressionTask } from "../../lib/tasks/sparse_regression.ts";
import { ablateEachHead } from "../../lib/interventions/ablation.ts";
import { assert, assertEquals } from "../assert.ts";

await initBackend({ backend: "wasm", quiet: true });

Deno.test("ablateEachHead: one row per (layer, head) in order, each the ablated minus the clean measurement", async () => {
  const seen: (ForwardHooks | undefined)[] = [];
  const measure = (hooks: ForwardHooks | undefined) => {
    seen.push(hooks);
    const h = hooks?.ablateHeads?.[0];
    return Promise.resolve(h ? [10 * h.layer + h.head, 1] : [0, 1]);
  };
  const rows = await ablateEachHead({ nLayers: 2, nHeads: 3 }, measure);
  assertEquals(seen[0], undefined, "the clean measurement first");
  assertEquals(rows.map((r) => [r.layer, r.head]), [[1, 0], [1, 1], [1, 2], [2, 0], [2, 1], [
    2,
    2,
  ]]);
  assertEquals(rows.map((r) => r.delta), rows.map((r) => [10 * r.layer + r.head, 0]));
});

Deno.test("ablateEachHead: zeroing a head of a real model changes its loss", async () => {
  const model = new RegressionTransformer({ nLayers: 1, dModel: 8, nHeads: 2, inputDim: 16 }, {
    seed: 0,
  });
  const batch = new SparseRegressionTask({ seed: 0 }).sample(4);
  const loss = (hooks?: ForwardHooks) =>
    Promise.resolve([tf.tidy(() => model.loss(batch, { hooks }).dataSync()[0])]);
  const rows = await ablateEachHead(model.config, loss);
  assertEquals(rows.length, 2);
  assert(rows.some((r) => Math.abs(r.delta[0]) > 0), JSON.stringify(rows));
  model.dispose();
});
