/**
 * The static import graph of `lib/` (relative `import … from` / `export … from` / `import "…"`,
 * type-only imports included: they are dependencies of the design even where erased), and its
 * cycles. Used by `cycles_test.ts`; run it to print the folder graph:
 * `deno run --allow-read tests/architecture/imports.ts`.
 *
 * @module
 */
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root (two folders above this file). */
export const ROOT = normalize(join(dirname(fileURLToPath(import.meta.url)), "..", ".."));

/** `lib/**\/*.ts` paths, relative to the root, sorted. */
export function libFiles(dir = join(ROOT, "lib")): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) out.push(...libFiles(p));
    else if (e.isFile && e.name.endsWith(".ts")) out.push(relative(ROOT, p));
  }
  return out.sort();
}

// `import …from "x"`, `export …from "x"` (possibly over several lines) and `import "x"`, each
// at the start of a line, so JSDoc examples (` * import …`) and dynamic imports do not count.
const STATIC = /^(?:import|export)\s(?:[^;"'`]*?\sfrom\s*)?["']([^"']+)["']/gm;

/** The static relative imports of one source text, as paths relative to the root. */
export function importsOf(file: string, text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(STATIC)) {
    if (!m[1].startsWith(".")) continue;
    out.add(normalize(join(dirname(file), m[1])));
  }
  return [...out].sort();
}

/** file → the lib files it imports (imports outside lib/ are left out). */
export function importGraph(files = libFiles()): Map<string, string[]> {
  const set = new Set(files);
  return new Map(files.map((f) => {
    const text = Deno.readTextFileSync(join(ROOT, f));
    return [f, importsOf(f, text).filter((t) => set.has(t))];
  }));
}

/**
 * Every import cycle, one shortest loop per strongly connected component (Tarjan), each as
 * `a → b → … → a`.
 */
export function findCycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>(), low = new Map<string, number>();
  const stack: string[] = [], onStack = new Set<string>(), sccs: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next), low.set(v, next++), stack.push(v), onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) visit(w), low.set(v, Math.min(low.get(v)!, low.get(w)!));
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do (w = stack.pop()!, onStack.delete(w), scc.push(w)); while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) sccs.push(scc);
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return sccs.map((scc) => shortestLoop(graph, new Set(scc), scc.sort()[0]));
}

/** The shortest loop from `start` back to itself inside `members` (breadth first). */
function shortestLoop(graph: Map<string, string[]>, members: Set<string>, start: string): string[] {
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let u = v; u !== start; u = prev.get(u)!) path.splice(1, 0, u);
        return [...path, start];
      }
      if (!prev.has(w)) prev.set(w, v), queue.push(w);
    }
  }
  return [start, start];
}

/** The folder of a lib file (`lib/model/llama.ts` → `model`; `lib/deps.ts` → `.`). */
export function folderOf(file: string): string {
  const parts = file.split("/");
  return parts.length > 2 ? parts[1] : ".";
}

if (import.meta.main) {
  const graph = importGraph();
  const edges = new Map<string, Set<string>>();
  for (const [f, ts] of graph) {
    for (const t of ts) {
      if (folderOf(f) === folderOf(t)) continue;
      if (!edges.has(folderOf(f))) edges.set(folderOf(f), new Set());
      edges.get(folderOf(f))!.add(folderOf(t));
    }
  }
  for (const [f, ts] of [...edges].sort()) console.log(`${f} → ${[...ts].sort().join(", ")}`);
  for (const c of findCycles(graph)) console.log("cycle:", c.join(" → "));
}
