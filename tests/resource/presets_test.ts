import { assertEquals, assertThrows } from "../assert.ts";
import { ConfigError } from "../../lib/util/validate.ts";
import { EXPERIMENTS, PRESETS, presetSweep } from "../../lib/resource/mod.ts";
import { sweepConfigs } from "../../lib/resource/sweep.ts";

Deno.test("every preset of every experiment resolves to valid run configs", () => {
  for (const e of EXPERIMENTS) {
    for (const p of PRESETS) sweepConfigs(presetSweep(e, p));
  }
});

Deno.test("the paper presets use the paper's grids and our calibration", () => {
  assertEquals(presetSweep("single", "paper").alphas, [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]);
  assertEquals(presetSweep("parallel", "paper").tasks.map((t) => t.beta), [
    0.5,
    0.75,
    0.85,
    0.9,
    0.95,
  ]);
  assertEquals(presetSweep("sequential", "paper").alphas.at(-1), 10240);
  const c = sweepConfigs(presetSweep("single", "paper"))[0];
  assertEquals([c.steps, c.points, c.lambda], [20000, 1000, 3e-4]);
  assertEquals(sweepConfigs(presetSweep("functions", "paper")).length, 10 * 3 * 10);
});

Deno.test("overrides replace grid fields and merge training fields", () => {
  const s = presetSweep("single", "cpu", { seeds: [0, 1], train: { lambda: 1e-4 } });
  assertEquals(s.seeds, [0, 1]);
  assertEquals([s.train.lambda, s.train.steps], [1e-4, 20000]);
});

Deno.test("an unknown experiment or preset names its field", () => {
  assertEquals(
    (assertThrows(() => presetSweep("double" as never, "cpu"), ConfigError) as ConfigError)
      .field,
    "experiment",
  );
  assertEquals(
    (assertThrows(() => presetSweep("single", "huge" as never), ConfigError) as ConfigError)
      .field,
    "preset",
  );
});
