import { tf } from "../deps.ts";
import { fusedKernels } from "./fast_path.ts";
import { cachedOp } from "./kernel_registry.ts";
import { simdKernels } from "./simd_kernels.ts";
import { f32Index, runWasmKernel, type WasmKernelFunc } from "./wasm_heap.ts";
import { gpuLayerNorm } from "./webgpu/ops.ts";
import { gpuKernels } from "./webgpu/program.ts";

/**
 * LayerNorm over the last axis of x [M, d]: (x − mean) / √(var + eps) · gamma + beta, with a
 * hand-written gradient (autodiff through moments builds many small kernels).
 *
 * Backward, with x̂ the normalised input and r = 1/√(var + eps):
 * dx = r · (g − mean(g) − x̂ · mean(g · x̂)) where g = dy · gamma; dgamma = Σ dy·x̂; dbeta = Σ dy.
 * On wasm, each direction is one fused kernel over the heap (WebAssembly SIMD when d is a
 * multiple of 4, else a JavaScript loop in double precision); on webgpu, WGSL kernels
 * (lib/backend/webgpu/layer_norm.ts).
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 *
 * const y = layerNorm(tf.randomNormal([8, 16]), tf.ones([16]), tf.zeros([16]));
 * ```
 */
export function layerNorm(
  x: tf.Tensor2D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  opts: { eps?: number } = {},
): tf.Tensor2D {
  if (gpuKernels()) return gpuLayerNorm(x, gamma, beta, opts.eps ?? 1e-5);
  return makeLayerNorm(opts.eps ?? 1e-5, fusedKernels())(x, gamma, beta);
}

type LayerNormOp = (x: tf.Tensor2D, g: tf.Tensor1D, b: tf.Tensor1D) => tf.Tensor2D;

/** The custom-gradient op for one eps, fused (wasm kernels) or of tfjs ops. */
function makeLayerNorm(eps: number, fused: boolean): LayerNormOp {
  return cachedOp(`layerNorm:${eps}:${fused}`, () =>
    tf.customGrad(
      // deno-lint-ignore no-explicit-any
      ((x: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D, save: any) => {
        const [y, xhat, rstd] = fused
          ? runWasmKernel("ToolkitLayerNorm", forwardKernel, { x, gamma, beta }, { eps })
          : tfForward(x, gamma, beta, eps);
        save([xhat, rstd, gamma]);
        return {
          value: y,
          gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
            const [xh, r, gm] = saved;
            if (fused) {
              return runWasmKernel("ToolkitLayerNormGrad", backwardKernel, {
                dy,
                xhat: xh,
                rstd: r,
                gamma: gm,
              });
            }
            const g = tf.mul(dy, gm);
            const meanG = tf.mean(g, -1, true);
            const meanGX = tf.mean(tf.mul(g, xh), -1, true);
            const dx = tf.mul(r, tf.sub(tf.sub(g, meanG), tf.mul(xh, meanGX)));
            return [dx, tf.sum(tf.mul(dy, xh), 0), tf.sum(dy, 0)];
          },
        };
      }) as never,
    ) as unknown as LayerNormOp);
}

/** [y, x̂, rstd [M, 1]] with tfjs ops. */
function tfForward(
  x: tf.Tensor2D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  eps: number,
): tf.Tensor[] {
  const mean = tf.mean(x, -1, true);
  const xc = tf.sub(x, mean);
  const variance = tf.mean(tf.square(xc), -1, true);
  const rstd = tf.rsqrt(tf.add(variance, eps));
  const xhat = tf.mul(xc, rstd);
  return [tf.add(tf.mul(xhat, gamma), beta), xhat, rstd];
}

// ---- wasm kernels ---------------------------------------------------------------------------

/** [y, x̂, rstd] of LayerNorm over rows of x [M, d]. */
const forwardKernel: WasmKernelFunc = ({ inputs: { x, gamma, beta }, backend: be, attrs }) => {
  const [M, d] = x.shape;
  const y = be.makeOutput([M, d], "float32"), xhat = be.makeOutput([M, d], "float32");
  const rstd = be.makeOutput([M], "float32");
  const H = be.wasm.HEAPF32;
  const xo = f32Index(be, x),
    yo = f32Index(be, y),
    ho = f32Index(be, xhat),
    ro = f32Index(be, rstd);
  const go = f32Index(be, gamma), bo = f32Index(be, beta), e = Number(attrs?.eps);
  const k = d % 4 === 0 ? simdKernels(be.wasm.asm.memory) : null;
  if (k) {
    k.layerNormForward(xo * 4, go * 4, bo * 4, yo * 4, ho * 4, ro * 4, M, d, e);
    return [y, xhat, rstd];
  }
  for (let r = 0; r < M; r++) {
    const row = r * d;
    let mean = 0;
    for (let j = 0; j < d; j++) mean += H[xo + row + j];
    mean /= d;
    let v = 0;
    for (let j = 0; j < d; j++) {
      const c = H[xo + row + j] - mean;
      v += c * c;
    }
    const rs = 1 / Math.sqrt(v / d + e);
    H[ro + r] = rs;
    for (let j = 0; j < d; j++) {
      const xh = (H[xo + row + j] - mean) * rs;
      H[ho + row + j] = xh;
      H[yo + row + j] = xh * H[go + j] + H[bo + j];
    }
  }
  return [y, xhat, rstd];
};

/** [dx, dgamma, dbeta] from dy, x̂, rstd and gamma. */
const backwardKernel: WasmKernelFunc = ({ inputs: { dy, xhat, rstd, gamma }, backend: be }) => {
  const [M, d] = dy.shape;
  const dx = be.makeOutput([M, d], "float32");
  const dg = be.makeOutput([d], "float32"), db = be.makeOutput([d], "float32");
  const H = be.wasm.HEAPF32;
  const yo = f32Index(be, dy),
    ho = f32Index(be, xhat),
    ro = f32Index(be, rstd),
    go = f32Index(be, gamma);
  const xo = f32Index(be, dx);
  const k = d % 4 === 0 ? simdKernels(be.wasm.asm.memory) : null;
  if (k) {
    k.layerNormBackward(
      yo * 4,
      ho * 4,
      ro * 4,
      go * 4,
      xo * 4,
      f32Index(be, dg) * 4,
      f32Index(be, db) * 4,
      M,
      d,
    );
    return [dx, dg, db];
  }
  const sg = new Float64Array(d), sb = new Float64Array(d);
  for (let r = 0; r < M; r++) {
    const row = r * d;
    let mg = 0, mgx = 0;
    for (let j = 0; j < d; j++) {
      const g = H[yo + row + j] * H[go + j];
      mg += g;
      mgx += g * H[ho + row + j];
    }
    mg /= d;
    mgx /= d;
    const rs = H[ro + r];
    for (let j = 0; j < d; j++) {
      const dyv = H[yo + row + j], xh = H[ho + row + j];
      H[xo + row + j] = rs * (dyv * H[go + j] - mg - xh * mgx);
      sg[j] += dyv * xh;
      sb[j] += dyv;
    }
  }
  H.set(sg, f32Index(be, dg));
  H.set(sb, f32Index(be, db));
  return [dx, dg, db];
};
