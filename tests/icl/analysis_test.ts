import { initBackend } from "../../lib/backend/backend.ts";
import { openResults } from "../../lib/store/results.ts";
import { iclConfig } from "../../lib/icl/config.ts";
import { runIclExperiment } from "../../lib/icl/experiment.ts";
import { iclSnapshots } from "../../lib/icl/report.ts";
import {
  conceptClusters,
  loadIclRun,
  longestIclRun,
  patchByLayerRows,
  patchContrast,
  patchingByLayer,
  storedPatchByLayer,
} from "../../lib/icl/analysis.ts";
import { patchLayersFigure, seedsFigure } from "../../lib/icl/figures.ts";
import { toSVG } from "../../lib/plot/render.ts";
import { assert, assertAllClose, assertEquals, assertRejects } from "../assert.ts";

await initBackend({ backend: "wasm", quiet: true });

Deno.test("loadIclRun restores the trained model: patching at the run's layer equals the run's own final snapshot", async () => {
  const store = openResults(":memory:");
  const dir = await Deno.makeTempDir();
  const s = await runIclExperiment(iclConfig("smoke"), {
    store,
    dir,
    name: "smoke-a",
    progress: false,
  });
  const run = await loadIclRun(store, "smoke-a", { dir });
  assertEquals([run.runId, run.step], [s.runId, 30]);
  const ms = await patchingByLayer(run, {
    layers: [1, 2],
    modes: [["replace", "query"], ["shift", "all"]],
  });
  assertEquals(ms.map((m) => `${m.layer}:${m.mode}:${m.scope}`), [
    "1:replace:query",
    "1:shift:all",
    "2:replace:query",
    "2:shift:all",
  ]);
  const stored = iclSnapshots(store, s.runId).at(-1)!.patches.find((p) =>
    p.mode === "replace" && p.scope === "query"
  )!;
  assertEquals(stored.layer, 1);
  assertAllClose(ms[0].delta.flat(), stored.delta.flat(), 1e-6);
  await assertRejects(() => patchingByLayer(run, { layers: [3] }), "layers");
  const fig = patchLayersFigure(ms, ["A", "B", "C", "D"], { mode: "shift", scope: "all" });
  assertEquals((fig.hconcat as unknown[]).length, 2, "one panel per layer");
  assert((await toSVG(fig)).startsWith("<svg"));
  assertEquals(storedPatchByLayer(store, s.runId), undefined);
  store.setArtifact(s.runId, "patchByLayer@9", { step: 9, matrices: [] });
  store.setArtifact(s.runId, "patchByLayer@30", { step: 30, matrices: ms });
  assertEquals(storedPatchByLayer(store, s.runId)?.step, 30, "the latest by step, not by name");
  run.model.dispose();
  await assertRejects(() => loadIclRun(store, "nope", { dir }), "nope");
  store.close();
});

Deno.test("longestIclRun picks the run of a name that trained furthest, not the newest", async () => {
  const store = openResults(":memory:");
  const dir = await Deno.makeTempDir();
  const long = await runIclExperiment(iclConfig("smoke", { train: { steps: 40 } }), {
    store,
    dir,
    name: "s",
    progress: false,
  });
  const short = await runIclExperiment(iclConfig("smoke"), {
    store,
    dir,
    name: "s",
    progress: false,
  });
  assert(short.runId !== long.runId);
  assertEquals(longestIclRun(store, "s"), long.runId);
  assertEquals(longestIclRun(store, "nope"), undefined);
  const run = await loadIclRun(store, "s", { dir });
  assertEquals([run.runId, run.step], [long.runId, 40]);
  run.model.dispose();
  // Side by side with panel titles of our choosing (default "seed S").
  const panels = (f: { hconcat?: { title?: unknown }[] }) => (f.hconcat ?? []).map((p) => p.title);
  assertEquals(
    panels(
      seedsFigure(store, [long.runId, short.runId], { titles: ["40 steps", "30 steps"] }) as never,
    ),
    ["40 steps", "30 steps"],
  );
  assertEquals(panels(seedsFigure(store, [long.runId]) as never), ["seed 0"]);
  store.close();
});

Deno.test("patchContrast averages the diagonal, the off-diagonal, and within vs across clusters", () => {
  const c = patchContrast({
    layer: 1,
    mode: "shift",
    scope: "query",
    clean: [0, 0],
    delta: [[1, 2], [4, 3]],
  });
  assertEquals(c, { diagonal: 2, offDiagonal: 3 });
  // Concept 0 split off; 1 and 2 entangled: within = (1,2),(2,1); across = the other four.
  const delta = [[0, 5, 7], [6, 0, 1], [8, 3, 0]];
  const k = patchContrast({ layer: 1, mode: "shift", scope: "query", clean: [0, 0, 0], delta }, {
    clusters: conceptClusters([0.95, 0.3, 0.5]),
  });
  assertEquals(k, { diagonal: 0, offDiagonal: 30 / 6, withinCluster: 2, acrossClusters: 26 / 4 });
});

Deno.test("conceptClusters gives each decoded concept its own cluster and the rest one", () => {
  assertEquals(conceptClusters([0.99, 0.3, 0.4, 0.2]), [0, 1, 1, 1]);
  assertEquals(conceptClusters([0.2, 0.95, 0.1, 0.91]), [2, 0, 2, 1]);
  assertEquals(conceptClusters([1, 1]), [0, 1]);
});

Deno.test("patchByLayerRows: one rounded row per matrix, with cluster contrasts when clusters are given", () => {
  const m = {
    layer: 2,
    mode: "shift" as const,
    scope: "all" as const,
    clean: [0, 0, 0],
    delta: [[0, 0.12345, 7], [6, 0, 1], [8, 3, 0]],
  };
  const [row] = patchByLayerRows([m], { clusters: [0, 1, 1] });
  assertEquals(row, {
    layer: 2,
    mode: "shift",
    scope: "all",
    diagonal: 0,
    offDiagonal: 4.1872,
    withinCluster: 2,
    acrossClusters: 5.2809,
  });
  assertEquals(Object.keys(patchByLayerRows([m])[0]), [
    "layer",
    "mode",
    "scope",
    "diagonal",
    "offDiagonal",
  ]);
});
