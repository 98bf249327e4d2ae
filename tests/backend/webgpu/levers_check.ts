/**
 * Run as a subprocess by levers_test.ts: the kernels behind the dispatch levers of issue 18
 * (lib/bench/README.md) against plain tfjs ops on the webgpu backend, on whatever adapter
 * exists; prints the largest relative differences as JSON.
 */
import { tf } from "../../../lib/deps.ts";
import {
  dense,
  initBackend,
  layerNorm,
  mlpResidual,
  setFusedKernels,
} from "../../../lib/backend/mod.ts";
import {
  gpuBackend,
  gpuMatMulWithColumnSums,
  setFlatAdam,
} from "../../../lib/backend/webgpu/mod.ts";
import { Adam } from "../../../lib/train/optimizer.ts";
import { relErr } from "../../helpers.ts";

await initBackend({ backend: "webgpu", quiet: true });

let seed = 11;
const rand = (shape: number[]) => tf.randomNormal(shape, 0, 1, "float32", seed++);
const results: Record<string, number> = {};
const be = gpuBackend();

// Weight and bias gradients from one matmul with a row of ones: xᵀ·dy and Σ_rows dy, with and
// without split-K, odd sizes, both tiles.
for (const [R, K, N] of [[150, 24, 36], [300, 70, 130], [7, 5, 3]]) {
  const x = rand([R, K]), dy = rand([R, N]);
  const refW = tf.matMul(x, dy, true, false), refB = tf.sum(dy, 0);
  for (
    const plan of [
      undefined,
      { bm: 64, bn: 64, bk: 16, splitK: 1 } as const,
      { bm: 128, bn: 128, bk: 8, splitK: 3 } as const,
    ]
  ) {
    const [dW, db] = gpuMatMulWithColumnSums(be, x, dy, { transA: true, plan });
    const t = [dW, db].map((i) => tf.engine().makeTensorFromTensorInfo(i));
    const key = `weight+bias grads ${R}x${K}x${N}`;
    results[key] = Math.max(results[key] ?? 0, await relErr(t, [refW, refB]));
    tf.dispose(t);
  }
}
/** Values and input gradients of f with the WGSL kernels, then with tfjs ops. */
function compare(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[]): Promise<number> {
  const run = (fused: boolean) => {
    setFusedKernels(fused);
    const y0 = f(...inputs);
    const dy = tf.tidy(() => tf.sin(tf.reshape(tf.range(0, y0.size), y0.shape)));
    const { value, grads } = tf.valueAndGrads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), dy)))(
      inputs,
    );
    return [value, ...grads, y0];
  };
  const gpu = run(true), ref = run(false);
  setFusedKernels(true);
  return relErr(gpu, ref);
}

// Dense with the residual added in the matmul's epilogue (and through split-K's reduction).
for (const [M, K, N] of [[150, 24, 36], [9, 600, 5], [700, 24, 36]]) {
  results[`dense + residual ${M}x${K}x${N}`] = await compare(
    (x, w, b, r) => dense(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D, r as tf.Tensor2D),
    [rand([M, K]), rand([K, N]), rand([N]), rand([M, N])],
  );
}
results["dense, split-K + bias 9x600x5"] = await compare(
  (x, w, b) => dense(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D),
  [rand([9, 600]), rand([600, 5]), rand([5])],
);
results["dense + residual, no bias"] = await compare(
  (x, w, r) => dense(x as tf.Tensor2D, w as tf.Tensor2D, undefined, r as tf.Tensor2D),
  [rand([33, 8]), rand([8, 12]), rand([33, 12])],
);

// LayerNorm backward in one launch per block of rows: row counts off the block, widths below,
// at and above one column per thread.
for (const [M, d] of [[200, 72], [37, 256], [5, 300], [1, 8]]) {
  results[`layerNorm ${M}x${d}`] = await compare(
    (x, g, b) => layerNorm(x as tf.Tensor2D, g as tf.Tensor1D, b as tf.Tensor1D),
    [rand([M, d]), tf.add(1, rand([d])), rand([d])],
  );
}
// The MLP with its residual as one op: GELU in the first product's epilogue, GELU′ in the
// backward product's; sizes off the tiles, and enough rows for split-K in the weight gradients.
for (const [M, d, f] of [[10, 8, 32], [700, 24, 72]]) {
  results[`mlp + residual ${M}x${d}x${f}`] = await compare(
    (x, w1, b1, w2, b2, h) =>
      mlpResidual(
        x as tf.Tensor2D,
        w1 as tf.Tensor2D,
        b1 as tf.Tensor1D,
        w2 as tf.Tensor2D,
        b2 as tf.Tensor1D,
        h as tf.Tensor2D,
      ),
    [rand([M, d]), rand([d, f]), rand([f]), rand([f, d]), rand([d]), rand([M, d])],
  );
}
// One Adam launch over all parameters, interleaved with steps on the other paths (tfjs ops
// with the fused kernels off; one launch per parameter): the same numbers as the per-parameter
// path throughout, moments read back for a checkpoint included.
{
  const inits = [rand([5, 7]), rand([3]), rand([4, 2])];
  const gradSeq = [0, 1, 2, 3, 4].map(() => inits.map((t) => rand(t.shape)));
  const run = async (flat: boolean) => {
    setFlatAdam(flat);
    const params = Object.fromEntries(inits.map((t, i) => [`p${i}`, tf.variable(tf.clone(t))]));
    const opt = new Adam(params, { lr: 0.01, betas: [0.9, 0.99] });
    const states = [];
    for (const [s, gs] of gradSeq.entries()) {
      if (s === 2) setFlatAdam(false); // one launch per parameter, in place, for this step
      if (s === 3) setFusedKernels(false); // tfjs ops for this one
      opt.apply(Object.fromEntries(gs.map((g, i) => [`p${i}`, g])));
      setFusedKernels(true);
      setFlatAdam(flat);
      if (s === 4) states.push(...Object.values(await opt.state()));
    }
    const out = [
      ...Object.values(params).map((p) => tf.clone(p)),
      ...states.map((a) => tf.tensor(a.data, a.shape)),
    ];
    opt.dispose();
    tf.dispose(Object.values(params));
    return out;
  };
  results["adam, flat mixed with other paths"] = await relErr(await run(true), await run(false));
  setFlatAdam(true);
}
console.log(JSON.stringify(results));
