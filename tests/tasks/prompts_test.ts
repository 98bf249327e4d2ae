import { assert, assertEquals, assertThrows } from "../assert.ts";
import {
  buildPrompt,
  buildPromptTrainingSet,
  type ConceptTask,
  encodePromptItem,
  formatExample,
  NULL_CONCEPT,
  PROMPT_SHOTS,
  samplePrompts,
} from "../../lib/tasks/prompts.ts";
import { makeBitwiseTask } from "../../lib/tasks/bitwise.ts";
import { ByteTokenizer } from "../../lib/text/tokenizer.ts";
import { ConfigError } from "../../lib/util/validate.ts";

const LINE = /^example:([01]{5} [01]{5})->([01]{5})$/;

Deno.test("prompt template: demonstrations then query, exactly as specified", () => {
  const d1 = { input: "00001 00011", output: "00001", concept: "AND" };
  const d2 = { input: "11001 10011", output: "10001", concept: "AND" };
  const q = { input: "00111 00101", output: "00101", concept: "AND" };
  assertEquals(formatExample(d1), "example:00001 00011->00001");
  assertEquals(formatExample(q, false), "example:00111 00101->");
  assertEquals(buildPrompt([d1, d2], q), {
    prompt: "example:00001 00011->00001\nexample:11001 10011->10001\nexample:00111 00101->",
    answer: "00101",
    concept: "AND",
    shots: 2,
  });
  assertEquals(buildPrompt([], q).prompt, "example:00111 00101->");
  assertThrows(() => formatExample({ input: "a\nb", output: "c", concept: "X" }), ConfigError);
});

Deno.test("samplePrompts: shots 1/4/10, one concept per prompt, queries held out", () => {
  const task = makeBitwiseTask();
  const prompts = samplePrompts(task, { perConcept: 5 });
  assertEquals(prompts.length, task.concepts.length * PROMPT_SHOTS.length * 5);
  const testInputs = new Set(task.test.map((e) => e.input));
  const trainKey = new Set(task.train.map((e) => `${e.concept}|${e.input}|${e.output}`));
  const testKey = new Set(task.test.map((e) => `${e.concept}|${e.input}|${e.output}`));
  for (const p of prompts) {
    const lines = p.prompt.split("\n");
    assertEquals(lines.length, p.shots + 1);
    assert((PROMPT_SHOTS as readonly number[]).includes(p.shots));
    const inputs = new Set<string>();
    for (const l of lines.slice(0, -1)) {
      const m = LINE.exec(l);
      assert(m, l);
      assert(
        trainKey.has(`${p.concept}|${m[1]}|${m[2]}`),
        `demo not a train example of ${p.concept}`,
      );
      inputs.add(m[1]);
    }
    assertEquals(inputs.size, p.shots); // distinct demo inputs
    const q = /^example:([01]{5} [01]{5})->$/.exec(lines[lines.length - 1]);
    assert(q);
    assert(testInputs.has(q[1]) && !inputs.has(q[1]));
    assert(testKey.has(`${p.concept}|${q[1]}|${p.answer}`));
  }
  assertEquals(
    samplePrompts(task, { perConcept: 2, seed: 9 }),
    samplePrompts(task, { perConcept: 2, seed: 9 }),
  );
  const only = samplePrompts(task, {
    shots: [4],
    perConcept: 3,
    concepts: ["XOR"],
    split: "train",
  });
  assertEquals(only.map((p) => [p.concept, p.shots]), [["XOR", 4], ["XOR", 4], ["XOR", 4]]);
});

Deno.test("training set: prompt + answer + newline terminator, loss span, mixed concepts", () => {
  const task = makeBitwiseTask();
  const items = buildPromptTrainingSet(task, { count: 700, seed: 1 });
  assertEquals(items.length, 700);
  const concepts = new Set(items.map((i) => i.concept));
  assertEquals(concepts.size, 7);
  assert(concepts.has(NULL_CONCEPT));
  for (const it of items) {
    assertEquals(it.text, `${it.prompt}${it.answer}\n`);
    assertEquals(it.text.slice(it.targetStart, it.targetEnd), `${it.answer}\n`);
    assert(it.shots >= 1 && it.shots <= 10);
    const lines = it.text.slice(0, -1).split("\n");
    assertEquals(lines.length, it.shots + 1);
    for (const l of lines) assert(LINE.test(l), l);
  }
  const tok = new ByteTokenizer();
  const { ids, targetStart } = encodePromptItem(tok, items[0]);
  assertEquals(tok.decode(ids), items[0].text);
  assertEquals(tok.decode(ids.slice(targetStart)), `${items[0].answer}\n`);
});

Deno.test("prompt configs: bad fields throw ConfigError naming them", () => {
  const task = makeBitwiseTask({ trainSize: 70, testSize: 14 });
  assertThrows(() => samplePrompts(task, { shots: [] }), ConfigError, "shots");
  assertThrows(() => samplePrompts(task, { shots: [1.5] }), ConfigError, "shots");
  assertThrows(() => samplePrompts(task, { perConcept: 0 }), ConfigError, "perConcept");
  assertThrows(() => samplePrompts(task, { split: "dev" as "test" }), ConfigError, "split");
  assertThrows(() => samplePrompts(task, { concepts: ["Noun"] }), ConfigError, "concepts");
  assertThrows(() => buildPromptTrainingSet(task, { count: 0 }), ConfigError, "count");
  assertThrows(() => buildPromptTrainingSet(task, { shot: [1] } as never), ConfigError, "shot");
  const tiny: ConceptTask = {
    name: "tiny",
    concepts: ["A"],
    train: [{ input: "x", output: "1", concept: "A" }, { input: "y", output: "1", concept: "A" }],
    test: [{ input: "z", output: "1", concept: "A" }],
  };
  assertThrows(() => samplePrompts(tiny, { shots: [3] }), ConfigError, "shots");
  assertEquals(samplePrompts(tiny, { shots: [2], perConcept: 1 })[0].shots, 2);
});
