/**
 * Run as a subprocess by kernels_test.ts (a separate process, so the test runner's own
 * backend stays put). On the webgpu backend, computes every toolkit WGSL kernel's values and
 * gradients, and the same with plain tfjs ops (fused kernels off), and prints the largest
 * relative differences as JSON. Runs on any adapter, the llvmpipe software one included.
 */
import { tf } from "../../../lib/deps.ts";
import {
  causalSelfAttention,
  dense,
  gelu,
  initBackend,
  layerNorm,
  setFusedKernels,
} from "../../../lib/backend/mod.ts";
import {
  chooseMatMulPlan,
  gpuBackend,
  gpuMatMul,
  type MatMulPlan,
  setFlatAdam,
} from "../../../lib/backend/webgpu/mod.ts";
import { Adam } from "../../../lib/train/optimizer.ts";
import { relErr } from "../../helpers.ts";
import { RegressionTransformer } from "../../../lib/model/regression_transformer.ts";

await initBackend({ backend: "webgpu", quiet: true });

let seed = 1;
const rand = (shape: number[]) => tf.randomNormal(shape, 0, 1, "float32", seed++);

/** Values and input gradients of f with the WGSL kernels, then with tfjs ops. */
function compare(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[]): Promise<number> {
  const run = (fused: boolean) => {
    setFusedKernels(fused);
    const dy = tf.tidy(() => tf.sin(tf.range(0, f(...inputs).size).reshape(f(...inputs).shape)));
    const { value, grads } = tf.valueAndGrads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), dy)))(
      inputs,
    );
    return [value, ...grads, f(...inputs)];
  };
  const gpu = run(true), ref = run(false);
  setFusedKernels(true);
  return relErr(gpu, ref);
}

const results: Record<string, number> = {};
let clock = performance.now();
const lap = (what: string) => {
  const now = performance.now();
  if (Deno.env.get("CHECK_TIMES")) console.error(`${what}: ${((now - clock) / 1000).toFixed(1)} s`);
  clock = now;
};

// Matmul: every layout, odd sizes, with and without split-K, both tiles.
const be = gpuBackend();
for (const [M, N, K] of [[37, 45, 29], [130, 70, 300], [5, 1, 16]]) {
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      const a = rand(transA ? [K, M] : [M, K]), b = rand(transB ? [N, K] : [K, N]);
      const plans: MatMulPlan[] = [
        { bm: 64, bn: 64, bk: 16, splitK: 1 },
        { bm: 128, bn: 128, bk: 8, splitK: 1 },
        { bm: 128, bn: 64, bk: 8, splitK: 3 },
        chooseMatMulPlan(M, N, K),
      ];
      for (const plan of plans) {
        const c = tf.engine().makeTensorFromTensorInfo(
          gpuMatMul(be, a, b, { transA, transB, plan }),
        );
        const ref = tf.matMul(a, b, transA, transB);
        const key = `matmul ${M}x${N}x${K} ${transA ? "T" : "N"}${transB ? "T" : "N"}`;
        results[key] = Math.max(results[key] ?? 0, await relErr([c], [ref]));
      }
    }
  }
}

lap("matmul");
results["dense"] = await compare(
  (x, w, b) => dense(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D),
  [
    rand([150, 24]),
    rand([24, 36]),
    rand([36]),
  ],
);
results["dense, no bias"] = await compare((x, w) => dense(x as tf.Tensor2D, w as tf.Tensor2D), [
  rand([9, 8]),
  rand([8, 1]),
]);
results["layerNorm"] = await compare(
  (x, g, b) => layerNorm(x as tf.Tensor2D, g as tf.Tensor1D, b as tf.Tensor1D),
  [rand([200, 72]), tf.add(1, rand([72])), rand([72])],
);
lap("dense, layerNorm");
results["gelu"] = await compare((u) => gelu(tf.mul(u, 3)), [rand([7, 33])]);
for (const [B, T, H, hd] of [[3, 5, 2, 4], [2, 40, 2, 32], [1, 70, 1, 8]]) {
  results[`attention B${B} T${T} H${H} hd${hd}`] = await compare(
    (qkv) => causalSelfAttention(qkv as tf.Tensor2D, { batch: B, heads: H }).out,
    [rand([B * T, 3 * H * hd])],
  );
}

lap("gelu, attention");
// One Adam launch over all parameters vs one per parameter: the same numbers (same float32
// arithmetic), moments read back for a checkpoint included, and a restored state continues
// the same way.
{
  const inits = [rand([5, 7]), rand([3]), rand([4, 2])];
  const gradSeq = [0, 1, 2].map(() => inits.map((t) => rand(t.shape)));
  const after = async (flat: boolean) => {
    setFlatAdam(flat);
    const params = Object.fromEntries(inits.map((t, i) => [`p${i}`, tf.variable(tf.clone(t))]));
    const opt = new Adam(params, { lr: 0.01, betas: [0.9, 0.99] });
    for (const gs of gradSeq.slice(0, 2)) {
      opt.apply(Object.fromEntries(gs.map((g, i) => [`p${i}`, g])));
    }
    const state = await opt.state();
    // A fresh optimiser from that checkpoint takes the third step.
    const opt2 = new Adam(params, { lr: 0.01, betas: [0.9, 0.99] });
    opt2.load(state, opt.step);
    opt2.apply(Object.fromEntries(gradSeq[2].map((g, i) => [`p${i}`, g])));
    const out = [
      ...Object.values(params).map((p) => tf.clone(p)),
      ...Object.values(state).map((a) => tf.tensor(a.data, a.shape)),
    ];
    for (const o of [opt, opt2]) o.dispose();
    tf.dispose(Object.values(params));
    return out;
  };
  results["adam, flat vs per parameter"] = await relErr(await after(true), await after(false));
  setFlatAdam(true);
}

// Adam in place vs the tfjs update.
{
  const init = rand([5, 7]);
  const grads = [rand([5, 7]), rand([5, 7]), rand([5, 7])];
  const after = async (fused: boolean) => {
    setFusedKernels(fused);
    const p = tf.variable(tf.clone(init));
    const opt = new Adam({ p }, { lr: 0.01, betas: [0.9, 0.99], weightDecay: 0.1 });
    for (const g of grads) opt.apply({ p: g });
    const out = tf.clone(p);
    opt.dispose();
    p.dispose();
    await out.data();
    return out;
  };
  results["adam"] = await relErr([await after(true)], [await after(false)]);
  setFusedKernels(true);
}

// Three training steps of a small regression transformer: the loss curve on both paths, and
// the tensor count across steps on the WGSL path.
{
  const losses: Record<string, number[]> = {};
  const counts: number[] = [];
  const gpuBytes: number[] = [];
  for (const fused of [true, false]) {
    setFusedKernels(fused);
    const model = new RegressionTransformer({
      nLayers: 2,
      dModel: 32,
      nHeads: 2,
      inputDim: 4,
      maxLen: 12,
    }, { seed: 3 });
    const opt = new Adam(model.params, { lr: 3e-3 });
    const tokens = new Float32Array(2 * 12 * 4).map((_, i) => Math.sin(i * 1.3));
    const ys = new Float32Array(2 * 6).map((_, i) => Math.cos(i));
    const batch = { tokens, ys, batch: 2, nPoints: 6, dim: 4 };
    losses[String(fused)] = [];
    for (let s = 0; s < 4; s++) {
      const { value, grads } = tf.variableGrads(() => model.loss(batch));
      const byVar = new Map(Object.entries(model.params).map(([n, v]) => [v.name, n]));
      opt.apply(Object.fromEntries(Object.entries(grads).map(([k, g]) => [byVar.get(k)!, g])));
      losses[String(fused)].push((await value.data())[0]);
      tf.dispose([value, ...Object.values(grads)]);
      if (fused) {
        counts.push(tf.memory().numTensors);
        gpuBytes.push((tf.memory() as { numBytesInGPU?: number }).numBytesInGPU ?? 0);
      }
    }
    opt.dispose();
    model.dispose();
  }
  const [a, b] = [losses["true"], losses["false"]];
  results["training losses"] = Math.max(...a.map((x, i) => Math.abs(x - b[i]) / Math.abs(b[i])));
  results["tensor count drift"] = counts[counts.length - 1] - counts[1];
  results["gpu bytes drift"] = gpuBytes[gpuBytes.length - 1] - gpuBytes[1];
  results["gpu bytes in use"] = gpuBytes[1];
  results["loss decreased"] = a[a.length - 1] < a[0] ? 1 : 0;
}

lap("adam, training");
console.log(JSON.stringify(results));
