/**
 * Training-speed benchmark: one full training step (forward, backward, Adam) of the regression
 * transformer per shape, median of --steps after warm-up, next to the PyTorch reference
 * (`../shared/bench/torch_gpt_step.py`) run right after on the same shapes; plus matmul GFLOP/s.
 *
 *   deno task bench
 *   deno task bench --configs 2x64x2x64,4x128x4x64 --steps 7 --json
 *   deno task bench --backend webgpu          # adds 12x256x8x128 beside a real GPU
 *
 * With --json prints one JSON object {"backend", "device", "results": [{"config",
 * "ms_per_step", "torch_ms_per_step", "ratio"}, …], …}; else readable tables.
 */
import { benchConfig, CPU_SHAPES, DEFAULT_BENCH, formatBench, runBench } from "../lib/bench/mod.ts";
import { BACKEND_CHOICES, choiceFlag, numberFlag, parseFlags, runMain } from "../lib/util/cli.ts";
import { envFlag } from "../lib/util/env.ts";

await runMain(async () => {
  const flags = parseFlags(Deno.args, {
    backend: { type: "string", default: "auto", help: "auto | webgpu | wasm | cpu" },
    configs: {
      type: "string",
      default: "",
      help: `LAYERSxDMODELxHEADSxBATCH,… (default ${CPU_SHAPES}; + 12x256x8x128 on a GPU)`,
    },
    steps: {
      type: "string",
      default: String(DEFAULT_BENCH.steps),
      help: "timed steps per shape (median)",
    },
    warmup: {
      type: "string",
      default: String(DEFAULT_BENCH.warmup),
      help: "untimed warm-up steps",
    },
    json: { type: "boolean", default: false, help: "print one JSON object" },
    "no-torch": { type: "boolean", default: false, help: "skip the PyTorch reference" },
    "torch-script": {
      type: "string",
      default: DEFAULT_BENCH.torchScript,
      help: "the PyTorch reference script",
    },
    "torch-device": { type: "string", default: "auto", help: "auto | cpu | cuda" },
    "torch-threads": {
      type: "string",
      default: String(DEFAULT_BENCH.torchThreads),
      help: "PyTorch threads on CPU",
    },
    python: {
      type: "string",
      default: "",
      help: "python with torch (default /usr/bin/python3, else python3)",
    },
    "no-matmul": { type: "boolean", default: false, help: "skip the matmul GFLOP/s table" },
    repeats: {
      type: "string",
      default: "1",
      help: "time each shape this many times (ours, then PyTorch) and report medians",
    },
    levers: {
      type: "boolean",
      default: false,
      help: "also time each lever (wasm or webgpu) round-robin",
    },
    profile: {
      type: "boolean",
      default: false,
      help: "also profile one step of the largest shape",
    },
    "cpu-time": {
      type: "boolean",
      default: false,
      help: "compare CPU time per step instead of wall time (a loaded machine; use 1 thread each)",
    },
  }, { usage: "deno task bench [--backend B] [--configs 4x128x4x64,…] [--steps N] [--json]" });
  const cfg = benchConfig({
    backend: choiceFlag("backend", flags.backend, BACKEND_CHOICES),
    configs: flags.configs,
    steps: numberFlag("steps", flags.steps, DEFAULT_BENCH.steps, { integer: true, min: 1 }),
    warmup: numberFlag("warmup", flags.warmup, DEFAULT_BENCH.warmup, { integer: true, min: 0 }),
    torch: !flags["no-torch"],
    torchScript: flags["torch-script"],
    torchDevice: choiceFlag(
      "torch-device",
      flags["torch-device"],
      ["auto", "cpu", "cuda"] as const,
    ),
    torchThreads: numberFlag("torch-threads", flags["torch-threads"], DEFAULT_BENCH.torchThreads, {
      integer: true,
      min: 1,
    }),
    python: flags.python,
    matmul: !flags["no-matmul"],
    repeats: numberFlag("repeats", flags.repeats, 1, { integer: true, min: 1 }),
    levers: flags.levers,
    cpuTime: flags["cpu-time"],
    profile: flags.profile,
  });
  // Progress on stderr (a run takes tens of seconds); the result alone on stdout.
  const quiet = envFlag("TOOLKIT_QUIET", false);
  const report = await runBench(cfg, { log: quiet ? undefined : (l) => console.error(l) });
  console.log(flags.json ? JSON.stringify(report) : formatBench(report));
});
