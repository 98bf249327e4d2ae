/**
 * Every JSDoc `@example` in lib/ type-checks (`deno check --doc-only`), so the examples cannot
 * drift from the API. An example imports what it uses from `"toolkit"` (the import map's name
 * for mod.ts, the core) or a subpath such as `"toolkit/icl"` (each area's mod.ts, as deno.json
 * exports it); the documented module's own exports are in scope already. It declares the data
 * it assumes (`declare const batch: RegressionBatch;`).
 *
 * PENDING lists the files whose examples do not type-check yet (none today): fix a file's
 * examples, then strike it here. A new file is checked from the start. Kernel files are not
 * public, so their examples import what they use from their own folder (`./program.ts`).
 */
import { assert, assertEquals } from "../assert.ts";
import { libFiles, ROOT } from "./imports.ts";

const PENDING = new Set<string>([]);

Deno.test("the JSDoc examples of lib/ type-check (deno check --doc-only)", async () => {
  const files = libFiles().filter((f) => !PENDING.has(f));
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["check", "--quiet", "--doc-only", ...files],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const errors = new TextDecoder().decode(stderr);
  assert(code === 0, `examples that do not type-check:\n${errors}`);
});

Deno.test("PENDING names only files that exist", () => {
  const all = new Set(libFiles());
  assertEquals([...PENDING].filter((f) => !all.has(f)), []);
});
