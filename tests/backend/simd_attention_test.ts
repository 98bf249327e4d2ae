import { tf } from "../../lib/deps.ts";
import { initBackend } from "../../lib/backend/backend.ts";
import { causalSelfAttention } from "../../lib/backend/attention.ts";
import { setFusedKernels } from "../../lib/backend/fast_path.ts";
import {
  attentionScratch,
  fusedAttentionKernels,
  setSimdAttention,
} from "../../lib/backend/simd_attention.ts";
import { setSimdKernels } from "../../lib/backend/simd_kernels.ts";
import { relaxedSimdSupported } from "../../lib/backend/wasm_asm.ts";
import { byteOffset, type WasmBackend } from "../../lib/backend/wasm_heap.ts";
import { RegressionTransformer } from "../../lib/model/regression_transformer.ts";
import { Adam } from "../../lib/train/optimizer.ts";
import { assert, assertEquals, assertThrows } from "../assert.ts";
import { randomRegressionBatch, relErr } from "../helpers.ts";

await initBackend({ backend: "wasm", quiet: true });
// Whatever the environment says (TOOLKIT_FUSED, TOOLKIT_SIMD, TOOLKIT_SIMD_ATTENTION): this file
// tests the fused SIMD attention and, where it does not apply, the per-head fallback.
setFusedKernels(true);
setSimdKernels(true);
setSimdAttention(true);

/** Relative error allowed: largest |ours − tfjs| / largest |tfjs|, per tensor. */
const TOL = 1e-5;
const be = () => tf.backend() as unknown as WasmBackend;
const memory = () => be().wasm.asm.memory;

/**
 * Attention from qkv [B·T, 3d] by plain tfjs ops (split, 4-D transposes, a masked softmax) and
 * tfjs's own gradients: the reference for the kernels.
 */
function reference(qkv: tf.Tensor2D, B: number, H: number): tf.Tensor2D {
  const [M, d3] = qkv.shape, d = d3 / 3, T = M / B, hd = d / H;
  const heads = (x: tf.Tensor2D) => tf.transpose(tf.reshape(x, [B, T, H, hd]), [0, 2, 1, 3]);
  const [q, k, v] = tf.split(qkv, 3, 1) as tf.Tensor2D[];
  const scores = tf.mul(tf.matMul(heads(q), heads(k), false, true), 1 / Math.sqrt(hd));
  const future = tf.sub(1, tf.linalg.bandPart(tf.ones([T, T]), -1, 0));
  const p = tf.softmax(tf.add(scores, tf.mul(future, -1e9)));
  return tf.reshape(tf.transpose(tf.matMul(p, heads(v)), [0, 2, 1, 3]), [M, d]) as tf.Tensor2D;
}

/** [out, dqkv] of f against the cotangent dout (sum(f(qkv) ⊙ dout)'s gradient). */
function valueAndGrad(
  f: (x: tf.Tensor2D) => tf.Tensor2D,
  qkv: tf.Tensor2D,
  dout: tf.Tensor2D,
): tf.Tensor[] {
  return tf.tidy(() => {
    const g = tf.grad((x) => tf.sum(tf.mul(f(x as tf.Tensor2D), dout)))(qkv);
    return [f(qkv), g];
  });
}

function inputs(B: number, H: number, T: number, hd: number, seed: number) {
  const d = H * hd;
  return {
    qkv: tf.randomNormal([B * T, 3 * d], 0, 1, "float32", seed) as tf.Tensor2D,
    dout: tf.randomNormal([B * T, d], 0, 1, "float32", seed + 1) as tf.Tensor2D,
  };
}

// [B, H, T, hd]: T 8, 12, 40; hd 4, 8, 16, 32 (and 64: two groups of 8 accumulators); B·H from
// 1 to 12.
const GEOMETRIES: [number, number, number, number][] = [
  [1, 1, 8, 4],
  [3, 2, 8, 8],
  [2, 3, 12, 16],
  [2, 2, 40, 32],
  [4, 3, 12, 4],
  [1, 2, 12, 64],
];

for (const [B, H, T, hd] of GEOMETRIES) {
  Deno.test(`simd attention B ${B}, H ${H}, T ${T}, hd ${hd}: values and gradients equal tfjs ops`, async () => {
    assert(fusedAttentionKernels(memory(), { hd, T }) !== null, "the fused kernel applies");
    const { qkv, dout } = inputs(B, H, T, hd, 7 * B + T + hd);
    const ours = valueAndGrad((x) => causalSelfAttention(x, { batch: B, heads: H }).out, qkv, dout);
    const ref = valueAndGrad((x) => reference(x, B, H), qkv, dout);
    for (const [i, what] of ["out", "dqkv"].entries()) {
      const e = await relErr([ours[i]], [ref[i]]);
      assert(e <= TOL, `${what}: relative error ${e}`);
    }
    tf.dispose([qkv, dout, ...ours, ...ref]);
  });
}

/** Runs the raw kernels (FMA or not) on fresh inputs: out, probs and dqkv as arrays. */
function runRaw(B: number, H: number, T: number, hd: number, fma: boolean, seed: number) {
  const k = fusedAttentionKernels(memory(), { hd, T, fma })!;
  const d = H * hd, { qkv, dout } = inputs(B, H, T, hd, seed);
  const [out, probs, dqkv] = [[B * T, d], [B * H, T, T], [B * T, 3 * d]].map((s) => tf.zeros(s));
  const scratch = tf.zeros([attentionScratch(T, d).backward]);
  const p = (t: tf.Tensor) => byteOffset(be(), t);
  k.forward(p(qkv), p(out), p(probs), p(scratch), B, H, T, d, 1 / Math.sqrt(hd));
  k.backward(p(dout), p(qkv), p(probs), p(dqkv), p(scratch), B, H, T, d, 1 / Math.sqrt(hd));
  return { qkv, dout, out, probs, dqkv, scratch };
}

for (const fma of [false, true]) {
  Deno.test(`simd attention kernels, ${fma ? "relaxed_madd" : "multiply + add"}: equal tfjs ops`, async () => {
    if (fma && !relaxedSimdSupported()) return console.log("no relaxed SIMD here; skipped");
    for (const [B, H, T, hd] of [[2, 2, 12, 8], [1, 2, 40, 32]]) {
      const r = runRaw(B, H, T, hd, fma, 3 + T);
      const ref = valueAndGrad((x) => reference(x, B, H), r.qkv, r.dout);
      const e = await relErr([r.out, r.dqkv], ref);
      assert(e <= TOL, `B ${B} H ${H} T ${T} hd ${hd}: relative error ${e}`);
      // probs: each row a distribution over columns ≤ i, exactly 0 beyond.
      const P = await r.probs.data();
      for (let h = 0; h < B * H; h++) {
        for (let i = 0; i < T; i++) {
          let sum = 0;
          for (let j = 0; j < T; j++) {
            const x = P[(h * T + i) * T + j];
            if (j > i) assertEquals(x, 0);
            else sum += x;
          }
          assert(Math.abs(sum - 1) < 1e-6, `row ${i} of head ${h} sums to ${sum}`);
        }
      }
      tf.dispose([...Object.values(r), ...ref]);
    }
  });
}

Deno.test("simd attention: large scores (a peaked softmax) stay finite and match tfjs ops", async () => {
  const [B, H, T, hd] = [2, 2, 12, 8];
  const { qkv: base, dout } = inputs(B, H, T, hd, 41);
  const qkv = tf.mul(base, 6) as tf.Tensor2D; // scores up to ~100: exp underflows for most keys
  const ours = valueAndGrad((x) => causalSelfAttention(x, { batch: B, heads: H }).out, qkv, dout);
  const ref = valueAndGrad((x) => reference(x, B, H), qkv, dout);
  const e = await relErr(ours, ref);
  assert(e <= TOL, `relative error ${e}`);
  tf.dispose([base, qkv, dout, ...ours, ...ref]);
});

// Shapes the kernel does not take (T or hd not a multiple of 4), and the switch: the per-head
// path (OpenBLAS sgemm or the per-head SIMD kernels) runs instead, with the same results.
const FALLBACKS: [string, number, number, number, number][] = [
  ["T 7 (not a multiple of 4)", 2, 2, 7, 8],
  ["hd 6 (not a multiple of 4)", 2, 2, 8, 6],
  ["switched off (setSimdAttention(false))", 2, 2, 12, 8],
];
for (const [label, B, H, T, hd] of FALLBACKS) {
  Deno.test(`simd attention fallback, ${label}: equal tfjs ops`, async () => {
    const off = label.startsWith("switched");
    const was = setSimdAttention(!off);
    try {
      assertEquals(fusedAttentionKernels(memory(), { hd, T }), null);
      const { qkv, dout } = inputs(B, H, T, hd, 5);
      const ours = valueAndGrad(
        (x) => causalSelfAttention(x, { batch: B, heads: H }).out,
        qkv,
        dout,
      );
      const ref = valueAndGrad((x) => reference(x, B, H), qkv, dout);
      const e = await relErr(ours, ref);
      assert(e <= TOL, `relative error ${e}`);
      tf.dispose([qkv, dout, ...ours, ...ref]);
    } finally {
      setSimdAttention(was);
    }
  });
}

Deno.test("simd attention and the per-head path agree with each other", async () => {
  const [B, H, T, hd] = [3, 2, 12, 8];
  const { qkv, dout } = inputs(B, H, T, hd, 17);
  const f = (x: tf.Tensor2D) => causalSelfAttention(x, { batch: B, heads: H }).out;
  const fused = valueAndGrad(f, qkv, dout);
  setSimdAttention(false);
  const perHead = valueAndGrad(f, qkv, dout);
  setSimdAttention(true);
  assert((await relErr(fused, perHead)) <= TOL);
  tf.dispose([qkv, dout, ...fused, ...perHead]);
});

Deno.test("simd attention: tensor and heap-buffer counts stay flat over training steps", () => {
  // T = 2 · nPoints = 8 and head size 8: the model's attention takes the fused kernel.
  const model = new RegressionTransformer(
    { nLayers: 2, dModel: 16, nHeads: 2, maxLen: 8, inputDim: 4 },
    { seed: 0 },
  );
  assert(fusedAttentionKernels(memory(), { hd: 8, T: 8 }) !== null);
  const adam = new Adam(model.params, { lr: 1e-3 });
  const vars = Object.values(model.params);
  const names = new Map(Object.entries(model.params).map(([n, v]) => [v.name, n]));
  const step = (seed: number) => {
    const batch = randomRegressionBatch(seed, { batch: 3, nPoints: 4, dim: 4 });
    const { value, grads } = tf.variableGrads(() => model.loss(batch), vars);
    adam.apply(Object.fromEntries(Object.entries(grads).map(([k, g]) => [names.get(k) ?? k, g])));
    tf.dispose([value, ...Object.values(grads)]);
  };
  step(0);
  const before = tf.memory();
  const counts: number[] = [];
  for (let i = 1; i <= 4; i++) {
    step(i);
    counts.push(tf.memory().numTensors);
  }
  assert(counts.every((c) => c === before.numTensors), `tensor counts: ${counts.join(", ")}`);
  assertEquals(tf.memory().numDataBuffers, before.numDataBuffers, "wasm heap buffers");
  adam.dispose();
  model.dispose();
});

Deno.test("simd attention kernels: bad sizes or pointers throw an Error naming the kernel", () => {
  const k = fusedAttentionKernels(memory(), { hd: 8, T: 8 })!;
  const size = memory().buffer.byteLength;
  // The guard runs before the kernel, so none of these calls touches the heap.
  assertThrows(
    () => k.forward(64, 64, 64, 64, 1, 2, 8, 24, 1),
    Error,
    "attentionForward (hd 8): d = 24 is not 2 heads × 8",
  );
  assertThrows(
    () => k.forward(size - 64, 64, 64, 64, 1, 2, 8, 16, 1),
    Error,
    "attentionForward (hd 8): qkv lies outside",
  );
  assertThrows(
    () => k.backward(64, 64, 64, 0, 64, 1, 2, 8, 16, 1),
    Error,
    "attentionBackward (hd 8): dqkv starts at the null pointer",
  );
  assertThrows(() => k.backward(64, 64, 64, 64, 64, 1, 2, 6, 16, 1), Error, "T must be");
});

Deno.test("attentionScratch: the floats the kernels need", () => {
  assertEquals(attentionScratch(40, 128), { forward: 15360, backward: 22080 });
});
