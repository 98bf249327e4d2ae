import { assert, assertEquals, assertThrows } from "../assert.ts";
import { ConfigError } from "../../lib/util/validate.ts";
import { openResults } from "../../lib/store/results.ts";
import {
  type ExperimentSummary,
  FOLLOW_UP_GRIDS,
  type FollowUp,
  followUpComparisons,
  followUpSweep,
  paperValues,
  parallelRatioRows,
  storedFollowUps,
  sweepRunIds,
} from "../../lib/resource/mod.ts";
import { sweepConfigs } from "../../lib/resource/sweep.ts";

Deno.test("follow-up grids: valid sweeps; the ablation baseline is part of the 10-α grid", () => {
  for (const name of Object.keys(FOLLOW_UP_GRIDS)) sweepConfigs(followUpSweep(name));
  const all = new Set(sweepRunIds(followUpSweep("functions-depth1-10alphas")));
  const base = sweepRunIds(followUpSweep("functions-ablation-base"));
  assertEquals(base.length, 20);
  assert(base.every((id) => all.has(id)), "the baseline runs are the 10-α grid's x³ and x² runs");
  const w40 = sweepRunIds(followUpSweep("functions-width40"));
  assertEquals(w40.length, 100);
  assert(w40.every((id) => id.includes(" w=40 ")), w40[0]);
  assertEquals(followUpSweep("parallel-steps40000").train.steps, 40000);
  assertThrows(() => followUpSweep("nope"), ConfigError, "grid");
});

Deno.test("an empty store has no follow-ups stored (none is trained by reading)", async () => {
  // The archive overlay is off for a bare in-memory store.
  const store = openResults(":memory:", { archive: false });
  assertEquals(await storedFollowUps(store), []);
  store.close();
});

Deno.test("drift rows: 'match' when the interval over seeds contains 0, 'n/a' with one seed", async () => {
  const paper = await paperValues();
  const fake = (drift: Record<string, number>[], steps: number): FollowUp => ({
    name: "parallel-3seeds",
    grid: FOLLOW_UP_GRIDS["parallel-3seeds"],
    summary: {
      experiment: "parallel",
      outcomes: [{ config: { steps } }],
      rows: [],
      series: [],
      slope: NaN,
      slopeCi: [NaN, NaN],
      ratios: [{ beta: 0.9, alpha: 32, seeds: 3, n1: 6, n2: 2, neuron_ratio: 3 }],
      drift,
      json: {},
    } as unknown as ExperimentSummary,
  });
  const rows = followUpComparisons([
    fake([{ beta: 0.9, seeds: 3, drift: 0.1, drift_lo: -0.2, drift_hi: 0.4 }], 20000),
    fake([{ beta: 0.95, seeds: 3, drift: 0.5, drift_lo: 0.3, drift_hi: 0.7 }], 20000),
    fake([{ beta: 0.9, seeds: 1, drift: 0.2, drift_lo: NaN, drift_hi: NaN }], 40000),
  ], paper);
  assertEquals(rows.map((r) => r.verdict), ["match", "differs", "n/a"]);
  assert(rows[2].quantity.includes("40000 steps"), rows[2].quantity);
  assertEquals(parallelRatioRows([fake([], 20000)])[0].neuron_ratio, 3);
});
