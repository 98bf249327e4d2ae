import { convergedPatchingPattern, iclChecks } from "../../lib/icl/reproduce.ts";
import {
  conceptTestScale,
  CONVERGED_MSE_FACTOR,
  type IclRunSummary,
} from "../../lib/icl/report.ts";
import { iclConfig } from "../../lib/icl/config.ts";
import { assert, assertAlmostEquals, assertEquals } from "../assert.ts";

Deno.test("convergedPatchingPattern needs every diagonal entry < 0 < every off-diagonal entry, not the means", () => {
  assert(convergedPatchingPattern([[-0.1, 0.2], [0.3, -0.2]]));
  // Means: diagonal −0.45 < off-diagonal −0.05 < 0 — the old mean-based verdict called this a match.
  assert(!convergedPatchingPattern([[-1, -0.3], [0.2, 0.1]]));
  assert(!convergedPatchingPattern([[-0.1, 0], [0.3, -0.2]]), "zero is not above zero");
  assert(!convergedPatchingPattern([]));
});

Deno.test("iclChecks: verdicts follow the paper's conditions", () => {
  const base: IclRunSummary = {
    runId: "r",
    seed: 0,
    steps: 10,
    totalSteps: 10,
    final_mse_per_concept: [0.01, 0.01],
    final_mse_per_concept_own: [0.01, 0.01],
    final_mse: 0.01,
    final_mse_last: 0.006,
    oracle_mse: 0.0033,
    least_squares_mse: 0.02,
    cd_best_layer: 3,
    cd_final: 0.95,
    cd_final_per_concept: [0.95, 0.91],
    drop_epochs_per_concept: [1, 2],
    cd_epochs_per_concept: [1, 2],
    patch_matrix_final: [[-0.1, 0.2], [0.3, -0.2]],
    patch_matrix_final_shift: [[-1, -0.3], [0.2, 0.1]],
    staircase: true,
    first_separation: { epoch: 1, concept: 0 },
  };
  const v = (s: IclRunSummary) => iclChecks(s, "x").map((c) => c.verdict);
  assertEquals(v(base), ["match", "match", "match", "differs", "n/a"]);
  const worse = {
    ...base,
    final_mse_last: CONVERGED_MSE_FACTOR * 0.0033 + 1e-4,
    cd_final_per_concept: [0.95, 0.89],
  };
  assertEquals(
    v(worse).slice(0, 2),
    ["differs", "differs"],
    "16-dim-ridge-level error is not convergence",
  );
});

Deno.test("conceptTestScale: each concept's own test E[y²] over the rank, near (r + σ²)/r", () => {
  const scale = conceptTestScale(iclConfig("cpu"));
  assertEquals(scale.length, 4);
  for (const s of scale) assertAlmostEquals(s, 1.0025, 0.2);
  // Deterministic: the test set is fixed by the task seed.
  assertEquals(conceptTestScale(iclConfig("cpu")), scale);
});
