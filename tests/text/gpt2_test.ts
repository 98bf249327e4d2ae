import { assertEquals } from "../assert.ts";
import { GPT2_EOT_ID, gpt2TokenizerJson, loadGpt2Tokenizer } from "../../lib/text/gpt2.ts";
import { loadHfTokenizer, parseHfTokenizer } from "../../lib/text/hf_tokenizer.ts";

const TRICKY = "Hello world! It's 1961; they'd said: \"no  evidence\"\n\n  (twice)\tend... " +
  "Ünïcödé café 🤖 x'll 12345678 ";

Deno.test("GPT-2: known ids, offline, round trip", async () => {
  const gpt2 = await loadGpt2Tokenizer();
  assertEquals(gpt2.vocabSize, 50257);
  assertEquals(gpt2.eotId, GPT2_EOT_ID);
  assertEquals(gpt2.encode("Hello world"), [15496, 995]);
  assertEquals(gpt2.encode(" the"), [262]);
  assertEquals(gpt2.decode([15496, 995]), "Hello world");
  assertEquals(gpt2.decode(gpt2.encode(TRICKY)), TRICKY);
  // memoised pre-tokens give the same ids the second time
  assertEquals(gpt2.encode(TRICKY), gpt2.encode(TRICKY));
  assertEquals(new TextDecoder().decode(gpt2.tokenBytes(995)), " world");
});

Deno.test("GPT-2 as tokenizer.json: the HF loader agrees with tiktoken", async () => {
  const gpt2 = await loadGpt2Tokenizer();
  const json = gpt2TokenizerJson(gpt2);
  const path = await Deno.makeTempFile({ suffix: ".json" });
  try {
    await Deno.writeTextFile(path, JSON.stringify(json));
    const hf = await loadHfTokenizer(path);
    assertEquals(hf.vocabSize, 50257);
    assertEquals(hf.encode("Hello world"), [15496, 995]);
    assertEquals(hf.encode(TRICKY), gpt2.encode(TRICKY));
    assertEquals(hf.decode(hf.encode(TRICKY)), TRICKY);
    assertEquals(hf.encode("a<|endoftext|>b"), [64, GPT2_EOT_ID, 65]);
    assertEquals(hf.decode([64, GPT2_EOT_ID, 65], { skipSpecialTokens: true }), "ab");
  } finally {
    await Deno.remove(path);
  }
  // the object form works too
  assertEquals(parseHfTokenizer(json).encode(" the"), [262]);
});
