import { tf } from "../deps.ts";
import { loadBlas } from "../backend/blas.ts";
import { blasInUse, useBlasMatMul } from "../backend/blas_matmul.ts";
import { setFusedKernels } from "../backend/fast_path.ts";
import { RegressionTransformer } from "../model/regression_transformer.ts";
import { Adam } from "../train/optimizer.ts";
import { Rng } from "../util/rng.ts";
import type { ModelShape } from "./config.ts";
import { median } from "./train_step.ts";

/** One way of running the wasm training step. */
export interface Lever {
  name: string;
  /** OpenBLAS matmuls (else tfjs-wasm's XNNPACK kernels). */
  blas: boolean;
  /** The toolkit's fused kernels (else tfjs ops with hand-written gradients). */
  fused: boolean;
  /** OpenBLAS threads. */
  threads?: number;
}

/** The levers, from tfjs's own kernels to everything on. */
export const WASM_LEVERS: Lever[] = [
  { name: "tfjs-wasm kernels (XNNPACK), tfjs ops", blas: false, fused: false },
  { name: "OpenBLAS matmul ×2, tfjs ops", blas: true, fused: false, threads: 2 },
  { name: "OpenBLAS ×1 + fused kernels", blas: true, fused: true, threads: 1 },
  { name: "OpenBLAS ×2 + fused kernels", blas: true, fused: true, threads: 2 },
];

/** A lever's median step time. */
export interface LeverTiming {
  lever: string;
  ms_per_step: number;
  samples: number[];
}

/**
 * Times one training step (forward, backward, Adam: the trainer's inner loop) under each lever,
 * round-robin — one step of each lever in turn, `rounds` times — so all levers see the same
 * machine load; wasm backend only. Levers that need OpenBLAS are skipped without it.
 *
 * @example
 * ```ts
 * const t = measureLevers({ layers: 2, dModel: 64, heads: 2, batch: 64 }, { rounds: 5 });
 * ```
 */
export function measureLevers(
  shape: ModelShape,
  opts: { rounds: number; warmup?: number; seq?: number; inputDim?: number; levers?: Lever[] },
): LeverTiming[] {
  const { rounds, warmup = 2, seq = 40, inputDim = 16 } = opts;
  if (tf.getBackend() !== "wasm") throw new Error("measureLevers needs the wasm backend");
  const blas = blasInUse() ?? loadBlas();
  const levers = (opts.levers ?? WASM_LEVERS).filter((l) => !l.blas || blas);
  const model = new RegressionTransformer(
    { nLayers: shape.layers, dModel: shape.dModel, nHeads: shape.heads, inputDim, maxLen: seq },
    { seed: 0 },
  );
  const adam = new Adam(model.params, { lr: 1e-4, betas: [0.9, 0.9999] });
  const rng = new Rng("levers");
  const batch = {
    batch: shape.batch,
    nPoints: seq / 2,
    dim: inputDim,
    tokens: rng.normalArray(shape.batch * seq * inputDim),
    ys: rng.normalArray(shape.batch * seq / 2),
  };
  const vars = Object.values(model.params);
  const names = new Map(Object.entries(model.params).map(([n, v]) => [v.name, n]));
  const step = (l: Lever) => {
    useBlasMatMul(l.blas ? blas : null);
    if (l.blas && l.threads) blas!.setThreads(l.threads);
    setFusedKernels(l.fused);
    const t0 = performance.now();
    const { value, grads } = tf.variableGrads(() => model.loss(batch), vars);
    adam.apply(Object.fromEntries(Object.entries(grads).map(([k, g]) => [names.get(k) ?? k, g])));
    value.dataSync();
    const dt = performance.now() - t0;
    tf.dispose([value, ...Object.values(grads)]);
    return dt;
  };
  const threadsBefore = blas?.threads();
  const samples = levers.map(() => [] as number[]);
  try {
    for (const l of levers) for (let i = 0; i < warmup; i++) step(l);
    for (let r = 0; r < rounds; r++) levers.forEach((l, i) => samples[i].push(step(l)));
  } finally {
    useBlasMatMul(blas);
    if (blas && threadsBefore) blas.setThreads(threadsBefore);
    setFusedKernels(true);
    adam.dispose();
    model.dispose();
  }
  return levers.map((l, i) => ({
    lever: l.name,
    ms_per_step: Math.round(median(samples[i]) * 10) / 10,
    samples: samples[i].map((x) => Math.round(x * 10) / 10),
  }));
}
