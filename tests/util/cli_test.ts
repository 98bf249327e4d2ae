import { jsonFlag, numberFlag, parseFlags } from "../../lib/util/cli.ts";
import { ConfigError } from "../../lib/util/validate.ts";
import { assertEquals, assertThrows } from "../assert.ts";

Deno.test("parseFlags reads typed flags and names the known ones when a flag is unknown", () => {
  const spec = { n: { type: "string" as const, default: "3", help: "n" }, json: { type: "boolean" as const, default: false, help: "j" } };
  const f = parseFlags(["--n", "5", "--json"], spec);
  assertEquals([f.n, f.json], ["5", true]);
  const e = assertThrows(() => parseFlags(["--nope"], spec), ConfigError) as ConfigError;
  assertEquals(e.field, "flags");
});

Deno.test("numberFlag and jsonFlag fail with the flag's name", () => {
  assertEquals(numberFlag("steps", "200", 1), 200);
  assertEquals(numberFlag("steps", "", 7), 7);
  assertEquals((assertThrows(() => numberFlag("steps", "ten", 1), ConfigError) as ConfigError).field, "steps");
  assertEquals(jsonFlag("set", '{"model":{"dModel":128}}'), { model: { dModel: 128 } });
  assertEquals(jsonFlag("set", ""), {});
  for (const bad of ["{model:1}", "[1]", "3"]) {
    assertEquals((assertThrows(() => jsonFlag("set", bad), ConfigError) as ConfigError).field, "set");
  }
});
