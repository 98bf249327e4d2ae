import { tf } from "../../lib/deps.ts";
import { initBackend } from "../../lib/backend/backend.ts";
import { loadBlas } from "../../lib/backend/blas.ts";
import { blasInUse, useBlasMatMul } from "../../lib/backend/blas_matmul.ts";
import { Rng } from "../../lib/util/rng.ts";
import { assert, assertAllClose, assertEquals, assertThrows } from "../assert.ts";

const info = await initBackend({ backend: "wasm", quiet: true });
const blas = loadBlas();
const TOL = 1e-4;

/** Plain JavaScript (double precision) batched matmul with tfjs's broadcasting of batch dims. */
function refMatMul(
  a: tf.Tensor,
  b: tf.Tensor,
  tA: boolean,
  tB: boolean,
): { data: Float64Array; shape: number[] } {
  const A = a.dataSync(), B = b.dataSync();
  const ra = a.rank, rb = b.rank;
  const m = tA ? a.shape[ra - 1] : a.shape[ra - 2], k = tA ? a.shape[ra - 2] : a.shape[ra - 1];
  const n = tB ? b.shape[rb - 2] : b.shape[rb - 1];
  const oa = a.shape.slice(0, -2), ob = b.shape.slice(0, -2);
  const rank = Math.max(oa.length, ob.length);
  const pa = [...Array(rank - oa.length).fill(1), ...oa],
    pb = [...Array(rank - ob.length).fill(1), ...ob];
  const outer = pa.map((x, i) => Math.max(x, pb[i]));
  const nb = outer.reduce((x, y) => x * y, 1);
  const out = new Float64Array(nb * m * n);
  for (let i = 0; i < nb; i++) {
    let rem = i, ia = 0, ib = 0, sa = 1, sb = 1;
    for (let ax = rank - 1; ax >= 0; ax--) {
      const c = rem % outer[ax];
      rem = Math.floor(rem / outer[ax]);
      if (pa[ax] > 1) ia += c * sa;
      if (pb[ax] > 1) ib += c * sb;
      sa *= pa[ax];
      sb *= pb[ax];
    }
    for (let r = 0; r < m; r++) {
      for (let c = 0; c < n; c++) {
        let s = 0;
        for (let j = 0; j < k; j++) {
          const av = A[ia * m * k + (tA ? j * m + r : r * k + j)];
          const bv = B[ib * k * n + (tB ? c * k + j : j * n + c)];
          s += av * bv;
        }
        out[i * m * n + r * n + c] = s;
      }
    }
  }
  return { data: out, shape: [...outer, m, n] };
}

const rng = new Rng("blas-test");
const rand = (shape: number[]) =>
  tf.tensor(rng.normalArray(shape.reduce((x, y) => x * y, 1)), shape);

// [a shape, b shape, transposeA, transposeB]: plain, transposed, batched, broadcast, odd sizes.
const CASES: [number[], number[], boolean, boolean][] = [
  [[7, 5], [5, 3], false, false],
  [[5, 7], [5, 3], true, false],
  [[7, 5], [3, 5], false, true],
  [[5, 7], [3, 5], true, true],
  [[1, 1], [1, 1], false, false],
  [[1, 9], [9, 1], false, false],
  [[33, 17], [17, 29], false, false],
  [[17, 33], [29, 17], true, true],
  [[4, 6, 5], [4, 5, 3], false, false],
  [[4, 5, 6], [4, 3, 5], true, true],
  [[4, 6, 5], [5, 3], false, false], // shared B: folded into one GEMM
  [[4, 5, 6], [5, 3], true, false], // shared B, transposed A: per batch
  [[6, 5], [4, 5, 3], false, false], // shared A
  [[2, 1, 6, 5], [1, 3, 5, 4], false, false], // broadcast both ways
  [[2, 3, 6, 5], [3, 4, 5], false, true],
  [[1, 6, 5], [4, 5, 3], false, false],
];

Deno.test("OpenBLAS matmul: backend info reports the path", () => {
  assertEquals(info.matmul, blas ? "openblas" : "xnnpack");
  if (blas) assert((info.blasThreads ?? 0) >= 1, "blasThreads reported");
});

for (const [sa, sb, tA, tB] of CASES) {
  Deno.test(`OpenBLAS matmul [${sa}]${tA ? "ᵀ" : ""}·[${sb}]${tB ? "ᵀ" : ""} equals a plain reference`, () => {
    if (!blas) return console.log("no OpenBLAS here; skipped");
    const a = rand(sa), b = rand(sb);
    const ref = refMatMul(a, b, tA, tB);
    const c = tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D, tA, tB);
    assertEquals(c.shape, ref.shape);
    assertAllClose(c.dataSync(), ref.data, TOL);
    tf.dispose([a, b, c]);
  });
}

Deno.test("OpenBLAS matmul: empty inner dimension gives zeros, empty outer gives an empty tensor", () => {
  if (!blas) return;
  const z = tf.matMul(tf.zeros([3, 0]) as tf.Tensor2D, tf.zeros([0, 4]) as tf.Tensor2D);
  assertEquals(z.shape, [3, 4]);
  assertAllClose(z.dataSync(), new Float32Array(12), 0);
  assertEquals(tf.matMul(tf.zeros([0, 2]) as tf.Tensor2D, tf.ones([2, 4]) as tf.Tensor2D).shape, [
    0,
    4,
  ]);
});

Deno.test("OpenBLAS matmul: mismatched inner shapes fail as in tfjs", () => {
  if (!blas) return;
  assertThrows(
    () => tf.matMul(tf.ones([2, 3]) as tf.Tensor2D, tf.ones([4, 2]) as tf.Tensor2D),
    Error,
    "inner shapes",
  );
});

Deno.test("OpenBLAS matmul: values and autodiff gradients equal tfjs's own wasm kernels", () => {
  if (!blas) return;
  // (tfjs's BatchMatMul gradient does not reduce broadcast batch dimensions: equal batches here.)
  const a = rand([3, 8, 6]), b = rand([3, 6, 5]), dy = rand([3, 8, 5]);
  const f = (x: tf.Tensor, y: tf.Tensor) =>
    tf.sum(tf.mul(tf.matMul(x as tf.Tensor3D, y as tf.Tensor3D), dy));
  const ours = tf.grads(f)([a, b]).map((g) => g.dataSync());
  const yOurs = tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D).dataSync();
  useBlasMatMul(null);
  try {
    assertEquals(blasInUse(), null);
    const theirs = tf.grads(f)([a, b]).map((g) => g.dataSync());
    assertAllClose(yOurs, tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D).dataSync(), TOL, "forward");
    ours.forEach((g, i) => assertAllClose(g, theirs[i], TOL, `gradient ${i}`));
  } finally {
    useBlasMatMul(blas);
  }
});

Deno.test("OpenBLAS _FusedMatMul: bias and activations equal the unfused computation", () => {
  if (!blas) return;
  const a = rand([2, 7, 5]), b = rand([2, 5, 6]), bias = rand([6]), alpha = rand([6]);
  const plain = tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D);
  const withBias = tf.add(plain, bias);
  const cases: [tf.fused.Activation, tf.Tensor][] = [
    ["linear", withBias],
    ["relu", tf.relu(withBias)],
    ["relu6", tf.relu6(withBias)],
    ["elu", tf.elu(withBias)],
    ["sigmoid", tf.sigmoid(withBias)],
    ["leakyrelu", tf.leakyRelu(withBias, 0.1)],
    ["prelu", tf.prelu(withBias, alpha)],
  ];
  for (const [activation, expected] of cases) {
    const got = tf.fused.matMul({
      a: a as tf.Tensor3D,
      b: b as tf.Tensor3D,
      bias,
      activation,
      leakyreluAlpha: 0.1,
      preluActivationWeights: activation === "prelu" ? alpha : undefined,
    });
    assertAllClose(got.dataSync(), expected.dataSync(), TOL, activation);
  }
  const tb = tf.fused.matMul({
    a: a as tf.Tensor3D,
    b: tf.transpose(b, [0, 2, 1]) as tf.Tensor3D,
    transposeB: true,
  });
  assertAllClose(tb.dataSync(), plain.dataSync(), TOL, "transposeB without bias");
});

Deno.test("OpenBLAS: thread count can be set and read back", () => {
  if (!blas) return;
  const before = blas.threads();
  blas.setThreads(1);
  assertEquals(blas.threads(), 1);
  blas.setThreads(before);
  assertEquals(blas.threads(), before);
});
