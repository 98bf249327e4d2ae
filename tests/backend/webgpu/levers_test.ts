import { runWebgpuCheck } from "../../helpers.ts";
import { assert, assertEquals } from "../../assert.ts";

// The kernels behind the dispatch levers (one Adam launch, bias gradients from the weight
// gradient's launch, residual and GELU in matmul epilogues, the one-launch LayerNorm backward,
// dx and dW in one launch) against plain tfjs ops on the webgpu backend, values and gradients,
// on whatever adapter exists (llvmpipe on the build machines). A subprocess, so this file's
// backend stays put. Tolerances are relative to the largest |value|.
Deno.test("webgpu levers: values and gradients match tfjs ops; flat Adam equals per-parameter Adam exactly", async () => {
  const r = await runWebgpuCheck<Record<string, number>>(
    new URL("./levers_check.ts", import.meta.url),
  );
  if (!r) return;
  for (const prefix of ["weight+bias grads", "dense", "layerNorm", "mlp + residual"]) {
    const keys = Object.keys(r).filter((k) => k.startsWith(prefix));
    assert(keys.length > 0, `${prefix}: checked`);
    for (const k of keys) assert(r[k] < 1e-5, `${k}: relative error ${r[k]}`);
  }
  assertEquals(r["adam, flat mixed with other paths"], 0, "same float32 arithmetic on every path");
});
