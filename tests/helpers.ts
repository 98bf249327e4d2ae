/** Shared test fixtures: tiny models and seeded random regression batches, WebGPU check runs. */
import type { tf } from "../lib/deps.ts";
import { probeWebGPU } from "../lib/backend/backend.ts";
import { Rng } from "../lib/util/rng.ts";
import type { RegressionInput } from "../lib/model/regression_transformer.ts";

/** A random regression batch (tokens and targets N(0, 1)), a pure function of the seed. */
export function randomRegressionBatch(
  seed: number,
  opts: { batch?: number; nPoints?: number; dim?: number } = {},
): RegressionInput {
  const { batch = 4, nPoints = 5, dim = 4 } = opts;
  const rng = new Rng(`test-batch:${seed}`);
  return {
    batch,
    nPoints,
    dim,
    tokens: rng.normalArray(batch * 2 * nPoints * dim),
    ys: rng.normalArray(batch * nPoints),
  };
}

/** A tiny regression-transformer config for fast tests. */
export const TINY = { nLayers: 2, dModel: 16, nHeads: 2, maxLen: 10, inputDim: 4 };

/**
 * Runs a WebGPU check script (it prints one JSON object) in its own process and returns that
 * object, or null — saying so — where this machine has no WebGPU adapter. The checks run apart
 * because a WebGPU device stays alive for the process that opened it.
 */
export async function runWebgpuCheck<T>(script: URL): Promise<T | null> {
  if (!(await probeWebGPU())) {
    console.log("no WebGPU adapter here (navigator.gpu gives none); skipped");
    return null;
  }
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script.pathname],
    stdout: "piped",
    stderr: "piped",
    env: { TOOLKIT_QUIET: "1", NO_COLOR: "1" },
  }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr).slice(-2000));
  const text = new TextDecoder().decode(out.stdout);
  return JSON.parse(text.slice(text.indexOf("{"))) as T;
}

/** Largest |a − b| / (max |b| + 1e-6) over the values of a pair of tensor lists. */
export async function relErr(a: tf.Tensor[], b: tf.Tensor[]): Promise<number> {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [await a[i].data(), await b[i].data()];
    if (x.length !== y.length) return Infinity;
    let scale = 1e-6, diff = 0;
    for (let j = 0; j < y.length; j++) {
      scale = Math.max(scale, Math.abs(y[j]));
      diff = Math.max(diff, Math.abs(x[j] - y[j]));
      if (!Number.isFinite(x[j])) return Infinity;
    }
    worst = Math.max(worst, diff / scale);
  }
  return worst;
}
