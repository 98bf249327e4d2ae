import { initBackend, probeWebGPU } from "../../lib/backend/backend.ts";
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
  if (!(await probeWebGPU())) {
    console.log("no WebGPU adapter here; skipped");
    return;
  }
  const script = new URL("./webgpu_check.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script],
    stdout: "piped",
    stderr: "piped",
    env: { TOOLKIT_QUIET: "1", NO_COLOR: "1" },
  }).output();
  assert(out.success, new TextDecoder().decode(out.stderr).slice(-2000));
  const text = new TextDecoder().decode(out.stdout);
  const { gpu, cpu } = JSON.parse(text.slice(text.indexOf("{")));
  assertAllClose(gpu, cpu, 1e-4, "webgpu vs cpu");
});
