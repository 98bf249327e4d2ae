import { capacityRows, sameButModel } from "../../lib/icl/capacity.ts";
import { openResults } from "../../lib/store/results.ts";
import { fakeRun } from "./fake_run.ts";
import { assertAlmostEquals, assertEquals } from "../assert.ts";

Deno.test("capacityRows: the evaluation at or before the asked epoch, escape, spread, lead and hours", () => {
  const store = openResults(":memory:");
  const flat = [1, 1, 1, 1];
  const id = fakeRun(store, "a", {}, [flat, [0.8, 0.7, 0.7, 0.7], [0.6, 0.6, 0.6, 0.6], [
    0.2,
    0.5,
    0.5,
    0.5,
  ]], 250);
  const [row] = capacityRows(store, [id], { atEpoch: 40 });
  assertEquals([row.model, row.epoch, row.escapeEpoch], ["2×16×2", 30, 20]);
  assertAlmostEquals(row.meanMse, 0.6, 1e-9);
  assertAlmostEquals(row.spread, 0, 1e-9);
  assertAlmostEquals(row.lastMse, 0.06, 1e-9);
  // The lead is read over the whole run: concept 0 at epoch 50.
  assertEquals(row.firstLead, { epoch: 50, concept: 0 });
  assertAlmostEquals(row.secondsPerStep!, 0.5, 1e-12);
  assertAlmostEquals(row.hoursToEpoch!, (300 * 0.5) / 3600, 1e-12);
  store.close();
});

Deno.test("sameButModel: groups runs that differ only in shape and steps; other changes split groups", () => {
  const store = openResults(":memory:");
  const c = [[1, 1, 1, 1]];
  const a = fakeRun(store, "a", {}, c);
  // More steps also lengthen the evaluation schedule: still the same group.
  const b = fakeRun(store, "b", {
    model: { nLayers: 3 },
    train: { steps: 90 },
    evalEpochs: [1, 3, 9],
    snapshotEpochs: [3, 9],
  }, c);
  const lr = fakeRun(store, "lr", { model: { nLayers: 4 }, train: { lr: 1e-4 } }, c);
  const seed = fakeRun(store, "seed", { seed: 5 }, c);
  const init = fakeRun(store, "init", { model: { dModel: 24, initStd: 0.05 } }, c);
  assertEquals(sameButModel(store, [a, b, lr, seed, init]), [[a, b]]);
  store.close();
});
