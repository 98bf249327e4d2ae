import { capacityRows, sameButModel } from "../../lib/icl/capacity.ts";
import { iclConfig } from "../../lib/icl/config.ts";
import { conceptTestScale } from "../../lib/icl/report.ts";
import { openResults, type ResultsStore } from "../../lib/store/results.ts";
import { assertAlmostEquals, assertEquals } from "../assert.ts";

/** A run whose relative MSE per concept follows `curve` at epochs 10, 20, 30, 50 (10 steps each). */
function fakeRun(
  store: ResultsStore,
  name: string,
  overrides: Parameters<typeof iclConfig>[1],
  curve: number[][],
  wallSeconds?: number,
): string {
  const cfg = iclConfig("smoke", overrides);
  const id = store.startRun({ experiment: "icl_synthetic", name, config: cfg });
  const scale = conceptTestScale(cfg);
  const epochs = [10, 20, 30, 50];
  curve.forEach((rel, i) => {
    const step = epochs[i] * 10;
    store.setArtifact(id, `eval@${step}`, {
      step,
      epoch: epochs[i],
      mse: {
        perConcept: rel.map((m, c) => m * scale[c]),
        overall: 0,
        byExamples: [1, rel[0] / 10],
      },
      cdX: [],
      cdY: [{ layer: 1, accuracy: 0.3, perConcept: [0.3, 0.3, 0.3, 0.3] }],
    });
  });
  store.logMetrics(id, 500, { loss: 1 });
  store.finishRun(id, {});
  if (wallSeconds !== undefined) {
    store.setArtifact(id, "provenance", [{
      ...store.provenance(id)[0],
      wallSeconds,
      fromStep: 0,
      toStep: 500,
    }]);
  }
  return id;
}

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
