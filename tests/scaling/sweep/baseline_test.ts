import { unigramLoss } from "../../../lib/scaling/sweep/baseline.ts";
import { makeTokenWindows } from "../../../lib/text/windows.ts";
import { ConfigError } from "../../../lib/util/validate.ts";
import { assertAlmostEquals, assertThrows } from "../../assert.ts";

Deno.test("unigramLoss: add-k unigram cross-entropy on the windows' targets (not their first token)", () => {
  const train = Int32Array.from([0, 0, 0, 1]); // counts 3, 1, 0 over V = 3
  const windows = makeTokenWindows(Int32Array.from([2, 0, 1, 2, 0, 1, 2]), {
    context: 2,
    count: 0,
  });
  const targets: number[] = [];
  for (let r = 0; r < windows.n; r++) {
    for (let j = 1; j < windows.width; j++) targets.push(windows.data[r * windows.width + j]);
  }
  const p = (id: number, k: number) => ([3, 1, 0][id] + k) / (4 + 3 * k);
  for (const k of [1, 0.5]) {
    const want = -targets.reduce((s, id) => s + Math.log(p(id, k)), 0) / targets.length;
    assertAlmostEquals(unigramLoss(train, windows, { vocabSize: 3, addK: k }), want, 1e-12);
  }
  // Uniform counts give ln V whatever the targets.
  assertAlmostEquals(
    unigramLoss(Int32Array.from([0, 1, 2]), windows, { vocabSize: 3 }),
    Math.log(3),
    1e-12,
  );
  assertThrows(() => unigramLoss(train, windows, { vocabSize: 3, addK: 0 }), ConfigError);
});
