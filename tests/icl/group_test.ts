import { groupRuns, runShape } from "../../lib/icl/group.ts";
import { openResults } from "../../lib/store/results.ts";
import { assertEquals, assertThrows } from "../assert.ts";
import { fakeRun } from "./fake_run.ts";

Deno.test("groupRuns: free seed keeps shapes apart; free model keeps seeds apart; steps are always free", () => {
  const store = openResults(":memory:");
  const c = [[1, 1, 1, 1]];
  const s0 = fakeRun(store, "s0", { seed: 0 }, c);
  const s1 = fakeRun(store, "s1", { seed: 1, train: { steps: 90 }, evalEpochs: [1, 3, 9] }, c);
  const wide = fakeRun(store, "wide", { seed: 0, model: { nLayers: 3 } }, c);
  const lr = fakeRun(store, "lr", { seed: 1, train: { lr: 1e-4 } }, c);
  assertEquals(groupRuns(store, [s0, s1, wide, lr, "missing"], { free: "seed" }), [[s0, s1], [
    wide,
  ], [lr]]);
  assertEquals(groupRuns(store, [s0, s1, wide, lr], { free: "model" }), [[s0, wide], [s1], [lr]]);
  assertEquals([runShape(store, s0), runShape(store, wide)], ["2×16×2", "3×16×2"]);
  assertThrows(() => runShape(store, "missing"), Error, "no run missing");
  store.close();
});
