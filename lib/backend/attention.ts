import { tf } from "../deps.ts";
import { fusedBlas, fusedKernels } from "./fast_path.ts";
import { cachedOp } from "./kernel_registry.ts";
import { attentionKernels, softmaxKernels } from "./simd_kernels.ts";
import { attentionScratch, fusedAttentionKernels } from "./simd_attention.ts";
import { expFast } from "./fast_math.ts";
import {
  byteOffset,
  f32Index,
  runWasmKernel,
  type WasmBackend,
  type WasmKernelFunc,
} from "./wasm_heap.ts";
import { gpuAttentionFits } from "./webgpu/attention.ts";
import { gpuSelfAttention } from "./webgpu/ops.ts";
import { gpuKernels } from "./webgpu/program.ts";

/** Options of {@link causalSelfAttention}. */
export interface SelfAttentionOptions {
  /** Sequences in the batch (rows of qkv = batch · T). */
  batch: number;
  /** Attention heads (divides d). */
  heads: number;
  /** Also return the attention probabilities [batch, heads, T, T] (hooks). Default false. */
  probs?: boolean;
}

/**
 * Multi-head causal self-attention straight from the fused projection qkv [B·T, 3d] (columns:
 * q, k, v; head h is columns h·hd … (h+1)·hd − 1 of each): returns the heads' outputs merged
 * back to [B·T, d] (head h in the same columns), ready for the output projection.
 *
 * On wasm it is one kernel each way that works on strided views of qkv (no split, no head
 * transposes): when T and the head size are multiples of 4, one WebAssembly SIMD call per layer
 * that loops over every (sequence, head) itself (`simd_attention.ts`); otherwise a JavaScript
 * loop over the heads, their products by OpenBLAS sgemm (or, without OpenBLAS, SIMD kernels when
 * the head size is a multiple of 4), softmax and its gradient in place. On webgpu
 * it is one WGSL kernel each way (lib/backend/webgpu/attention.ts) when a head fits in
 * workgroup memory. Elsewhere (or with `probs`) it is split + 4-D transposes +
 * {@link causalAttention}.
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 *
 * const qkv = tf.randomNormal([2 * 5, 3 * 8]) as tf.Tensor2D; // B 2, T 5, d 8
 * const { out } = causalSelfAttention(qkv, { batch: 2, heads: 2 }); // [10, 8]
 * ```
 */
export function causalSelfAttention(
  qkv: tf.Tensor2D,
  opts: SelfAttentionOptions,
): { out: tf.Tensor2D; probs?: tf.Tensor4D } {
  const { batch: B, heads: H } = opts;
  const [M, d3] = qkv.shape, d = d3 / 3, T = M / B, hd = d / H;
  if (!Number.isInteger(T) || !Number.isInteger(hd)) {
    throw new Error(
      `causalSelfAttention: qkv [${qkv.shape}] does not split into batch ${B} and ${H} heads`,
    );
  }
  if (!opts.probs && fusedAttentionAvailable(hd, T)) {
    return { out: fusedSelfAttention(B, H)(qkv) };
  }
  if (!opts.probs && gpuKernels() && gpuAttentionFits(T, hd)) {
    return { out: gpuSelfAttention(qkv, B, H) };
  }
  const toHeads = (x: tf.Tensor2D) =>
    tf.reshape(tf.transpose(tf.reshape(x, [B, T, H, hd]), [0, 2, 1, 3]), [
      B * H,
      T,
      hd,
    ]) as tf.Tensor3D;
  const merge = (o: tf.Tensor3D) =>
    tf.reshape(tf.transpose(tf.reshape(o, [B, H, T, hd]), [0, 2, 1, 3]), [M, d]) as tf.Tensor2D;
  const [q, k, v] = tf.split(qkv, 3, 1) as tf.Tensor2D[];
  if (!opts.probs) return { out: merge(causalAttentionOut(toHeads(q), toHeads(k), toHeads(v))) };
  const r = causalAttention(toHeads(q), toHeads(k), toHeads(v));
  return { out: merge(r.out), probs: tf.reshape(r.probs, [B, H, T, T]) };
}

/**
 * Causal scaled dot-product attention over q, k, v [BH, T, hd] (batch × heads folded), with a
 * hand-written gradient that uses explicit 3-D transposes instead of matMul's transpose flags
 * (slow on wasm, spec/00_stack.md). Returns the output [BH, T, hd] and the attention
 * probabilities [BH, T, T] (what hooks report as attention patterns).
 *
 * Backward: dP = dO·vᵀ; dv = Pᵀ·dO; dS = P ⊙ (dP − Σ_j dP⊙P); dq = dS·k/√hd; dk = dSᵀ·q/√hd.
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 *
 * const q = tf.randomNormal([2, 5, 4]) as tf.Tensor3D;
 * const { out } = causalAttention(q, q, q);
 * ```
 */
export function causalAttention(
  q: tf.Tensor3D,
  k: tf.Tensor3D,
  v: tf.Tensor3D,
): { out: tf.Tensor3D; probs: tf.Tensor3D } {
  const T = q.shape[1];
  const mask = causalMask(T);
  const probs = tf.tidy(() => attentionProbs(q, k, mask));
  return { out: attentionCore(q, k, v, mask), probs };
}

/**
 * Only the attention output (no probabilities kept): the training path.
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 *
 * const q = tf.randomNormal([2, 5, 8]) as tf.Tensor3D; // [B·H, T, headDim]
 * const out = causalAttentionOut(q, q, q); // [2, 5, 8]
 * ```
 */
export function causalAttentionOut(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D): tf.Tensor3D {
  return attentionCore(q, k, v, causalMask(q.shape[1]));
}

const masks = new Map<string, tf.Tensor2D>();
/**
 * Additive causal mask [T, T]: 0 on and below the diagonal, −1e9 above. Cached per backend and
 * T (a tensor lives on the backend that made it; another backend cannot read it synchronously).
 */
function causalMask(T: number): tf.Tensor2D {
  const key = `${tf.getBackend()}:${T}`;
  let m = masks.get(key);
  if (!m) {
    const data = new Float32Array(T * T);
    for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) data[i * T + j] = -1e9;
    m = tf.keep(tf.tensor2d(data, [T, T]));
    masks.set(key, m);
  }
  return m;
}

function attentionProbs(q: tf.Tensor3D, k: tf.Tensor3D, mask: tf.Tensor2D): tf.Tensor3D {
  const scale = 1 / Math.sqrt(q.shape[2]);
  const scores = tf.add(tf.mul(tf.matMul(q, tf.transpose(k, [0, 2, 1])), scale), mask);
  return tf.softmax(scores) as tf.Tensor3D;
}

const attentionCore = tf.customGrad(
  // deno-lint-ignore no-explicit-any
  ((q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, mask: tf.Tensor2D, save: any) => {
    const p = attentionProbs(q, k, mask);
    save([q, k, v, p]);
    return {
      value: tf.matMul(p, v),
      gradFunc: (dO: tf.Tensor3D, saved: tf.Tensor[]) => {
        const [qs, ks, vs, ps] = saved as tf.Tensor3D[];
        const scale = 1 / Math.sqrt(qs.shape[2]);
        const dP = tf.matMul(dO, tf.transpose(vs, [0, 2, 1]));
        const dv = tf.matMul(tf.transpose(ps, [0, 2, 1]), dO);
        const dS = tf.mul(ps, tf.sub(dP, tf.sum(tf.mul(dP, ps), -1, true)));
        const dq = tf.mul(tf.matMul(dS, ks), scale);
        const dk = tf.mul(tf.matMul(tf.transpose(dS, [0, 2, 1]), qs), scale);
        return [dq, dk, dv, tf.zerosLike(mask)];
      },
    };
  }) as never,
) as unknown as (q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, mask: tf.Tensor2D) => tf.Tensor3D;

// ---- wasm kernels -----------------------------------------------------------------------------

/** Geometry of one (sequence, head) block inside qkv [B·T, 3d] and out [B·T, d]. */
function geometry(qkvShape: number[], attrs: Record<string, unknown> | undefined) {
  const B = Number(attrs?.batch), H = Number(attrs?.heads);
  const [M, d3] = qkvShape, d = d3 / 3, T = M / B, hd = d / H;
  return { B, H, T, d, hd, scale: 1 / Math.sqrt(hd) };
}

/**
 * The three products of one head, on T×T causal matrices P (row-major, lower triangle used) and
 * row blocks of hd floats at any row stride (pointers in bytes, strides in floats).
 */
interface HeadProducts {
  /** s = scale · a·bᵀ (at least the lower triangle). */
  scores(a: number, lda: number, b: number, ldb: number, s: number, scale: number): void;
  /** o = alpha · P·A. */
  rows(p: number, a: number, lda: number, o: number, ldo: number, alpha: number): void;
  /** o = alpha · Pᵀ·A. */
  cols(p: number, a: number, lda: number, o: number, ldo: number, alpha: number): void;
}

/**
 * OpenBLAS (one small sgemm per product) when available; else WebAssembly SIMD kernels that skip
 * the masked half, when hd is a multiple of 4 (measured on 64×4 heads of 40×32: OpenBLAS ~3×
 * faster than these kernels, which are ~4× faster than tfjs's batched matmuls); else null. Call
 * after the kernel's allocations (OpenBLAS is handed the current heap buffer).
 */
function headProducts(be: WasmBackend, T: number, hd: number): HeadProducts | null {
  const blas = fusedBlas(), heap = be.wasm.HEAPU8.buffer as ArrayBuffer;
  if (blas) {
    return {
      scores: (a, lda, b, ldb, s, scale) =>
        blas.sgemm(heap, false, true, T, T, hd, scale, a, lda, b, ldb, 0, s, T),
      rows: (p, a, lda, o, ldo, alpha) =>
        blas.sgemm(heap, false, false, T, hd, T, alpha, p, T, a, lda, 0, o, ldo),
      cols: (p, a, lda, o, ldo, alpha) =>
        blas.sgemm(heap, true, false, T, hd, T, alpha, p, T, a, lda, 0, o, ldo),
    };
  }
  const k = attentionKernels(be.wasm.asm.memory, hd);
  if (!k) return null;
  return {
    scores: (a, lda, b, ldb, s, scale) => k.scores(a, lda * 4, b, ldb * 4, s, T, scale),
    rows: (p, a, lda, o, ldo, alpha) => k.rows(p, a, lda * 4, o, ldo * 4, T, alpha),
    cols: (p, a, lda, o, ldo, alpha) => k.cols(p, a, lda * 4, o, ldo * 4, T, alpha),
  };
}

/** Whether the fused kernels can run attention with head size hd and T rows here. */
function fusedAttentionAvailable(hd: number, T: number): boolean {
  if (!fusedKernels()) return false;
  const memory = (tf.backend() as unknown as WasmBackend).wasm.asm.memory;
  return fusedAttentionKernels(memory, { hd, T }) !== null ||
    attentionKernels(memory, hd) !== null || fusedBlas() !== null;
}

/** [out, probs]: per (b, h), S = QKᵀ/√hd, causal softmax in place, O = P·V. */
const forwardKernel: WasmKernelFunc = ({ inputs: { qkv }, backend: be, attrs }) => {
  const { B, H, T, d, hd, scale } = geometry(qkv.shape, attrs);
  const out = be.makeOutput([B * T, d], "float32"), probs = be.makeOutput([B * H, T, T], "float32");
  const fused = fusedAttentionKernels(be.wasm.asm.memory, { hd, T });
  if (fused) {
    // The whole layer in one SIMD call (every (sequence, head) inside the kernel).
    const scratch = be.makeOutput([attentionScratch(T, d).forward], "float32");
    const [pq, po, pp, ps] = [qkv, out, probs, scratch].map((t) => byteOffset(be, t));
    fused.forward(pq, po, pp, ps, B, H, T, d, scale);
    be.disposeData(scratch.dataId);
    return [out, probs];
  }
  const ops = headProducts(be, T, hd)!, F = be.wasm.HEAPF32;
  const sm = softmaxKernels(be.wasm.asm.memory, T);
  const pq = byteOffset(be, qkv), po = byteOffset(be, out), pp = byteOffset(be, probs);
  const ld = 3 * d;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const q = pq + 4 * (b * T * ld + h * hd), p = pp + 4 * (b * H + h) * T * T;
      ops.scores(q, ld, q + 4 * d, ld, p, scale);
      if (sm) {
        // SIMD causal softmax (the JavaScript loop below was ~40% of attention's CPU time).
        sm.softmax(p, T);
        ops.rows(p, q + 8 * d, ld, po + 4 * (b * T * d + h * hd), d, 1);
        continue;
      }
      const f = p >>> 2;
      for (let i = 0; i < T; i++) {
        const row = f + i * T;
        let max = -Infinity;
        for (let j = 0; j <= i; j++) if (F[row + j] > max) max = F[row + j];
        let sum = 0;
        for (let j = 0; j <= i; j++) {
          const e = expFast(F[row + j] - max);
          F[row + j] = e;
          sum += e;
        }
        const inv = 1 / sum;
        for (let j = 0; j <= i; j++) F[row + j] *= inv;
        for (let j = i + 1; j < T; j++) F[row + j] = 0;
      }
      ops.rows(p, q + 8 * d, ld, po + 4 * (b * T * d + h * hd), d, 1);
    }
  }
  return [out, probs];
};

/**
 * dqkv from dout, qkv and probs, per (b, h): dP = dO·Vᵀ, dV = Pᵀ·dO, dS = P ⊙ (dP − Σ_j dP⊙P),
 * dQ = dS·K/√hd, dK = dSᵀ·Q/√hd, each written into its columns of dqkv.
 */
const backwardKernel: WasmKernelFunc = ({ inputs: { dout, qkv, probs }, backend: be, attrs }) => {
  const { B, H, T, d, hd, scale } = geometry(qkv.shape, attrs);
  const dqkv = be.makeOutput(qkv.shape, "float32");
  const fused = fusedAttentionKernels(be.wasm.asm.memory, { hd, T });
  if (fused) {
    const scratch = be.makeOutput([attentionScratch(T, d).backward], "float32");
    const [g, dO, q, p, s] = [dqkv, dout, qkv, probs, scratch].map((t) => byteOffset(be, t));
    fused.backward(dO, q, p, g, s, B, H, T, d, scale);
    be.disposeData(scratch.dataId);
    return dqkv;
  }
  const tmp = be.makeOutput([T, T], "float32");
  const ops = headProducts(be, T, hd)!, F = be.wasm.HEAPF32;
  const pq = byteOffset(be, qkv), pd = byteOffset(be, dout), pp = byteOffset(be, probs);
  const pg = byteOffset(be, dqkv), ps = byteOffset(be, tmp), fs = f32Index(be, tmp);
  const sm = softmaxKernels(be.wasm.asm.memory, T);
  // The SIMD dS kernel reads whole rows of dP: zeros above the diagonal where a scores kernel
  // writes only the lower triangle (uninitialised memory could hold NaNs).
  if (sm) F.fill(0, fs, fs + T * T);
  const ld = 3 * d;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const blk = 4 * (b * T * ld + h * hd), q = pq + blk, g = pg + blk;
      const dO = pd + 4 * (b * T * d + h * hd), p = pp + 4 * (b * H + h) * T * T, fp = p >>> 2;
      ops.scores(dO, d, q + 8 * d, ld, ps, 1);
      ops.cols(p, dO, d, g + 8 * d, ld, 1);
      if (sm) sm.softmaxGrad(ps, p, T);
      else {
        for (let i = 0; i < T; i++) {
          const rs = fs + i * T, rp = fp + i * T;
          let dot = 0;
          for (let j = 0; j <= i; j++) dot += F[rs + j] * F[rp + j];
          for (let j = 0; j <= i; j++) F[rs + j] = F[rp + j] * (F[rs + j] - dot);
          for (let j = i + 1; j < T; j++) F[rs + j] = 0;
        }
      }
      ops.rows(ps, q + 4 * d, ld, g, ld, scale);
      ops.cols(ps, q, ld, g + 4 * d, ld, scale);
    }
  }
  be.disposeData(tmp.dataId);
  return dqkv;
};

type Attn = (qkv: tf.Tensor2D) => tf.Tensor2D;

/** The fused op for a batch and head count. */
function fusedSelfAttention(batch: number, heads: number): Attn {
  const attrs = { batch, heads };
  return cachedOp(`selfAttention:${batch}x${heads}`, () =>
    tf.customGrad(
      // deno-lint-ignore no-explicit-any
      ((qkv: tf.Tensor2D, save: any) => {
        const [out, probs] = runWasmKernel("ToolkitSelfAttention", forwardKernel, { qkv }, attrs);
        save([qkv, probs]);
        return {
          value: out,
          gradFunc: (dout: tf.Tensor2D, saved: tf.Tensor[]) =>
            runWasmKernel("ToolkitSelfAttentionGrad", backwardKernel, {
              dout,
              qkv: saved[0],
              probs: saved[1],
            }, attrs),
        };
      }) as never,
    ) as unknown as Attn);
}
