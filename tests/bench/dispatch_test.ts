import { runWebgpuCheck } from "../helpers.ts";
import { diffGpuWork } from "../../lib/backend/webgpu/counters.ts";
import { assert, assertEquals } from "../assert.ts";

/**
 * Dispatches of one training step of a 2-layer model (d 32, 2 heads, batch 2, T 12), Adam
 * included, with every lever on (lib/bench/README.md). The count is the same on any adapter;
 * raising it means a lever regressed.
 */
const MAX_DISPATCHES = 66;

// In a subprocess on the webgpu backend (this file's runner keeps its own backend), on
// whatever adapter exists here (llvmpipe on the build machines).
/** What dispatch_check.ts measures over its steps. */
interface StepWork {
  dispatches: number;
  loss: number;
  numTensors: number[];
  gpuBytes: number[];
}

Deno.test("webgpu training step: dispatches within the levers' bound; recording-only count agrees; no leak", async () => {
  const res = await runWebgpuCheck<{ run: StepWork; dry: StepWork }>(
    new URL("./dispatch_check.ts", import.meta.url),
  );
  if (!res) return;
  const { run, dry } = res;
  assert(
    run.dispatches <= MAX_DISPATCHES,
    `${run.dispatches} dispatches per step (bound ${MAX_DISPATCHES})`,
  );
  assert(run.dispatches > 0 && Number.isInteger(run.dispatches), `${run.dispatches}`);
  assertEquals(dry.dispatches, run.dispatches, "recording without running counts the same");
  assert(Number.isFinite(run.loss), "the steps ran");
  for (const w of [run, dry]) {
    assertEquals(new Set(w.numTensors).size, 1, `tensor count flat: ${w.numTensors}`);
    assertEquals(new Set(w.gpuBytes).size, 1, `GPU bytes flat: ${w.gpuBytes}`);
  }
  assertEquals(dry.gpuBytes[0], run.gpuBytes[0], "the same GPU bytes in use either way");
});

Deno.test("diffGpuWork: per-step differences", () => {
  assertEquals(
    diffGpuWork({ dispatches: 30, copies: 4, submits: 3 }, {
      dispatches: 10,
      copies: 0,
      submits: 1,
    }, 2),
    { dispatches: 10, copies: 2, submits: 1 },
  );
});
