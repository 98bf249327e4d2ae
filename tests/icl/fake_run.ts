import { iclConfig } from "../../lib/icl/config.ts";
import { conceptTestScale } from "../../lib/icl/report.ts";
import type { ResultsStore } from "../../lib/store/results.ts";

/** A run whose relative MSE per concept follows `curve` at epochs 10, 20, 30, 50 (10 steps each). */
export function fakeRun(
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
