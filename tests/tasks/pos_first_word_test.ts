import { assert, assertEquals, assertNotEquals, assertThrows } from "../assert.ts";
import {
  brownPosSentence,
  brownTagConcept,
  firstWordOfConcept,
  loadPosSentences,
  makePosTaskFromSentences,
  POS_CONCEPTS,
  posTaskConfig,
  tagSentencesWink,
} from "../../lib/tasks/pos_first_word.ts";
import { NULL_CONCEPT } from "../../lib/tasks/prompts.ts";
import { ConfigError } from "../../lib/util/validate.ts";

/** Brown sentences whose answers were checked by hand against their gold tags. */
const HAND_CHECKED: [string, Record<string, string>][] = [
  [
    "His political career goes back to his election to city council in 1923.",
    {
      Noun: "career",
      Adjective: "political",
      Verb: "goes",
      Adverb: "back",
      Preposition: "to",
      Pronoun: "His",
    },
  ],
  [
    "Henrietta could easily identify herself with Jo March, although Jo was not the eldest sister.",
    // "could" is a modal (not a verb); "although" a conjunction (not a preposition)
    {
      Noun: "Henrietta",
      Adjective: "eldest",
      Verb: "identify",
      Adverb: "easily",
      Preposition: "with",
      Pronoun: "herself",
    },
  ],
  [
    "An oversize unit will cool off your house quickly, then shut down for a long period.",
    // "off" is a particle (rp), so the first adverb is "quickly" and the first preposition "for"
    {
      Noun: "unit",
      Adjective: "oversize",
      Verb: "cool",
      Adverb: "quickly",
      Preposition: "for",
      Pronoun: "your",
    },
  ],
];

Deno.test("Brown tag → concept mapping (PTB-like)", () => {
  const cases: [string, string | null][] = [
    ["nn", "Noun"],
    ["np-tl", "Noun"],
    ["nns-tl-hl", "Noun"],
    ["jjt", "Adjective"],
    ["vbd", "Verb"],
    ["bedz", "Verb"],
    ["hvz", "Verb"],
    ["md", null],
    ["rb", "Adverb"],
    ["ql", "Adverb"],
    ["*", "Adverb"],
    ["in", "Preposition"],
    ["cs", null],
    ["pp$", "Pronoun"],
    ["ppss", "Pronoun"],
    ["pn", null],
    ["ppss+md", null],
    ["fw-nn", null],
    ["at", null],
    [".", null],
  ];
  for (const [tag, c] of cases) assertEquals(brownTagConcept(tag), c, tag);
  const s = brownPosSentence({
    words: ["He", "ran", "very", "fast", "."],
    tags: ["pps", "vbd", "ql", "rb", "."],
  }, "x:0");
  assertEquals(s?.concepts, ["Pronoun", "Verb", "Adverb", "Adverb", null]);
  assertEquals(s?.isWord, [true, true, true, true, false]);
  assertEquals(s && firstWordOfConcept(s, "Adverb"), "very");
  // tokens PTB would split are rejected
  assertEquals(brownPosSentence({ words: ["I'd", "go"], tags: ["ppss+md", "vb"] }, "x"), null);
  assertEquals(brownPosSentence({ words: ["didn't", "go"], tags: ["dod*", "vb"] }, "x"), null);
  assertEquals(brownPosSentence({ words: ["man's", "hat"], tags: ["nn$", "nn"] }, "x"), null);
  assertEquals(
    brownPosSentence({ words: ["Jury", "Meets"], tags: ["nn-hl", "vbz-hl"] }, "x"),
    null,
  );
});

Deno.test("POS task on Brown: hand-checked answers, all six tags, 80/20 split, Null words", async () => {
  const sents = await loadPosSentences();
  assert(sents.length > 2000 && sents.length < 4000, `${sents.length} sentences`);
  for (const [text, answers] of HAND_CHECKED) {
    const s = sents.find((x) => x.text === text);
    assert(s, `missing: ${text}`);
    for (const c of POS_CONCEPTS) {
      assertEquals(firstWordOfConcept(s, c), answers[c], `${c} of ${text}`);
    }
  }
  for (const s of sents) {
    for (const c of POS_CONCEPTS) assert(s.concepts.includes(c), `${s.id} lacks ${c}`);
    const n = s.isWord.filter(Boolean).length;
    assert(n >= 6 && n <= 20);
  }
  const task = makePosTaskFromSentences(sents);
  assertEquals(task.concepts, [...POS_CONCEPTS, NULL_CONCEPT]);
  assertEquals(task.trainSentences.length, Math.round(0.8 * sents.length));
  assertEquals(task.trainSentences.length + task.testSentences.length, sents.length);
  const trainIds = new Set(task.trainSentences.map((s) => s.id));
  assert(task.testSentences.every((s) => !trainIds.has(s.id)));
  assertEquals(task.train.length, 7 * task.trainSentences.length);
  assertEquals(task.test.length, 7 * task.testSentences.length);
  const byText = new Map(sents.map((s) => [s.text, s]));
  for (const e of task.test) {
    const s = byText.get(e.input)!;
    if (e.concept === NULL_CONCEPT) {
      const i = s.words.indexOf(e.output);
      assert(i >= 0 && s.isWord[i], `Null word ${e.output} not a word of the sentence`);
    } else {assertEquals(
        e.output,
        firstWordOfConcept(s, e.concept as (typeof POS_CONCEPTS)[number]),
      );}
    assert(e.input.includes(e.output));
  }
  const again = makePosTaskFromSentences(sents);
  assertEquals(again.test, task.test);
  assertNotEquals(makePosTaskFromSentences(sents, { seed: 1 }).test, task.test);
  assertEquals(
    makePosTaskFromSentences(sents, { maxSentences: 100, includeNull: false }).train.length,
    6 * 80,
  );
});

Deno.test("POS trainPool anyConcept: same test set, more (disjoint) training sentences, one example per concept present", async () => {
  const six = makePosTaskFromSentences(await loadPosSentences({ maxWords: 12 }), { maxWords: 12 });
  const cfg = { maxWords: 12, trainPool: "anyConcept" as const };
  const sents = await loadPosSentences(cfg);
  const any = makePosTaskFromSentences(sents, cfg);
  assertEquals(any.test, six.test, "the held-out all-six sentences do not depend on the pool");
  assert(
    any.trainSentences.length > 10 * six.trainSentences.length,
    `${any.trainSentences.length}`,
  );
  const testIds = new Set(any.testSentences.map((s) => s.id));
  assert(any.trainSentences.every((s) => !testIds.has(s.id)), "no test sentence trains");
  const expected = any.trainSentences.reduce(
    (n, s) => n + POS_CONCEPTS.filter((c) => s.concepts.includes(c)).length + 1,
    0,
  );
  assertEquals(any.train.length, expected, "one example per concept a sentence has, plus Null");
  for (const c of POS_CONCEPTS) {
    assert(any.train.some((e) => e.concept === c), `no ${c} training example`);
  }
  const partial = sents.find((s) => !POS_CONCEPTS.every((c) => s.concepts.includes(c)))!;
  assertThrows(
    () => makePosTaskFromSentences([...sents.slice(0, 10), partial], { maxWords: 12 }),
    ConfigError,
    "sentences",
  );
});

Deno.test("POS with wink-pos-tagger (sentences of your own)", async () => {
  const [s] = await tagSentencesWink(["She quickly read the old book in the garden."]);
  const got = Object.fromEntries(POS_CONCEPTS.map((c) => [c, firstWordOfConcept(s, c)]));
  assertEquals(got, {
    Noun: "book",
    Adjective: "old",
    Verb: "read",
    Adverb: "quickly",
    Preposition: "in",
    Pronoun: "She",
  });
  assertEquals(s.isWord[s.isWord.length - 1], false);
});

Deno.test("POS config: bad fields throw ConfigError naming them", () => {
  assertThrows(() => posTaskConfig({ source: "spacy" as "brown" }), ConfigError, "source");
  assertThrows(() => posTaskConfig({ trainFraction: 1 }), ConfigError, "trainFraction");
  assertThrows(() => posTaskConfig({ minWords: 3 }), ConfigError, "minWords");
  assertThrows(() => posTaskConfig({ minWords: 10, maxWords: 8 }), ConfigError, "maxWords");
  assertThrows(() => posTaskConfig({ maxSentence: 5 } as never), ConfigError, "maxSentence");
  assertThrows(() => makePosTaskFromSentences([], {}), ConfigError, "maxSentences");
  assertThrows(() => posTaskConfig({ trainPool: "all" as "allSix" }), ConfigError, "trainPool");
});
