import {
  asymmetryRows,
  asymmetrySummary,
  asymmetrySummaryTable,
  yConcept,
} from "../../lib/icl/asymmetry.ts";
import { fakeRun } from "./fake_run.ts";
import { iclConfig } from "../../lib/icl/config.ts";
import { conceptTestScale } from "../../lib/icl/report.ts";
import { openResults } from "../../lib/store/results.ts";
import { assertEquals } from "../assert.ts";

const swap = [[4, 1, 2, 3], [0, 5, 6, 7], [8, 9, 10, 11], [12, 13, 14, 15]];

Deno.test("yConcept: the basis holding coordinate 0, none when y has its own dimension", () => {
  assertEquals(yConcept(iclConfig("smoke")), 0);
  assertEquals(yConcept(iclConfig("smoke", { task: { bases: swap } })), 1);
  assertEquals(yConcept(iclConfig("smoke", { task: { yToken: "separate" } })), null);
});

Deno.test("asymmetryRows: escape, the agnostic phase's worst concept, the first lead, and whether it follows y", () => {
  const store = openResults(":memory:");
  const cfg = iclConfig("smoke", { task: { bases: swap } });
  const id = store.startRun({ experiment: "icl_synthetic", name: "t", config: cfg });
  const scale = conceptTestScale(cfg);
  // Relative MSE per evaluation: plateau, escape with concept 1 worst, then concept 1 leads.
  const curve = [[1, 1, 1, 1], [0.7, 0.8, 0.7, 0.7], [0.6, 0.65, 0.6, 0.6], [0.5, 0.3, 0.5, 0.5]];
  curve.forEach((rel, i) => {
    const step = (i + 1) * 10;
    store.setArtifact(id, `eval@${step}`, {
      step,
      epoch: i + 1,
      mse: { perConcept: rel.map((m, c) => m * scale[c]), overall: 0, byExamples: [0] },
      cdX: [],
      cdY: [],
    });
  });
  const [row] = asymmetryRows(store, [id]);
  assertEquals([row.yConcept, row.escapeEpoch, row.worstAgnostic, row.firstLead, row.followsY], [
    1,
    2,
    1,
    { epoch: 4, concept: 1 },
    true,
  ]);
  store.close();
});

Deno.test("asymmetrySummary: groups seeds of one recipe, counts leads of y's basis and the worst-together verdicts", () => {
  const store = openResults(":memory:");
  const plateau = [1, 1, 1, 1];
  // Seeds 0 and 1: concept 0 worst after the escape, then leads (at epochs 50 and 30).
  const y0 = (
    third: number,
  ) => [plateau, [0.8, 0.7, 0.7, 0.7], [third, 0.6, 0.6, 0.6], [0.2, 0.5, 0.5, 0.5]];
  const a = fakeRun(store, "s0", { seed: 0 }, y0(0.7));
  const b = fakeRun(store, "s1", { seed: 1 }, y0(0.2));
  // Seed 2: escapes and leads at once, with concept 2 (not y's basis) and concept 1 worst.
  const c = fakeRun(store, "s2", { seed: 2 }, [plateau, plateau, plateau, [0.5, 0.6, 0.2, 0.6]]);
  // A different recipe (another layout) with a single seed: left out by minSeeds 2.
  const other = fakeRun(store, "swap", { seed: 0, task: { bases: swap } }, [plateau]);
  // A shorter run of seed 0 (before its extension): the furthest run of a seed stands for it.
  const a0 = fakeRun(store, "s0-short", { seed: 0 }, [plateau, [0.8, 0.7, 0.7, 0.7]]);
  const [s, ...rest] = asymmetrySummary(store, [a0, a, b, c, other]);
  assertEquals(rest, []);
  assertEquals(s.runs.map((r) => [r.seed, r.run]), [[0, "s0"], [1, "s1"], [2, "s2"]]);
  assertEquals([s.model, s.yConcept, s.epoch], ["2×16×2", 0, 50]);
  assertEquals(s.leads, { any: 3, y: 2 });
  assertEquals(s.medianLeadEpoch, 50);
  assertEquals(s.worstIsY, { y: 2, of: 3 });
  assertEquals(asymmetrySummary(store, [a, b, c, other], { minSeeds: 1 }).length, 2);
  store.close();
});

Deno.test("firstEncoded: the first concept decodable at >= 0.9 (at the final best layer), before any MSE lead; the table shows both", () => {
  const store = openResults(":memory:");
  const cfg = iclConfig("smoke", { task: { bases: swap } });
  const ids = [0, 1].map((seed) => {
    const scale = conceptTestScale({ ...cfg, seed });
    const id = store.startRun({
      experiment: "icl_synthetic",
      name: `s${seed}`,
      config: { ...cfg, seed },
    });
    // MSE: together, no concept below 3/4 of the others' median; decodability: concept 2 at
    // layer 2 reaches 0.9 at the third evaluation (layer 1 crosses 0.9 earlier, but layer 2 is
    // the final best layer, the one that counts). Seed 1 never gets there.
    const cd2 = seed === 0 ? [0.3, 0.6, 0.92, 0.98] : [0.3, 0.3, 0.3, 0.3];
    [0.9, 0.7, 0.6, 0.5].forEach((m, i) => {
      const step = (i + 1) * 100;
      store.setArtifact(id, `eval@${step}`, {
        step,
        epoch: (i + 1) * 10,
        mse: {
          perConcept: [m, m * 1.1, m * 0.9, m].map((x, c) => x * scale[c]),
          overall: 0,
          byExamples: [0],
        },
        cdX: [],
        cdY: [
          { layer: 1, accuracy: 0.4, perConcept: [0.95, 0.2, 0.2, 0.2] },
          { layer: 2, accuracy: 0.5, perConcept: [0.3, 0.3, cd2[i], 0.3] },
        ],
      });
    });
    return id;
  });
  const rows = asymmetryRows(store, ids);
  assertEquals(rows.map((r) => [r.firstLead, r.firstEncoded]), [
    [null, { epoch: 30, concept: 2 }],
    [null, null],
  ]);
  const [s] = asymmetrySummary(store, ids);
  assertEquals([s.yConcept, s.leads, s.encoded], [1, { any: 0, y: 0 }, { any: 1, y: 0 }]);
  const [t] = asymmetrySummaryTable([s]);
  assertEquals(t["first encoded (CD ≥ 0.9) per seed"], "2 at 30; none");
  assertEquals(t["encoded first that are y's basis"], "0 of 1");
  assertEquals(t["followed to epoch"], "40, 40");
  store.close();
});
