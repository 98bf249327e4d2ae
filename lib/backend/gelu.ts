import { tf } from "../deps.ts";
import { fusedKernels } from "./fast_path.ts";
import { expFast } from "./fast_math.ts";
import { simdKernels } from "./simd_kernels.ts";
import {
  f32Index,
  runWasmKernel,
  sizeOf,
  type WasmBackend,
  type WasmKernelFunc,
} from "./wasm_heap.ts";
import { gpuGelu } from "./webgpu/ops.ts";
import { gpuKernels } from "./webgpu/program.ts";

const C = Math.sqrt(2 / Math.PI);
const K = 0.044715;

/**
 * GELU, tanh approximation (GPT-2's): 0.5·u·(1 + tanh(c·(u + 0.044715u³))), written as
 * u·σ(2c·(u + 0.044715u³)) — the same function, since 1 + tanh(z) = 2σ(2z) — because sigmoid is
 * ~4× faster than tanh on the wasm backend. Hand-written gradient:
 * s + u·s·(1 − s)·2c·(1 + 3·0.044715u²), with s the sigmoid above. On wasm, each direction is
 * one fused kernel over the heap (WebAssembly SIMD, see `simd_kernels.ts`).
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 *
 * const y = gelu(tf.tensor1d([-1, 0, 1])); // ≈ [-0.159, 0, 0.841]
 * ```
 */
export function gelu<T extends tf.Tensor>(u: T): T {
  if (gpuKernels()) return gpuGelu(u);
  return (fusedKernels() ? fusedGelu(u) : tfGelu(u)) as T;
}

const tfGelu = tf.customGrad(
  // deno-lint-ignore no-explicit-any
  ((u: tf.Tensor, save: any) => {
    const u2 = tf.square(u);
    const s = tf.sigmoid(tf.mul(tf.mul(u, tf.add(tf.mul(u2, K), 1)), 2 * C));
    save([u, u2, s]);
    return {
      value: tf.mul(u, s),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [us, u2s, ss] = saved;
        const ds = tf.mul(tf.mul(ss, tf.sub(1, ss)), tf.mul(tf.add(tf.mul(u2s, 3 * K), 1), 2 * C));
        return [tf.mul(dy, tf.add(ss, tf.mul(us, ds)))];
      },
    };
  }) as never,
) as unknown as (u: tf.Tensor) => tf.Tensor;

// ---- wasm kernels ---------------------------------------------------------------------------

/** Floats a SIMD kernel handles (a multiple of 4; 0 without SIMD); JavaScript does the rest. */
function simdPart(be: WasmBackend, n: number) {
  const k = simdKernels(be.wasm.asm.memory);
  return { k, done: k ? n - (n % 4) : 0 };
}

/** [y, s]: y = u·s with s = σ(2c·(u + 0.044715u³)) kept for the gradient. */
const forwardKernel: WasmKernelFunc = ({ inputs: { u }, backend: be }) => {
  const y = be.makeOutput(u.shape, "float32"), s = be.makeOutput(u.shape, "float32");
  const n = sizeOf(u.shape);
  const uo = f32Index(be, u), yo = f32Index(be, y), so = f32Index(be, s);
  const { k, done } = simdPart(be, n);
  if (k && done) k.geluForward(uo * 4, yo * 4, so * 4, done);
  const H = be.wasm.HEAPF32;
  for (let i = done; i < n; i++) {
    const x = H[uo + i];
    const sig = 1 / (1 + expFast(-2 * C * x * (1 + K * x * x)));
    H[so + i] = sig;
    H[yo + i] = x * sig;
  }
  return [y, s];
};

/** du = dy · (s + u·s·(1 − s)·2c·(1 + 3·0.044715u²)). */
const backwardKernel: WasmKernelFunc = ({ inputs: { dy, u, s }, backend: be }) => {
  const du = be.makeOutput(u.shape, "float32");
  const n = sizeOf(u.shape);
  const yo = f32Index(be, dy), uo = f32Index(be, u), so = f32Index(be, s), o = f32Index(be, du);
  const { k, done } = simdPart(be, n);
  if (k && done) k.geluBackward(yo * 4, uo * 4, so * 4, o * 4, done);
  const H = be.wasm.HEAPF32;
  for (let i = done; i < n; i++) {
    const x = H[uo + i], sig = H[so + i];
    H[o + i] = H[yo + i] * (sig + x * sig * (1 - sig) * 2 * C * (1 + 3 * K * x * x));
  }
  return du;
};

const fusedGelu = tf.customGrad(
  // deno-lint-ignore no-explicit-any
  ((u: tf.Tensor, save: any) => {
    const [y, s] = runWasmKernel("ToolkitGelu", forwardKernel, { u });
    save([u, s]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        runWasmKernel("ToolkitGeluGrad", backwardKernel, { dy, u: saved[0], s: saved[1] }),
    };
  }) as never,
) as unknown as (u: tf.Tensor) => tf.Tensor;
