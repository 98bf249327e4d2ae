import { initBackend } from "../../lib/backend/backend.ts";
import { tf } from "../../lib/deps.ts";
import type { EncodedPrompt } from "../../lib/icl_lm/data.ts";
import {
  exactMatch,
  lengthBatches,
  runPrompts,
  subsetAccuracy,
} from "../../lib/icl_lm/evaluate.ts";
import type { CausalLm } from "../../lib/model/causal_lm.ts";
import { ByteTokenizer } from "../../lib/text/tokenizer.ts";
import { assert, assertAlmostEquals, assertEquals } from "../assert.ts";

await initBackend({ backend: "wasm", quiet: true });
const tok = new ByteTokenizer();

/** A model whose next token is a fixed function of the current one: ">"→"1", "1"→"0", "0"→"\n", else "x". */
function tableLm(): CausalLm {
  const next = new Int32Array(256).fill("x".charCodeAt(0));
  next[">".charCodeAt(0)] = "1".charCodeAt(0);
  next["1".charCodeAt(0)] = "0".charCodeAt(0);
  next["0".charCodeAt(0)] = "\n".charCodeAt(0);
  const table = tf.keep(tf.oneHot(tf.tensor1d(next, "int32"), 256).mul(10) as tf.Tensor2D);
  return {
    config: { nLayers: 0, dModel: 1, nHeads: 1, vocabSize: 256, maxLen: 64 },
    params: {},
    forward: (ids) => ({
      logits: tf.gather(table, tf.reshape(ids, [-1])) as tf.Tensor2D,
      results: { captured: new Map(), attention: new Map() },
    }),
    loss: () => {
      throw new Error("unused");
    },
    dispose: () => table.dispose(),
  };
}

const prompt = (text: string, answer: string): EncodedPrompt => ({
  task: "bitwise",
  concept: "AND",
  conceptIndex: 0,
  shots: 1,
  promptIds: tok.encode(text),
  targetIds: tok.encode(answer + "\n"),
  answer,
});

Deno.test("exact match on hand cases", () => {
  assert(exactMatch("00101", "00101"));
  assert(exactMatch("00101\nexample:", "00101"), "stops at the newline");
  assert(exactMatch(" the ", "the"), "trimmed");
  assert(!exactMatch("0010", "00101"), "a prefix is not a match");
  assert(!exactMatch("001011", "00101"), "a longer answer is not a match");
  assert(!exactMatch("\n00101", "00101"), "an empty first line is not a match");
  assertAlmostEquals(subsetAccuracy([1, 0, 1, 1], [0, 1]), 0.5, 0);
  assert(Number.isNaN(subsetAccuracy([1], [])));
});

Deno.test("teacher-forced scoring equals greedy decoding on hand cases", async () => {
  const lm = tableLm();
  const prompts = [
    prompt("example:a->", "10"), // greedy: "1", "0", "\n" → "10": correct
    prompt("example:bb->", "1"), // greedy "10": "1" is only a prefix → wrong (no newline after "1")
    prompt("example:c->", "11"), // wrong second token
    prompt("example:d->", "100"), // greedy stops after "10"
    prompt("example:a->", "x"), // wrong first token
  ];
  const tf_ = await runPrompts(lm, prompts, { mode: "teacherForced" });
  const gr = await runPrompts(lm, prompts, {
    mode: "greedy",
    decode: (ids) => tok.decode(ids),
    maxNew: 6,
  });
  assertEquals(Array.from(tf_.correct), [1, 0, 0, 0, 0]);
  assertEquals(Array.from(gr.correct), Array.from(tf_.correct));
  assertEquals(gr.outputs, ["10", "10", "10", "10", "10"]);
  // batching (one prompt per pass) does not change anything
  const one = await runPrompts(lm, prompts, { mode: "teacherForced", tokensPerBatch: 1 });
  assertEquals(Array.from(one.correct), Array.from(tf_.correct));
  lm.dispose();
});

Deno.test("length batches respect the token budget and cover every index once", () => {
  const lengths = [5, 30, 7, 12, 12, 40, 3];
  const batches = lengthBatches(lengths, 40);
  assertEquals(batches.flat().sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6]);
  for (const b of batches) {
    assert(b.length === 1 || b.length * Math.max(...b.map((i) => lengths[i])) <= 40);
  }
  assertEquals(batches[0], [6, 0, 2]);
});

Deno.test("scoring with capture and patches leaks no tensors", async () => {
  const { LanguageModel } = await import("../../lib/model/language_model.ts");
  const { lastTokenPatch } = await import("../../lib/icl_lm/intervention.ts");
  const lm = new LanguageModel({ vocabSize: 256, maxLen: 32, nLayers: 2, dModel: 8, nHeads: 2 }, {
    seed: 5,
  });
  const prompts = [prompt("example:a->", "10"), prompt("example:bcd->", "1")];
  const v = new Float32Array(8).fill(0.5);
  const go = () =>
    runPrompts(lm, prompts, {
      capture: true,
      patch: (rows, last) => [lastTokenPatch(1, rows.map(() => v), last)],
    });
  await go();
  const before = tf.memory().numTensors;
  await go();
  await runPrompts(lm, prompts, {
    mode: "greedy",
    decode: (ids) => tok.decode(ids),
    maxNew: 3,
    capture: true,
  });
  assertEquals(tf.memory().numTensors, before);
  lm.dispose();
});
