/**
 * The public entry points: deno.json `exports` (the root and one subpath per area), the import
 * map's `toolkit/<subpath>` names for them, and what they may export. Kernel plumbing is
 * imported from its own files by the code that needs it, never from a public mod.ts.
 */
import { assert, assertEquals } from "../assert.ts";
import { ROOT } from "./imports.ts";

const config = JSON.parse(Deno.readTextFileSync(`${ROOT}/deno.json`));
const exports = config.exports as Record<string, string>;
const imports = config.imports as Record<string, string>;

/** Internals that no public module may export. */
const PLUMBING = [
  "cachedOp",
  "runToolkitKernel",
  "GPU_SUBMIT_BATCH",
  "runWasmKernel",
  "setWasmKernel",
  "simdKernels",
  "adamUpdate",
];

Deno.test("every export is a folder's mod.ts, named toolkit/<subpath> in the import map", () => {
  assertEquals(exports["."], "./mod.ts");
  assertEquals(imports["toolkit"], "./mod.ts");
  for (const [key, file] of Object.entries(exports)) {
    if (key === ".") continue;
    assert(/^\.\/lib\/[a-z_]+\/mod\.ts$/.test(file), `${key} → ${file}`);
    assert(Deno.statSync(`${ROOT}/${file}`).isFile, `${file} exists`);
    assertEquals(imports[`toolkit/${key.slice(2)}`], file, `import map entry for ${key}`);
  }
  const mapped = Object.keys(imports).filter((k) => k.startsWith("toolkit/"));
  assertEquals(mapped.filter((k) => !(`./${k.slice(8)}` in exports)), [], "map names not exported");
});

Deno.test("no public module exports kernel plumbing, and the root leaves the papers to their subpaths", async () => {
  const root = await import(`${ROOT}/mod.ts`);
  for (const [key, file] of Object.entries(exports)) {
    const mod = await import(`${ROOT}/${file.slice(2)}`);
    assertEquals(PLUMBING.filter((n) => n in mod), [], `${key} exports plumbing`);
  }
  for (const paper of ["./icl", "./icl-lm", "./scaling", "./resource", "./data"]) {
    const mod = await import(`${ROOT}/${exports[paper].slice(2)}`);
    const leaked = Object.keys(mod).filter((n) => n in root);
    assertEquals(leaked, [], `the root exports names of ${paper}`);
  }
});
