import { assert, assertEquals, assertThrows } from "../assert.ts";
import { loadTextCorpus, textCorpusConfig } from "../../lib/text/corpus.ts";
import { loadNlpCorpusFiles, nlpCorpusDocuments } from "../../lib/text/nlp_corpus.ts";
import { ConfigError } from "../../lib/util/validate.ts";

// Brown's seed-0 validation documents as split before nlp-corpus was added (the cached Brown
// tokens and every archived sweep run were made with this split).
const BROWN_VAL_SEED0 = [
  "ca22",
  "ca28",
  "ca32",
  "cb09",
  "cb11",
  "cb26",
  "cd15",
  "ce26",
  "cf29",
  "cf48",
  "cg01",
  "cg18",
  "cg39",
  "cg43",
  "cg47",
  "cg67",
  "ch18",
  "ch28",
  "cj17",
  "cj40",
  "cj42",
  "ck14",
  "ck17",
  "ck25",
  "cn01",
]; // deno-fmt-ignore

Deno.test("nlpCorpusDocuments: chunks of consecutive sentences within one file, cleaned", () => {
  const docs = nlpCorpusDocuments([["A  b.\n", "C d.", "   ", "E f."], ["G h."]], 2);
  assertEquals(docs.map((d) => d.id), ["nlp-0-00", "nlp-0-01", "nlp-1-00"]);
  assertEquals(docs.map((d) => d.sentences), [["A b.", "C d."], ["E f."], ["G h."]]);
  assert(docs.every((d) => d.category === "nlp-corpus"));
  assertThrows(() => nlpCorpusDocuments([["x"]], 0), ConfigError, "chunkSentences");
});

Deno.test("nlp-corpus from npm: 100 files × 1,000 sentences, 1,000 chunks, whole chunks held out", async () => {
  const files = await loadNlpCorpusFiles();
  assertEquals(files.length, 100);
  assert(files.every((f) => f.length === 1000));
  const c = await loadTextCorpus({ name: "nlp-corpus" });
  assertEquals(c.stats.documents, 1000);
  assertEquals(c.stats.sentences, 100_000);
  assertEquals(c.validationIds.length, 50);
  const chars = c.stats.trainChars + c.stats.validationChars;
  assert(chars > 8_500_000 && chars < 9_000_000, `${chars} characters`);
  const val = new Set(c.validationIds);
  assert(c.trainIds.every((id) => !val.has(id)));
  // every sentence of a held-out chunk long enough to be unique is absent from the training text
  for (const d of c.documents.filter((d) => val.has(d.id)).slice(0, 10)) {
    for (const s of d.sentences.filter((x) => x.length > 60).slice(0, 5)) {
      assert(!c.train.includes(s), `validation sentence leaked: ${s}`);
      assert(c.validation.includes(s));
    }
  }
});

Deno.test("brown split unchanged; brown+nlp-corpus holds out Brown's own validation documents", async () => {
  const brown = await loadTextCorpus();
  assertEquals(brown.validationIds, BROWN_VAL_SEED0);
  assertEquals([brown.stats.trainChars, brown.stats.validationChars], [5_664_280, 301_875]);
  const both = await loadTextCorpus({ name: "brown+nlp-corpus" });
  assertEquals(both.stats.documents, 1500);
  assertEquals(both.validationIds.slice(0, 25), BROWN_VAL_SEED0);
  assertEquals(both.validationIds.length, 75);
  assert(both.train.startsWith(brown.train), "Brown's training text first");
  assertEquals(
    both.validationIds.slice(25),
    (await loadTextCorpus({ name: "nlp-corpus" })).validationIds,
  );
});

Deno.test("corpus config: name, chunkSentences, categories with nlp-corpus", () => {
  assertThrows(() => textCorpusConfig({ name: "wiki" as "brown" }), ConfigError, "name");
  assertThrows(() => textCorpusConfig({ chunkSentences: 0 }), ConfigError, "chunkSentences");
  assertThrows(
    () => textCorpusConfig({ name: "nlp-corpus", categories: ["news"] }),
    ConfigError,
    "categories",
  );
  assertEquals(
    textCorpusConfig({ name: "brown+nlp-corpus", categories: ["news"] }).name,
    "brown+nlp-corpus",
  );
});
