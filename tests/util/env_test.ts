import { envFlag, envSwitch, envVar, TOOLKIT_ENV } from "../../lib/util/env.ts";
import { assert, assertEquals } from "../assert.ts";

const root = new URL("../../", import.meta.url);

/** Every .ts file under `dir` (relative to the repository root). */
function* tsFiles(dir: string): Generator<string> {
  for (const e of Deno.readDirSync(new URL(dir, root))) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory) yield* tsFiles(path);
    else if (e.name.endsWith(".ts")) yield path;
  }
}

Deno.test("envFlag: '0' off, '1' on, anything else the fallback; envVar reads the value", () => {
  const before = Deno.env.get("TOOLKIT_WAIT");
  try {
    Deno.env.delete("TOOLKIT_WAIT");
    assertEquals([envFlag("TOOLKIT_WAIT", true), envFlag("TOOLKIT_WAIT", false)], [true, false]);
    assertEquals(envVar("TOOLKIT_WAIT"), undefined);
    for (const [v, want] of [["0", [false, false]], ["1", [true, true]], ["yes", [true, false]]]) {
      Deno.env.set("TOOLKIT_WAIT", v as string);
      assertEquals(
        [envFlag("TOOLKIT_WAIT", true), envFlag("TOOLKIT_WAIT", false)],
        want,
        v as string,
      );
    }
    assertEquals(envVar("TOOLKIT_WAIT"), "yes");
  } finally {
    if (before === undefined) Deno.env.delete("TOOLKIT_WAIT");
    else Deno.env.set("TOOLKIT_WAIT", before);
  }
});

Deno.test("envSwitch: starts from the variable, set() flips it and returns the previous setting", () => {
  const before = Deno.env.get("TOOLKIT_WAIT");
  try {
    Deno.env.set("TOOLKIT_WAIT", "0");
    const s = envSwitch("TOOLKIT_WAIT", true);
    assertEquals(s.on, false);
    // the variable is read once, at creation: later changes to it do not move the switch
    Deno.env.set("TOOLKIT_WAIT", "1");
    assertEquals(s.on, false);
    assertEquals(s.set(true), false);
    assertEquals(s.on, true);
    assertEquals(s.set(true), true);
    assertEquals(s.set(false), true);
    assertEquals(s.on, false);
  } finally {
    if (before === undefined) Deno.env.delete("TOOLKIT_WAIT");
    else Deno.env.set("TOOLKIT_WAIT", before);
  }
});

Deno.test("TOOLKIT_ENV names every variable the code and README mention, and only lib/util/env.ts reads them", () => {
  const named = new Set(Object.keys(TOOLKIT_ENV));
  const mentioned = new Set<string>();
  for (const dir of ["lib", "tasks"]) {
    for (const path of tsFiles(dir)) {
      const text = Deno.readTextFileSync(new URL(path, root));
      for (const m of text.matchAll(/TOOLKIT_[A-Z_]+/g)) mentioned.add(m[0]);
      if (path !== "lib/util/env.ts") {
        assert(
          !/Deno\.env\.get\(\s*["'`]TOOLKIT_/.test(text),
          `${path} reads a TOOLKIT_ variable itself`,
        );
      }
    }
  }
  const readme = Deno.readTextFileSync(new URL("README.md", root));
  for (const m of readme.matchAll(/TOOLKIT_[A-Z_]+/g)) mentioned.add(m[0]);
  for (const name of mentioned) {
    if (name === "TOOLKIT_ENV") continue;
    assert(named.has(name), `${name} is used but not in TOOLKIT_ENV`);
  }
  const table = readme.slice(readme.indexOf("### Environment variables"));
  for (const name of named) assert(table.includes(`| \`${name}\``), `README's table lacks ${name}`);
});
