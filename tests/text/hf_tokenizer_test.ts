import { assertEquals, assertRejects, assertThrows } from "../assert.ts";
import {
  fromByteLevel,
  loadHfTokenizer,
  parseHfTokenizer,
  toByteLevel,
} from "../../lib/text/hf_tokenizer.ts";

/** A hand-written GPT-2-style byte-level BPE tokenizer.json (ids and merges chosen by hand). */
const TINY_BYTE_LEVEL = {
  version: "1.0",
  added_tokens: [{ id: 17, content: "<|eot|>", special: true }],
  normalizer: null,
  pre_tokenizer: { type: "ByteLevel", add_prefix_space: false, use_regex: true },
  post_processor: {
    type: "TemplateProcessing",
    single: [{ SpecialToken: { id: "<|eot|>", type_id: 0 } }, {
      Sequence: { id: "A", type_id: 0 },
    }],
    special_tokens: { "<|eot|>": { id: "<|eot|>", ids: [17], tokens: ["<|eot|>"] } },
  },
  decoder: { type: "ByteLevel" },
  model: {
    type: "BPE",
    vocab: {
      h: 0,
      e: 1,
      l: 2,
      o: 3,
      "Ġ": 4,
      w: 5,
      r: 6,
      d: 7,
      he: 8,
      ll: 9,
      hell: 10,
      hello: 11,
      "Ġw": 12,
      or: 13,
      "Ġwor": 14,
      ld: 15,
      "Ġworld": 16,
    },
    merges: ["h e", "l l", "he ll", "hell o", "Ġ w", "o r", "Ġw or", "l d", "Ġwor ld"],
  },
};

Deno.test("byte-level map: space is Ġ, round trip on all bytes", () => {
  assertEquals(toByteLevel(new TextEncoder().encode(" hi")), "Ġhi");
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  assertEquals(fromByteLevel(toByteLevel(all)), all);
});

Deno.test("tokenizer.json (hand-written, from a file): merges by rank, added tokens, template", async () => {
  const path = await Deno.makeTempFile({ suffix: ".json" });
  try {
    await Deno.writeTextFile(path, JSON.stringify(TINY_BYTE_LEVEL));
    const tok = await loadHfTokenizer(path);
    assertEquals(tok.vocabSize, 18);
    assertEquals(tok.encode("hello world"), [11, 16]);
    // "Ġ w" (rank 4) merges before "l d" (rank 7); nothing merges "Ġw o" or "o ld"
    assertEquals(tok.encode(" wold"), [12, 3, 15]);
    assertEquals(tok.encode("world"), [5, 13, 15]);
    assertEquals(tok.encode("hello<|eot|> world"), [11, 17, 16]);
    assertEquals(tok.encode("hello world", { addSpecialTokens: true }), [17, 11, 16]);
    assertEquals(tok.decode([11, 17, 16]), "hello<|eot|> world");
    assertEquals(tok.decode([11, 17, 16], { skipSpecialTokens: true }), "hello world");
    assertEquals(tok.tokenToId("Ġworld"), 16);
    assertEquals(tok.idToToken(13), "or");
    assertThrows(() => tok.encode("hex"), Error, "not in vocab");
  } finally {
    await Deno.remove(path);
  }
  await assertRejects(() => loadHfTokenizer("/nonexistent/tokenizer.json"));
});

Deno.test("tokenizer.json: merges as pairs, Llama-3-style Split regex + ignore_merges", () => {
  const llama3 = {
    ...TINY_BYTE_LEVEL,
    post_processor: null,
    pre_tokenizer: {
      type: "Sequence",
      pretokenizers: [
        {
          type: "Split",
          pattern: {
            Regex:
              "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
          },
          behavior: "Isolated",
          invert: false,
        },
        { type: "ByteLevel", add_prefix_space: false, use_regex: false },
      ],
    },
    model: {
      ...TINY_BYTE_LEVEL.model,
      ignore_merges: true,
      merges: [["h", "e"], ["l", "l"], ["he", "ll"], ["hell", "o"]], // no path to "Ġworld"
    },
  };
  const tok = parseHfTokenizer(llama3);
  assertEquals(tok.encode("hello world"), [11, 16]); // "Ġworld" straight from the vocab
  assertEquals(tok.decode(tok.encode("hello world")), "hello world");
  const noIgnore = parseHfTokenizer({
    ...llama3,
    model: { ...llama3.model, ignore_merges: false },
  });
  assertEquals(noIgnore.encode("hello world"), [11, 4, 5, 3, 6, 2, 7]);
});

Deno.test("tokenizer.json: SentencePiece-style BPE with byte fallback (Llama-2 / Gemma layout)", () => {
  const sp = {
    normalizer: {
      type: "Sequence",
      normalizers: [
        { type: "Prepend", prepend: "▁" },
        { type: "Replace", pattern: { String: " " }, content: "▁" },
      ],
    },
    pre_tokenizer: null,
    decoder: {
      type: "Sequence",
      decoders: [
        { type: "Replace", pattern: { String: "▁" }, content: " " },
        { type: "ByteFallback" },
        { type: "Fuse" },
        { type: "Strip", content: " ", start: 1, stop: 0 },
      ],
    },
    model: {
      type: "BPE",
      unk_token: "<unk>",
      byte_fallback: true,
      vocab: { "<unk>": 0, "<0xC3>": 1, "<0xA9>": 2, "▁": 3, h: 4, i: 5, "▁h": 6, "▁hi": 7 },
      merges: ["▁ h", "▁h i"],
    },
  };
  const tok = parseHfTokenizer(sp);
  assertEquals(tok.encode("hi hi é"), [7, 7, 3, 1, 2]);
  assertEquals(tok.decode([7, 7, 3, 1, 2]), "hi hi é");
});

Deno.test("tokenizer.json: unsupported parts fail with the component's name", () => {
  assertThrows(
    () => parseHfTokenizer({ model: { type: "WordPiece", vocab: {} } }),
    Error,
    "WordPiece",
  );
  assertThrows(
    () => parseHfTokenizer({ ...TINY_BYTE_LEVEL, normalizer: { type: "BertNormalizer" } }),
    Error,
    "BertNormalizer",
  );
  assertThrows(
    () =>
      parseHfTokenizer({
        ...TINY_BYTE_LEVEL,
        pre_tokenizer: { type: "Split", pattern: { Regex: "a++" }, behavior: "Isolated" },
      }),
    Error,
    "regex not supported",
  );
});
