import { assert, assertEquals, assertNotEquals, assertThrows } from "../assert.ts";
import { encodeToInt32, makeTokenWindows } from "../../lib/text/windows.ts";
import { ByteTokenizer } from "../../lib/text/tokenizer.ts";
import { ConfigError } from "../../lib/util/validate.ts";

const STREAM = Array.from({ length: 1001 }, (_, i) => i); // ids equal positions

Deno.test("token windows (chunks): [n, T+1] rows of consecutive ids, every target once", () => {
  const w = makeTokenWindows(STREAM, { context: 16 });
  assertEquals(w.width, 17);
  assertEquals(w.n, Math.floor(1000 / 16)); // 62
  assertEquals(w.data.length, w.n * 17);
  assert(w.data instanceof Int32Array);
  const starts: number[] = [];
  for (let r = 0; r < w.n; r++) {
    const row = w.data.subarray(r * 17, (r + 1) * 17);
    for (let j = 1; j < 17; j++) assertEquals(row[j], row[0] + j);
    assertEquals(row[0] % 16, 0);
    starts.push(row[0]);
  }
  assertEquals(new Set(starts).size, w.n); // no window twice
  assertNotEquals(starts, [...starts].sort((a, b) => a - b)); // shuffled
  assertEquals(w.targetTokens, 62 * 16);
  assertEquals(w.streamTokens, 1001);
  assert(w.epochs <= 1);
});

Deno.test("token windows: seeded, deterministic; random mode draws count windows", () => {
  const a = makeTokenWindows(STREAM, { context: 16, seed: 3 });
  const b = makeTokenWindows(STREAM, { context: 16, seed: 3 });
  const c = makeTokenWindows(STREAM, { context: 16, seed: 4 });
  assertEquals(a.data, b.data);
  assertNotEquals(a.data, c.data);
  const r = makeTokenWindows(STREAM, { context: 8, mode: "random", count: 500, seed: 1 });
  assertEquals([r.n, r.width, r.targetTokens], [500, 9, 4000]);
  assert(r.epochs > 1);
  for (let i = 0; i < r.n; i++) {
    const s = r.data[i * 9];
    assert(s >= 0 && s + 8 <= 1000);
    assertEquals(r.data[i * 9 + 8], s + 8);
  }
  assertEquals(makeTokenWindows(STREAM, { context: 16, count: 10 }).n, 10);
});

Deno.test("token windows: bad config names the field", () => {
  assertThrows(() => makeTokenWindows(STREAM, { context: 0 }), ConfigError, "context");
  assertThrows(() => makeTokenWindows(STREAM, { context: 2000 }), ConfigError, "context");
  assertThrows(() => makeTokenWindows(STREAM, { count: 1000 }), ConfigError, "count");
  assertThrows(() => makeTokenWindows(STREAM, { mode: "random" }), ConfigError, "count");
  assertThrows(
    () => makeTokenWindows(STREAM, { mode: "sliding" as "random" }),
    ConfigError,
    "mode",
  );
  assertThrows(() => makeTokenWindows(STREAM, { ctx: 16 } as never), ConfigError, "ctx");
});

Deno.test("encodeToInt32 equals the tokenizer's ids", () => {
  const tok = new ByteTokenizer();
  const text = "one.\n\ntwo  three\n\n\nfour";
  assertEquals(Array.from(encodeToInt32(tok, text)), tok.encode(text));
});
