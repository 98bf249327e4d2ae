import { assertEquals, assertThrows } from "../assert.ts";
import { ByteTokenizer, CharTokenizer } from "../../lib/text/tokenizer.ts";
import { ConfigError } from "../../lib/util/validate.ts";

Deno.test("ByteTokenizer: UTF-8 bytes, lossless round trip", () => {
  const tok = new ByteTokenizer();
  assertEquals(tok.vocabSize, 256);
  assertEquals(tok.encode("hé"), [104, 195, 169]);
  const s = "Ünïcödé 🤖\n\ttabs — «quotes»";
  assertEquals(tok.decode(tok.encode(s)), s);
  assertThrows(() => tok.decode([256]), RangeError);
});

Deno.test("CharTokenizer: alphabet order, unknown handling", () => {
  const tok = CharTokenizer.fromText("banana");
  assertEquals(tok.alphabet, ["a", "b", "n"]);
  assertEquals(tok.encode("nab"), [2, 0, 1]);
  assertEquals(tok.decode([1, 0, 2, 0]), "bana");
  assertThrows(() => tok.encode("x"), RangeError, "not in the tokenizer's alphabet");
  const unk = CharTokenizer.fromText("ab", { unknown: "unk" });
  assertEquals(unk.vocabSize, 3);
  assertEquals(unk.encode("axb"), [0, 2, 1]);
  assertEquals(unk.decode([0, 2]), "a\uFFFD");
  assertEquals(CharTokenizer.fromText("ab", { unknown: "skip" }).encode("axb"), [0, 1]);
  const t = CharTokenizer.fromText("example:01->10\n 🤖");
  const s = "example:10 01->11\n🤖";
  assertEquals(t.decode(t.encode(s)), s);
  assertThrows(
    () => new CharTokenizer("ab", { unknown: "drop" as "skip" }),
    ConfigError,
    "unknown",
  );
  assertThrows(() => new CharTokenizer(""), ConfigError, "alphabet");
});
