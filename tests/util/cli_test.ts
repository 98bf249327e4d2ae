import {
  choiceFlag,
  errorLine,
  FileError,
  jsonFlag,
  numberFlag,
  parseFlags,
  UsageError,
} from "../../lib/util/cli.ts";
import { ConfigError } from "../../lib/util/validate.ts";
import { assertEquals, assertThrows } from "../assert.ts";

Deno.test("parseFlags reads typed flags and names the known ones when a flag is unknown", () => {
  const spec = {
    n: { type: "string" as const, default: "3", help: "n" },
    json: { type: "boolean" as const, default: false, help: "j" },
  };
  const f = parseFlags(["--n", "5", "--json"], spec);
  assertEquals([f.n, f.json], ["5", true]);
  const e = assertThrows(() => parseFlags(["--nope"], spec), ConfigError) as ConfigError;
  assertEquals([e.field, e.got, e.allowed], ["flag", "--nope", "--n, --json"]);
});

Deno.test("parseFlags refuses positionals unless declared, reads negative numbers, names a missing value", () => {
  const spec = {
    n: { type: "string" as const, default: "3", help: "n" },
    json: { type: "boolean" as const, default: false, help: "j" },
  };
  assertEquals(
    (assertThrows(() => parseFlags(["smoke"], spec), ConfigError) as ConfigError).field,
    "arguments",
  );
  assertEquals(parseFlags(["--n", "-1"], spec).n, "-1");
  assertEquals(
    (assertThrows(() => parseFlags(["--n"], spec), ConfigError) as ConfigError).field,
    "n",
  );
  assertEquals(
    (assertThrows(() => parseFlags(["--json=1"], spec), ConfigError) as ConfigError).field,
    "json",
  );
  const pos = { name: "command", allowed: ["single", "parallel"], min: 1, max: 1 };
  assertEquals(parseFlags(["single", "--json"], spec, { positionals: pos })._, ["single"]);
  assertEquals(
    (assertThrows(() => parseFlags([], spec, { positionals: pos }), ConfigError) as ConfigError)
      .field,
    "command",
  );
  assertEquals(
    (assertThrows(
      () => parseFlags(["nope"], spec, { positionals: pos }),
      ConfigError,
    ) as ConfigError).field,
    "command",
  );
  assertEquals(
    (assertThrows(
      () => parseFlags(["single", "x"], spec, { positionals: pos }),
      ConfigError,
    ) as ConfigError).field,
    "arguments",
  );
  assertEquals(parseFlags(["--debug"], spec).json, false);
});

Deno.test("errorLine: one line per error kind, exit 2 for bad input, 1 for internal failures", () => {
  assertEquals(errorLine(new ConfigError("preset", "smoke, cpu", "nope")), {
    line: 'error: preset: got "nope"; allowed: smoke, cpu',
    code: 2,
  });
  assertEquals(errorLine(new FileError("a.csv", "not found", "pass a CSV")), {
    line: "error: a.csv: not found; pass a CSV",
    code: 2,
  });
  assertEquals(errorLine(new UsageError("run x is being trained by pid 1")).code, 2);
  const internal = errorLine(new TypeError("x is undefined\n  at foo"));
  assertEquals(internal.code, 1);
  assertEquals(internal.line.split("\n").length, 1);
  assertEquals(choiceFlag("b", "wasm", ["wasm", "cpu"]), "wasm");
  assertThrows(() => choiceFlag("b", "tpu", ["wasm", "cpu"]), ConfigError);
});

Deno.test("numberFlag and jsonFlag fail with the flag's name", () => {
  assertEquals(numberFlag("steps", "200", 1), 200);
  assertEquals(numberFlag("steps", "", 7), 7);
  assertEquals(numberFlag("lr", "-0.5", 1), -0.5);
  for (const bad of ["0", "1.5", "-3"]) {
    assertThrows(() => numberFlag("steps", bad, 1, { integer: true, min: 1 }), ConfigError);
  }
  assertThrows(() => numberFlag("level", "2", 1, { min: 0, max: 1 }), ConfigError);
  assertEquals(
    (assertThrows(() => numberFlag("steps", "ten", 1), ConfigError) as ConfigError).field,
    "steps",
  );
  assertEquals(jsonFlag("set", '{"model":{"dModel":128}}'), { model: { dModel: 128 } });
  assertEquals(jsonFlag("set", ""), {});
  for (const bad of ["{model:1}", "[1]", "3"]) {
    assertEquals(
      (assertThrows(() => jsonFlag("set", bad), ConfigError) as ConfigError).field,
      "set",
    );
  }
});
