import { tf } from "../../lib/deps.ts";
import { initBackend } from "../../lib/backend/backend.ts";
import { setFusedKernels } from "../../lib/backend/fast_path.ts";
import { blasInUse, useBlasMatMul } from "../../lib/backend/blas_matmul.ts";
import { Adam } from "../../lib/train/optimizer.ts";
import { Rng } from "../../lib/util/rng.ts";
import { assertAllClose, assertEquals } from "../assert.ts";

await initBackend({ backend: "wasm", quiet: true });

/** Parameters and moments after `steps` Adam updates with seeded gradients. */
function run(fused: boolean, weightDecay: number): number[][] {
  setFusedKernels(fused);
  try {
    const rng = new Rng("adam-test");
    const shapes = [[50, 40], [303], [1]]; // SIMD only, SIMD and a JavaScript tail, tail only
    const params = Object.fromEntries(
      shapes.map((s, i) => [
        `p${i}`,
        tf.variable(tf.tensor(rng.normalArray(s.reduce((a, b) => a * b, 1)), s)),
      ]),
    );
    const adam = new Adam(params, { lr: 3e-3, betas: [0.9, 0.999], weightDecay });
    for (let step = 0; step < 6; step++) {
      const grads = Object.fromEntries(
        Object.entries(params).map(([n, p]) => [n, tf.tensor(rng.normalArray(p.size), p.shape)]),
      );
      adam.apply(grads);
      tf.dispose(Object.values(grads));
    }
    const out = Object.values(params).map((p) => Array.from(p.dataSync()));
    tf.dispose(Object.values(params));
    adam.dispose();
    return out;
  } finally {
    setFusedKernels(true);
  }
}

Deno.test("Adam: the in-place wasm update is bit-for-bit the tfjs-op update", () => {
  for (const wd of [0, 0.1]) assertEquals(run(true, wd), run(false, wd), `weightDecay ${wd}`);
});

Deno.test("Adam: a parameter whose memory is shared (a live clone) is updated by tfjs ops, the clone untouched", () => {
  const p = tf.variable(tf.tensor1d([1, 2, 3]));
  const clone = tf.clone(p);
  const adam = new Adam({ p }, { lr: 0.1 });
  adam.apply({ p: tf.tensor1d([1, -1, 0.5]) });
  assertEquals(Array.from(clone.dataSync()), [1, 2, 3]);
  assertEquals(Array.from(p.dataSync()).map((x) => Math.round(x * 10) / 10), [0.9, 2.1, 2.9]);
  tf.dispose([p, clone]);
  adam.dispose();
});

Deno.test("Adam: after an in-place update, tfjs-wasm's own matmul sees the new weights (no stale cache)", () => {
  const blas = blasInUse();
  useBlasMatMul(null); // XNNPACK caches packed weights per tensor id
  try {
    const w = tf.tidy(() => tf.variable(tf.tensor2d([[1, 2, 3], [4, 5, 6]]))); // sole owner: in place
    const x = tf.tensor2d([[1, 1], [2, -1]]);
    tf.matMul(x, w).dataSync();
    const adam = new Adam({ w }, { lr: 0.5 });
    adam.apply({ w: tf.ones([2, 3]) });
    const fresh = tf.tensor2d(w.dataSync(), [2, 3]);
    assertAllClose(tf.matMul(x, w).dataSync(), tf.matMul(x, fresh).dataSync(), 0);
    tf.dispose([w, x, fresh]);
    adam.dispose();
  } finally {
    useBlasMatMul(blas);
  }
});
