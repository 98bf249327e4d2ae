/**
 * The architecture as tests: no import cycle in lib/, and no import from a lower layer to a
 * higher one (ARCHITECTURE.md draws the layers). Static imports only, type-only ones included.
 */
import { assertEquals } from "../assert.ts";
import { findCycles, folderOf, importGraph, importsOf } from "./imports.ts";

/** lib's folders from the bottom up; a file may import its own layer and the layers below. */
const LAYERS: string[][] = [
  ["."], // deps.ts
  ["util", "plot"],
  ["numeric", "store", "backend", "text"],
  ["model", "tasks", "resource"],
  ["train", "probes"],
  ["interventions", "scaling", "bench"],
  ["icl", "icl_lm"],
  ["sweep"],
];

/** Upward imports that stand today, each with why; a new one fails the test. */
const KNOWN_UPWARD: Record<string, string> = {
  "lib/util/report.ts -> lib/store/results.ts":
    "type only: ReproduceOptions carries an optional ResultsStore",
  "lib/util/stats.ts -> lib/numeric/stats.ts":
    "re-export of median for lib/icl's imports; delete once they import lib/numeric",
  "lib/scaling/sweep/run.ts -> lib/sweep/shard.ts":
    "the scaling sweep runs one shard of a Slurm array; shardMask belongs below both",
};

const graph = importGraph();

Deno.test("no import cycle in lib/", () => {
  const cycles = findCycles(graph).map((c) => c.join(" → "));
  assertEquals(cycles, [], `import cycles:\n${cycles.join("\n")}`);
});

Deno.test("every lib folder has a layer, and no import runs upward", () => {
  const layerOf = new Map(LAYERS.flatMap((fs, i) => fs.map((f) => [f, i] as const)));
  const folders = new Set([...graph.keys()].map(folderOf));
  assertEquals([...folders].filter((f) => !layerOf.has(f)), [], "folders without a layer");
  const upward: string[] = [];
  for (const [file, targets] of graph) {
    for (const t of targets) {
      if (layerOf.get(folderOf(t))! > layerOf.get(folderOf(file))!) upward.push(`${file} -> ${t}`);
    }
  }
  assertEquals(upward.filter((e) => !(e in KNOWN_UPWARD)), [], "imports that run upward");
  assertEquals(
    Object.keys(KNOWN_UPWARD).filter((e) => !upward.includes(e)),
    [],
    "KNOWN_UPWARD lists an import that is gone: strike it",
  );
});

Deno.test("the checker finds a planted cycle and reads multi-line and type imports", () => {
  const text =
    'import {\n  a,\n  type B,\n} from "./b.ts";\nimport type { C } from "../c/c.ts";\n' +
    ' * import { x } from "./doc_example.ts";\nconst d = await import("./dynamic.ts");\n' +
    'export * from "./e.ts";\n';
  assertEquals(importsOf("lib/a/a.ts", text), ["lib/a/b.ts", "lib/a/e.ts", "lib/c/c.ts"]);
  const planted = new Map(graph);
  planted.set("lib/util/rng.ts", [...graph.get("lib/util/rng.ts")!, "lib/model/llama.ts"]);
  const cycles = findCycles(planted);
  assertEquals(cycles.length, 1);
  assertEquals(cycles[0][0], cycles[0].at(-1));
  assertEquals(cycles[0].includes("lib/model/llama.ts"), true);
});
