/**
 * Run as a subprocess by backend_test.ts (a separate process, so the test file's own backend
 * stays put): computes a few fast-path ops on webgpu and on cpu and prints both as JSON.
 */
import { tf } from "../../lib/deps.ts";
import { causalAttentionOut, dense, initBackend, layerNorm } from "../../lib/backend/mod.ts";

async function run(backend: "webgpu" | "cpu") {
  await initBackend({ backend, quiet: true });
  const x = tf.tensor2d(Array.from({ length: 48 }, (_, i) => Math.sin(i)), [6, 8]);
  const w = tf.tensor2d(Array.from({ length: 32 }, (_, i) => Math.cos(i)), [8, 4]);
  const y = dense(x, w, tf.ones([4]) as tf.Tensor1D);
  const ln = layerNorm(x, tf.ones([8]) as tf.Tensor1D, tf.zeros([8]) as tf.Tensor1D);
  const q = tf.reshape(x, [2, 3, 8]) as tf.Tensor3D;
  const att = causalAttentionOut(q, q, q);
  return [...await y.data(), ...await ln.data(), ...await att.data()];
}
const gpu = await run("webgpu");
const cpu = await run("cpu");
console.log(JSON.stringify({ gpu, cpu }));
