import { initBackend } from "../../lib/backend/backend.ts";
import { loadBlas } from "../../lib/backend/blas.ts";
import { benchConfig, formatBench, parseShapes, runBench } from "../../lib/bench/mod.ts";
import { ConfigError } from "../../lib/util/validate.ts";
import { assert, assertEquals, assertThrows } from "../assert.ts";

await initBackend({ backend: "wasm", quiet: true });
const TINY = "1x16x2x4";

Deno.test("runBench: a tiny shape, 2 steps: the report has every field, ratio null without PyTorch", async () => {
  const r = await runBench({
    configs: TINY,
    steps: 2,
    warmup: 1,
    torchScript: "/nonexistent/torch_gpt_step.py",
    matmul: false,
  });
  assertEquals(r.backend, "wasm");
  assertEquals(r.results.length, 1);
  const x = r.results[0];
  assertEquals(x.config, TINY);
  assert(x.ms_per_step > 0 && Number.isFinite(x.ms_per_step));
  assertEquals(x.samples.length, 2);
  assertEquals(x.torch_ms_per_step, null);
  assertEquals(x.ratio, null);
  assert(Number.isFinite(x.final_loss));
  assert(r.torch !== null && "error" in r.torch && r.torch.error.includes("not found"));
  assert(["openblas", "xnnpack"].includes(r.matmul));
  assert(formatBench(r).includes(`| ${TINY} |`));
  JSON.parse(JSON.stringify(r));
});

Deno.test("runBench with levers and a profile on wasm: every lever timed, the profile names the toolkit kernels", async () => {
  const r = await runBench({
    configs: TINY,
    steps: 1,
    warmup: 1,
    torch: false,
    matmul: false,
    levers: true,
    profile: true,
  });
  const levers = r.results[0].levers!;
  // Without OpenBLAS (a bare machine) only the tfjs-kernels lever can run.
  assert(levers.length >= (loadBlas() ? 2 : 1), `levers: ${levers.length}`);
  for (const l of levers) assert(l.ms_per_step > 0 && Number.isFinite(l.ms_per_step), l.lever);
  assert(r.profile !== undefined && r.profile.kernel_calls > 0);
  assert(
    r.profile.kernels.some((k) => k.kernel.startsWith("Toolkit")),
    "fused kernels in the profile",
  );
  assert(formatBench(r).includes("levers, " + TINY));
});

Deno.test("deno task bench --json prints exactly one JSON object of the documented shape", async () => {
  const task = new URL("../../tasks/bench.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      task,
      "--backend",
      "wasm",
      "--configs",
      TINY,
      "--steps",
      "2",
      "--warmup",
      "1",
      "--json",
    ],
    cwd: new URL("../..", import.meta.url).pathname,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert(out.success, new TextDecoder().decode(out.stderr).slice(-2000));
  const text = new TextDecoder().decode(out.stdout).trim();
  const r = JSON.parse(text); // one object, nothing else on stdout
  for (const k of ["backend", "device", "results", "matmul", "matmul_gflops", "torch"]) {
    assert(k in r, k);
  }
  assertEquals(r.results.length, 1);
  const x = r.results[0];
  for (const k of ["config", "ms_per_step", "torch_ms_per_step", "ratio"]) assert(k in x, k);
  assertEquals(x.config, TINY);
  // PyTorch runs when /usr/bin/python3 has torch and ../shared/bench holds the script.
  if (x.torch_ms_per_step !== null) assert(x.ratio > 0 && r.torch.threads >= 1);
  else assert("error" in r.torch);
  assert(
    r.matmul_gflops.length >= 2 && r.matmul_gflops.every((m: { gflops: number }) => m.gflops > 0),
  );
});

Deno.test("bench config: malformed shapes and fields fail naming the field", () => {
  assertEquals(parseShapes("2x64x2x64, 4x128x4x64").length, 2);
  assertThrows(() => parseShapes("2x64x3x64"), ConfigError, "configs");
  assertThrows(() => parseShapes("2x64x2"), ConfigError, "configs");
  assertThrows(() => benchConfig({ steps: 0 }), ConfigError, "steps");
  assertThrows(() => benchConfig({ seq: 41 }), ConfigError, "seq");
  assertThrows(() => benchConfig({ stepz: 3 } as never), ConfigError, "bench.stepz");
});
