import { tf } from "../../lib/deps.ts";
import { initBackend } from "../../lib/backend/backend.ts";
import { loadBlas } from "../../lib/backend/blas.ts";
import { useBlasMatMul } from "../../lib/backend/blas_matmul.ts";
import { dense } from "../../lib/backend/dense.ts";
import { fusedBlas, fusedKernels, setFusedKernels } from "../../lib/backend/fast_path.ts";
import { expFast } from "../../lib/backend/fast_math.ts";
import { attentionKernels, setSimdKernels, simdKernels } from "../../lib/backend/simd_kernels.ts";
import { setSimdAttention } from "../../lib/backend/simd_attention.ts";

// The SIMD kernels are on by default (TOOLKIT_SIMD=0 turns them off); these tests check them
// whatever the environment says.
setSimdKernels(true);
import { gelu } from "../../lib/backend/gelu.ts";
import { layerNorm } from "../../lib/backend/layer_norm.ts";
import { causalSelfAttention } from "../../lib/backend/attention.ts";
import { byteOffset, type WasmBackend } from "../../lib/backend/wasm_heap.ts";
import { Rng } from "../../lib/util/rng.ts";
import { assert, assertAllClose, assertEquals, assertThrows } from "../assert.ts";

await initBackend({ backend: "wasm", quiet: true });
setFusedKernels(true); // whatever TOOLKIT_FUSED says: this file tests them
const blas = loadBlas();
const TOL = 2e-5;
const rng = new Rng("fused-test");
const rand = (shape: number[]) =>
  tf.tensor(rng.normalArray(shape.reduce((x, y) => x * y, 1)), shape);

/**
 * Runs f with the fused kernels on (and OpenBLAS, unless `noBlas`), then with plain tfjs ops and
 * tfjs's matmul.
 */
function fusedAndPlain(f: () => Float32Array[], noBlas = false): [Float32Array[], Float32Array[]] {
  if (noBlas) useBlasMatMul(null);
  const fused = f();
  setFusedKernels(false);
  useBlasMatMul(null);
  try {
    return [fused, f()];
  } finally {
    setFusedKernels(true);
    useBlasMatMul(blas);
  }
}

/** Values and gradients (w.r.t. every input, against a random cotangent) of op(...inputs). */
function valueAndGrads(
  op: (...x: tf.Tensor[]) => tf.Tensor,
  inputs: tf.Tensor[],
  dySeed: number,
): Float32Array[] {
  return tf.tidy(() => {
    const y = op(...inputs);
    const dy = tf.randomNormal(y.shape, 0, 1, "float32", dySeed);
    const grads = tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(op(...a), dy)))(inputs);
    return [y.dataSync() as Float32Array, ...grads.map((g) => g.dataSync() as Float32Array)];
  });
}

function compare(
  name: string,
  op: (...x: tf.Tensor[]) => tf.Tensor,
  shapes: number[][],
  opts: { needsBlas?: boolean; noBlas?: boolean; tol?: number; perHead?: boolean } = {},
) {
  Deno.test(`fused ${name}: values and gradients equal the plain tfjs ops`, () => {
    if (opts.needsBlas && !blas) return console.log("no OpenBLAS here; skipped");
    assert(fusedKernels(), "fused kernels on");
    const inputs = shapes.map(rand);
    // perHead: attention's per-head path even where the one-call SIMD kernel applies (that
    // kernel has its own tests, simd_attention_test.ts).
    const was = setSimdAttention(!opts.perHead);
    let fused: Float32Array[], plain: Float32Array[];
    try {
      [fused, plain] = fusedAndPlain(() => valueAndGrads(op, inputs, 99), opts.noBlas);
    } finally {
      setSimdAttention(was);
    }
    assertEquals(fused.length, plain.length);
    fused.forEach((v, i) =>
      assertAllClose(
        v,
        plain[i],
        opts.tol ?? TOL * (i ? 10 : 1),
        `${name} ${i ? `grad ${i - 1}` : "value"}`,
      )
    );
    tf.dispose(inputs);
  });
}

// Odd and degenerate sizes on purpose (rows of 1, a single column, K = 1).
compare(
  "dense 7×5·5×3 + b",
  (x, w, b) => dense(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D),
  [[7, 5], [5, 3], [3]],
  { needsBlas: true },
);
compare(
  "dense 1×9·9×1 + b",
  (x, w, b) => dense(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D),
  [[1, 9], [9, 1], [1]],
  { needsBlas: true },
);
compare(
  "dense 13×1·1×6 + b",
  (x, w, b) => dense(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D),
  [[13, 1], [1, 6], [6]],
  { needsBlas: true },
);
compare("dense 33×17·17×29, no bias", (x, w) => dense(x as tf.Tensor2D, w as tf.Tensor2D), [[
  33,
  17,
], [17, 29]], { needsBlas: true });
compare(
  "dense 7×5·5×3 + b + residual",
  (x, w, b, r) => dense(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D, r as tf.Tensor2D),
  [[7, 5], [5, 3], [3], [7, 3]],
  { needsBlas: true },
);
compare(
  "dense 6×5·5×8 + b + residual (N a multiple of 4: the SIMD residual-plus-bias pass)",
  (x, w, b, r) => dense(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D, r as tf.Tensor2D),
  [[6, 5], [5, 8], [8], [6, 8]],
  { needsBlas: true },
);
compare(
  "dense 9×4·4×2 + residual, no bias",
  (x, w, r) => dense(x as tf.Tensor2D, w as tf.Tensor2D, undefined, r as tf.Tensor2D),
  [[9, 4], [4, 2], [9, 2]],
  { needsBlas: true },
);
compare(
  "layerNorm 5×8",
  (x, g, b) => layerNorm(x as tf.Tensor2D, g as tf.Tensor1D, b as tf.Tensor1D),
  [[5, 8], [8], [8]],
);
compare(
  "layerNorm 3×33, eps 1e-3",
  (x, g, b) => layerNorm(x as tf.Tensor2D, g as tf.Tensor1D, b as tf.Tensor1D, { eps: 1e-3 }),
  [[3, 33], [33], [33]],
);
compare("gelu 4×7 (SIMD only)", (u) => gelu(u), [[4, 7]]);
compare("gelu 1×3 (JavaScript tail only)", (u) => gelu(u), [[1, 3]]);
compare("gelu 2×3×5 (SIMD and tail, large inputs)", (u) => gelu(tf.mul(u, 6)), [[2, 3, 5]], {
  tol: 1e-4,
});

const attention = (B: number, H: number) => (qkv: tf.Tensor) =>
  causalSelfAttention(qkv as tf.Tensor2D, { batch: B, heads: H }).out;
// The per-head path (perHead): with OpenBLAS, sgemm per head; without, the per-head SIMD kernels
// (head sizes that are multiples of 4).
const ATTENTION_CASES: [string, number, number, number[]][] = [
  ["B 3, T 5, d 8, 2 heads", 3, 2, [15, 24]],
  ["B 2, T 13, d 24, 3 heads (hd 8)", 2, 3, [26, 72]],
  ["B 1, T 1, d 4, 1 head", 1, 1, [1, 12]],
  ["B 2, T 7, d 6, 2 heads (hd 3)", 2, 2, [14, 18]],
  ["B 2, T 9, d 10, 5 heads (hd 2)", 2, 5, [18, 30]],
  // T a multiple of 4: the SIMD causal softmax and its gradient (simd_kernels.ts)
  ["B 2, T 8, d 16, 2 heads (hd 8)", 2, 2, [16, 48]],
  ["B 2, T 40, d 64, 2 heads (hd 32)", 2, 2, [80, 192]],
];
for (const [label, B, H, shape] of ATTENTION_CASES) {
  const perHead = true;
  compare(`self-attention ${label}, OpenBLAS`, attention(B, H), [shape], {
    needsBlas: true,
    perHead,
  });
  if ((shape[1] / 3 / H) % 4 === 0) {
    compare(`self-attention ${label}, SIMD kernels`, attention(B, H), [shape], {
      noBlas: true,
      perHead,
    });
  }
}

Deno.test("fused self-attention: probabilities (hooks) take the tfjs path and are causal", () => {
  const qkv = rand([2 * 4, 3 * 6]) as tf.Tensor2D;
  const r = causalSelfAttention(qkv, { batch: 2, heads: 3, probs: true });
  assertEquals(r.probs!.shape, [2, 3, 4, 4]);
  const p = r.probs!.arraySync() as number[][][][];
  for (let i = 0; i < 4; i++) {
    assertAllClose([p[1][2][i].reduce((a, b) => a + b, 0)], [1], 1e-5);
    for (let j = i + 1; j < 4; j++) assertEquals(p[1][2][i][j], 0);
  }
  assertAllClose(
    r.out.dataSync(),
    causalSelfAttention(qkv, { batch: 2, heads: 3 }).out.dataSync(),
    TOL,
  );
});

Deno.test("fused kernels: off with setFusedKernels(false), and on only for wasm", () => {
  setFusedKernels(false);
  assertEquals(fusedKernels(), false);
  assertEquals(fusedBlas(), null);
  setFusedKernels(true);
  assertEquals(fusedKernels(), true);
});

Deno.test("fused kernels: tensor and heap-buffer counts are flat (no leaked outputs or scratch)", () => {
  const x = rand([6, 8]) as tf.Tensor2D,
    w = rand([8, 24]) as tf.Tensor2D,
    b = rand([24]) as tf.Tensor1D;
  const g = tf.ones([8]) as tf.Tensor1D, z = tf.zeros([8]) as tf.Tensor1D;
  const step = () =>
    tf.tidy(() => {
      const f = (xx: tf.Tensor) => {
        const qkv = dense(layerNorm(xx as tf.Tensor2D, g, z), w, b);
        return tf.sum(gelu(causalSelfAttention(qkv, { batch: 2, heads: 2 }).out));
      };
      tf.grad(f)(x).dataSync();
    });
  step();
  const before = tf.memory();
  for (let i = 0; i < 3; i++) step();
  assertEquals(tf.memory().numTensors, before.numTensors);
  assertEquals(tf.memory().numDataBuffers, before.numDataBuffers, "wasm heap buffers");
});

Deno.test("SIMD kernels compile and instantiate on the wasm heap here", () => {
  const be = tf.backend() as unknown as { wasm: { asm: { memory: WebAssembly.Memory } } };
  assert(simdKernels(be.wasm.asm.memory) !== null);
});

Deno.test("SIMD kernels: a range outside the wasm memory throws an Error naming the kernel", () => {
  // The guard runs before the kernel, so none of these calls touches the heap.
  const mem = (tf.backend() as unknown as { wasm: { asm: { memory: WebAssembly.Memory } } }).wasm
    .asm.memory;
  const k = simdKernels(mem)!, size = mem.buffer.byteLength;
  assertThrows(() => k.geluForward(size - 16, 64, 128, 8), Error, "geluForward: u lies outside");
  assertThrows(() => k.geluForward(64, 0, 128, 8), Error, "y starts at the null pointer");
  assertThrows(
    () => k.geluBackward(64, 64, 64, 64, 6),
    Error,
    "n must be a non-negative multiple of 4",
  );
  assertThrows(
    () => k.adam(64, 64, size, 64, 4, 0.9, 0.1, 0.999, 0.001, 1e-8, 1e-3, 1, 1),
    Error,
    "adam: v",
  );
  assertThrows(
    () => k.layerNormForward(64, 64, 64, 64, 64, 64, 2 ** 20, 1024, 1e-5),
    Error,
    `wasm memory ${size} bytes`,
  );
  assertThrows(
    () => k.layerNormBackward(64, 64, 64, 64, 64, 64, 64, 4, 6),
    Error,
    "layerNormBackward: d must",
  );
  assertThrows(
    () => k.rowsPlusBias(64, 64, size - 64, 4, 8),
    Error,
    "rowsPlusBias: y lies outside",
  );
  const a = attentionKernels(mem, 8)!;
  assertThrows(
    () => a.scores(64, 96, 64, 96, size - 100, 40, 1),
    Error,
    "scores (hd 8): s lies outside",
  );
  assertThrows(
    () => a.cols(64, 0, 96, 64, 96, 40, 1),
    Error,
    "cols (hd 8): a starts at the null pointer",
  );
  // An empty range is fine anywhere (nothing is touched).
  k.geluForward(0, 0, 0, 0);
});

Deno.test("byteOffset: a non-empty tensor at offset 0 (malloc failed, heap full) throws", () => {
  const fake = (memoryOffset: number, shape: number[]) =>
    ({
      dataIdMap: { get: () => ({ id: 1, memoryOffset, refCount: 1, shape, dtype: "float32" }) },
      wasm: { HEAPU8: new Uint8Array(16) },
    }) as unknown as WasmBackend;
  const t = { dataId: {}, shape: [4], dtype: "float32" } as tf.TensorInfo;
  assertThrows(() => byteOffset(fake(0, [4]), t), Error, "has no wasm memory");
  assertEquals(byteOffset(fake(0, [0]), t), 0);
  assertEquals(byteOffset(fake(64, [4]), t), 64);
});

Deno.test("expFast: relative error below 1e-7 over the float32 range, clamped beyond", () => {
  let worst = 0;
  for (let x = -87; x <= 87; x += 0.0137) {
    worst = Math.max(worst, Math.abs(expFast(x) / Math.exp(x) - 1));
  }
  assert(worst < 1e-7, `worst relative error ${worst}`);
  assertEquals(expFast(0), 1);
  assert(expFast(-1000) > 0 && expFast(-1000) < 1e-37);
  assert(Number.isFinite(expFast(1000)));
});
