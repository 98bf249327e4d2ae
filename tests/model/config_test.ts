import { languageModelConfig, regressionConfig, transformerShape } from "../../lib/model/config.ts";
import { ConfigError } from "../../lib/util/validate.ts";
import { assert, assertEquals, assertThrows } from "../assert.ts";

const cases: [string, Record<string, unknown>, string][] = [
  ["nLayers", { nLayers: 0 }, "an integer >= 1"],
  ["dModel", { dModel: -4 }, "an integer >= 1"],
  ["nHeads", { dModel: 64, nHeads: 3 }, "a divisor of dModel=64"],
  ["mlpRatio", { mlpRatio: 0 }, "> 0"],
  ["inputDim", { inputDim: 1.5 }, "an integer >= 1"],
  ["model.nLayer", { nLayer: 2 }, "one of nLayers"],
  ["readInit", { readInit: "xavier" }, `one of "normal", "linear"`],
];
for (const [field, bad, allowed] of cases) {
  Deno.test(`regressionConfig: bad ${field} names the field and the allowed values`, () => {
    const e = assertThrows(() => regressionConfig(bad as never), ConfigError) as ConfigError;
    assertEquals(e.field, field);
    assert(e.message.includes(allowed), e.message);
  });
}

Deno.test("languageModelConfig: vocabSize must be >= 2; defaults documented", () => {
  const e = assertThrows(() => languageModelConfig({ vocabSize: 1 }), ConfigError) as ConfigError;
  assertEquals(e.field, "vocabSize");
  assertEquals(languageModelConfig({}).tieEmbeddings, true);
});

Deno.test("transformerShape: layers×dModel×heads, '?' for a field a partial config leaves out", () => {
  assertEquals(transformerShape({ nLayers: 12, dModel: 256, nHeads: 8 }), "12×256×8");
  assertEquals(transformerShape({ dModel: 64 }), "?×64×?");
});
