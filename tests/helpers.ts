import { probeWebGPU } from "../lib/backend/backend.ts";
/** Shared test fixtures: tiny models and seeded random regression batches. */
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
