import { runWebgpuCheck } from "../../helpers.ts";
import { chooseMatMulPlan, f32, flatGrid, matMulSource } from "../../../lib/backend/webgpu/mod.ts";
import { assert, assertEquals } from "../../assert.ts";

// Every WGSL kernel against plain tfjs ops on the same webgpu backend (values and gradients),
// on whatever adapter exists (llvmpipe, a software fallback, on the build machines). A
// subprocess, so this file's backend stays put. Tolerances are relative to the largest |value|.
Deno.test("webgpu kernels: values and gradients match tfjs ops; training matches; no tensor leak", async () => {
  const r = await runWebgpuCheck<Record<string, number>>(
    new URL("./kernels_check.ts", import.meta.url),
  );
  if (!r) return;
  const matmuls = Object.keys(r).filter((k) => k.startsWith("matmul"));
  assertEquals(matmuls.length, 12, "3 shapes × 4 layouts");
  for (const k of matmuls) assert(r[k] < 1e-5, `${k}: relative error ${r[k]}`);
  assertEquals(r["adam, flat vs per parameter"], 0, "one Adam launch = one per parameter, exactly");
  for (const k of ["dense", "dense, no bias", "layerNorm", "gelu", "adam"]) {
    assert(r[k] < 1e-4, `${k}: relative error ${r[k]}`);
  }
  for (const k of Object.keys(r).filter((k) => k.startsWith("attention"))) {
    assert(r[k] < 1e-4, `${k}: relative error ${r[k]}`);
  }
  assert(r["training losses"] < 1e-4, `training losses differ by ${r["training losses"]}`);
  assertEquals(r["loss decreased"], 1, "the loss falls over 4 Adam steps");
  assertEquals(r["tensor count drift"], 0, "tf.memory().numTensors flat across steps");
  assert(r["gpu bytes in use"] > 0, "tfjs reports the GPU bytes in use");
  assertEquals(r["gpu bytes drift"], 0, "GPU bytes in use flat across steps");
});

Deno.test("matmul planner: big tiles for big outputs, split-K for the weight gradients", () => {
  assertEquals(chooseMatMulPlan(5120, 768, 256), { bm: 128, bn: 128, bk: 8, splitK: 1 });
  const dW = chooseMatMulPlan(256, 768, 5120);
  assertEquals([dW.bm, dW.bn], [128, 128]);
  assert(dW.splitK >= 10 && dW.splitK <= 20, `split ${dW.splitK}`);
  assertEquals(
    chooseMatMulPlan(5120, 256, 1024).bm,
    64,
    "an [5120, 256] output needs 64-tiles to fill the GPU",
  );
  assertEquals(chooseMatMulPlan(40, 1, 16).splitK, 1, "a short reduction is never split");
});

Deno.test("WGSL helpers: float literals, grids within the per-dimension limit, one source per layout", () => {
  assertEquals(f32(1), "1.0");
  assertEquals(f32(0.5), "0.5");
  assertEquals(flatGrid(10), [10, 1, 1]);
  const [x, y] = flatGrid(200_000);
  assert(x <= 65535 && x * y >= 200_000);
  const sources = new Set(
    [false, true].flatMap((a) =>
      [false, true].map((b) => matMulSource({ bm: 64, bn: 64, bk: 16 }, a, b, false))
    ),
  );
  assertEquals(sources.size, 4);
});
