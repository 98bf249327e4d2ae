import { tf } from "../deps.ts";
import { type ModelShape, shapeName } from "./config.ts";
import { stepFixture } from "./step_fixture.ts";

/** Where one training step's time goes. */
export interface StepProfile {
  config: string;
  /** Wall time to record the step (forward, backward, Adam) before waiting for the device, ms. */
  enqueue_ms: number;
  /** Wall time from then until the loss is read back, ms (GPU work still queued). */
  wait_ms: number;
  /** Kernels the engine ran in one step. */
  kernel_calls: number;
  /** Sum of kernel times tf.profile reports (GPU timestamp queries on webgpu; 0 without), ms. */
  kernel_ms: number;
  /** Per kernel name: calls and summed time, slowest first. */
  kernels: { kernel: string; calls: number; ms: number }[];
}

/**
 * Profiles one training step of the regression transformer on the current backend: the time to
 * enqueue it against the time waiting for the device, and tf.profile's kernel times by name.
 * On a GPU, enqueue ≈ wall means the step is bound by the CPU side (launch overhead), wait ≫
 * enqueue by the kernels.
 *
 * @example
 * ```ts
 * const p = await profileStep({ layers: 2, dModel: 64, heads: 2, batch: 64 });
 * console.table(p.kernels.slice(0, 5));
 * ```
 */
export async function profileStep(
  shape: ModelShape,
  opts: { seq?: number; inputDim?: number; warmup?: number } = {},
): Promise<StepProfile> {
  const { seq = 40, inputDim = 16, warmup = 2 } = opts;
  const f = stepFixture(shape, { seq, inputDim });
  try {
    for (let i = 0; i < warmup; i++) await f.run(1);
    const t0 = performance.now();
    const v = f.enqueue();
    const t1 = performance.now();
    await v.data();
    const t2 = performance.now();
    v.dispose();
    const info = await tf.profile(async () => {
      await f.run(1);
    });
    const byName = new Map<string, { calls: number; ms: number }>();
    for (const k of info.kernels) {
      const ms = typeof k.kernelTimeMs === "number" ? k.kernelTimeMs : 0;
      const e = byName.get(k.name) ?? { calls: 0, ms: 0 };
      e.calls++;
      e.ms += ms;
      byName.set(k.name, e);
    }
    const kernels = [...byName].map(([kernel, e]) => ({
      kernel,
      calls: e.calls,
      ms: Math.round(e.ms * 1000) / 1000,
    }))
      .sort((a, b) => b.ms - a.ms);
    return {
      config: shapeName(shape),
      enqueue_ms: Math.round((t1 - t0) * 10) / 10,
      wait_ms: Math.round((t2 - t1) * 10) / 10,
      kernel_calls: info.kernels.length,
      kernel_ms: Math.round(kernels.reduce((s, k) => s + k.ms, 0) * 100) / 100,
      kernels,
    };
  } finally {
    f.dispose();
  }
}
