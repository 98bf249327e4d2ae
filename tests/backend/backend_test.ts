import { runWebgpuCheck } from "../helpers.ts";
import { initBackend } from "../../lib/backend/backend.ts";
import { ConfigError } from "../../lib/util/validate.ts";
import { assert, assertAllClose, assertEquals, assertRejects } from "../assert.ts";

Deno.test("initBackend: wasm when asked, and reports it", async () => {
  const info = await initBackend({ backend: "wasm", quiet: true });
  assertEquals(info.backend, "wasm");
  assertEquals(info.reason, "requested");
});

Deno.test("initBackend: an unknown backend names the field and the allowed values", async () => {
  const e = await assertRejects(
    () => initBackend({ backend: "tpu" as never, quiet: true }),
    'field "backend"',
  );
  assert(e instanceof ConfigError);
  assert(e.message.includes("webgpu, wasm, cpu"));
});

// WebGPU ops on whatever adapter exists (llvmpipe, a software fallback, on the build machines).
// A subprocess, so this file's backend stays wasm.
Deno.test("webgpu: dense, layerNorm and attention match the cpu backend", async () => {
  const res = await runWebgpuCheck<{ gpu: number[]; cpu: number[] }>(
    new URL("./webgpu_check.ts", import.meta.url),
  );
  if (!res) return;
  const { gpu, cpu } = res;
  assertAllClose(gpu, cpu, 1e-4, "webgpu vs cpu");
});
