import { iclLmConfig } from "../../lib/icl_lm/config.ts";
import {
  encodeEvalPrompts,
  encodeWithLossFlags,
  type IclLmTasks,
  packRows,
  promptBatch,
} from "../../lib/icl_lm/data.ts";
import { makeBitwiseTask } from "../../lib/tasks/bitwise.ts";
import { ByteTokenizer } from "../../lib/text/tokenizer.ts";
import { ConfigError } from "../../lib/util/validate.ts";
import { assert, assertEquals, assertThrows } from "../assert.ts";

const tok = new ByteTokenizer();
const text = "example:ab->c\nexample:d->ef\n";

Deno.test("loss flags: outputs, answer only, all", () => {
  const o = encodeWithLossFlags(tok, text, "outputs");
  assertEquals(tok.decode(o.ids), text);
  const flagged = (f: number[]) => tok.decode(o.ids.filter((_, i) => f[i]));
  assertEquals(flagged(o.flags), "c\nef\n");
  assertEquals(flagged(encodeWithLossFlags(tok, text, "answer").flags), "ef\n");
  assertEquals(flagged(encodeWithLossFlags(tok, text, "all").flags), text);
  assertThrows(() => encodeWithLossFlags(tok, "no arrow\n", "outputs"), ConfigError);
});

Deno.test("packed windows: right padding, mask on the targets only", () => {
  const { windows, mask, length } = packRows([{ ids: [1, 2, 3], flags: [0, 1, 1] }, {
    ids: [4, 5],
    flags: [0, 1],
  }]);
  assertEquals(length, 2);
  assertEquals(Array.from(windows), [1, 2, 3, 4, 5, 0]);
  assertEquals(Array.from(mask), [1, 1, 1, 0]);
});

Deno.test("training batches: a pure function of (seed, step), within the token budget, tasks alternating", () => {
  const tasks: IclLmTasks = new Map([
    ["bitwise", makeBitwiseTask({ trainSize: 700, testSize: 70 })],
    ["pos", makeBitwiseTask({ trainSize: 700, testSize: 70, seed: 1 })], // a stand-in second family
  ]);
  const opts = {
    tokensPerStep: 600,
    shots: [1, 2, 3],
    lossOn: "outputs" as const,
    maxLen: 200,
    seed: 3,
  };
  const a = promptBatch(tasks, tok, 5, opts), b = promptBatch(tasks, tok, 5, opts);
  assertEquals(Array.from(a.windows), Array.from(b.windows));
  assert(a.batch * (a.length + 1) <= 600);
  assert(a.batch > 1);
  assertEquals([1, 2, 3, 4].map((s) => promptBatch(tasks, tok, s, opts).task), [
    "bitwise",
    "pos",
    "bitwise",
    "pos",
  ]);
  assert(
    Array.from(promptBatch(tasks, tok, 6, opts).windows).join() !== Array.from(a.windows).join(),
  );
  const e = assertThrows(
    () => promptBatch(tasks, tok, 1, { ...opts, maxLen: 10 }),
    ConfigError,
  ) as ConfigError;
  assertEquals(e.field, "model.maxLen");
  const prompts = encodeEvalPrompts("bitwise", tasks.get("bitwise")!, tok, {
    shots: [1, 4],
    perConcept: 3,
    seed: 0,
  });
  assertEquals(prompts.length, 7 * 2 * 3);
  assertEquals(tok.decode(prompts[0].promptIds).slice(-2), "->");
  assertEquals(tok.decode(prompts[0].targetIds), prompts[0].answer + "\n");
  assertEquals(prompts[prompts.length - 1].concept, "Null");
  assertEquals(prompts[prompts.length - 1].conceptIndex, 6);
});

Deno.test("a bad config names its field", () => {
  const field = (over: object) =>
    (assertThrows(() => iclLmConfig("smoke", over as never), ConfigError) as ConfigError).field;
  assertEquals(field({ perConcept: 0 }), "perConcept");
  assertEquals(field({ lossOn: "prompt" }), "lossOn");
  assertEquals(field({ tasks: ["pos", "parity"] }), "tasks");
  assertEquals(field({ evalShots: [] }), "evalShots");
  assertEquals(field({ model: { nLayers: 2, dModel: 24, nHeads: 5 } }), "model.nHeads");
  assertEquals(field({ train: { lr: -1 } }), "train.lr");
  assertEquals(field({ finetune: { step: 3 } }), "finetune.step");
  assertEquals(field({ loraFraction: 0.9 }), "loraFraction");
  assertEquals(field({ knnK: 100 }), "knnK");
  assertEquals(field({ shots: [1] }), "icl_lm.shots");
  assertEquals(
    (assertThrows(() => iclLmConfig("paper" as never), ConfigError) as ConfigError).field,
    "preset",
  );
  assertEquals(iclLmConfig("cpu").loraRank, 16);
});

Deno.test("encodeEvalPrompts: split picks the queries' pool (held-out test by default, or train)", () => {
  const task = makeBitwiseTask({ trainSize: 60, testSize: 30 });
  const query = (ids: number[]) => tok.decode(ids).split("\n").at(-1)!.slice(8, -2);
  const inputs = (xs: { input: string }[]) => new Set(xs.map((x) => x.input));
  const train = inputs(task.train), test = inputs(task.test);
  const opts = { shots: [1, 4], perConcept: 5, seed: 3 };
  const held = encodeEvalPrompts("bitwise", task, tok, opts);
  const seen = encodeEvalPrompts("bitwise", task, tok, { ...opts, split: "train" });
  assertEquals([held.length, seen.length], [7 * 2 * 5, 7 * 2 * 5]);
  assert(held.every((p) => test.has(query(p.promptIds))));
  assert(seen.every((p) => train.has(query(p.promptIds))));
  // the pools are disjoint here, so the two probes do not share a query
  assert(held.every((p) => !train.has(query(p.promptIds))));
});
