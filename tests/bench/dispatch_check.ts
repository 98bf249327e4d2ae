/**
 * Run as a subprocess by dispatch_test.ts (its own process, so the test runner's backend stays
 * put): on the webgpu backend, counts the WebGPU work of training steps of a small regression
 * transformer and prints it as JSON. `deno run -A tests/bench/dispatch_check.ts 12x256x8x2`
 * counts another shape (LAYERSxDMODELxHEADSxBATCH; T = 40, D = 16 then).
 */
import { initBackend } from "../../lib/backend/backend.ts";
import { countStepWork, parseShapes } from "../../lib/bench/mod.ts";

await initBackend({ backend: "webgpu", quiet: true });
const arg = Deno.args[0];
const shape = arg ? parseShapes(arg)[0] : { layers: 2, dModel: 32, heads: 2, batch: 2 };
const opts = arg ? {} : { seq: 12, inputDim: 4 };
// Counted twice: running the steps, and recording them only (as the bench counts the paper
// model); the two must agree.
const run = await countStepWork(shape, { ...opts, steps: 3, warmup: 1 });
const dry = await countStepWork(shape, { ...opts, steps: 2, warmup: 1, dry: true });
console.log(JSON.stringify({ run, dry }));
