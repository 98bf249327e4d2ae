/**
 * The GPT-2 byte-level BPE tokenizer (50,257 ids; paper 2's vocabulary), offline.
 *
 * Backed by `js-tiktoken@1.0.21` (MIT; the JavaScript port of OpenAI's tiktoken, whose
 * `ranks/gpt2` module ships the GPT-2 merge ranks inside the package, so nothing is downloaded
 * at run time). tiktoken encodes each pre-token (the GPT-2 regex split) independently, so we
 * split once and memoise the ids of each distinct pre-token: the same ids, several times
 * faster on running text.
 *
 * @module
 */
import { jsTiktoken, jsTiktokenGpt2Ranks } from "../deps.ts";
import { toByteLevel } from "./hf_tokenizer.ts";
import type { TextTokenizer } from "./tokenizer.ts";

/** GPT-2's end-of-text id (`<|endoftext|>`). */
export const GPT2_EOT_ID = 50256;
/** GPT-2's vocabulary size. */
export const GPT2_VOCAB_SIZE = 50257;
/** GPT-2's pre-tokenizer regex (tiktoken's `r50k_base` pattern). */
export const GPT2_PRETOKENIZE =
  /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** A GPT-2 tokenizer (see {@link loadGpt2Tokenizer}). */
export interface Gpt2Tokenizer extends TextTokenizer {
  /** `<|endoftext|>` = 50256 (documents are separated by it in GPT-2 training). */
  readonly eotId: number;
  /** Token id → its bytes (for building other tokenizers from the same vocabulary). */
  tokenBytes(id: number): Uint8Array;
}

interface TiktokenLike {
  encode(text: string, allowed?: string[] | "all", disallowed?: string[] | "all"): number[];
  decode(ids: number[]): string;
}

let cached: Promise<Gpt2Tokenizer> | null = null;

/**
 * Loads the GPT-2 tokenizer (≈0.3 s the first time; later calls share it). `encode` treats the
 * text `<|endoftext|>` as ordinary characters; append {@link GPT2_EOT_ID} yourself.
 *
 * @example
 * ```ts
 * const gpt2 = await loadGpt2Tokenizer();
 * gpt2.encode("Hello world"); // [15496, 995]
 * gpt2.decode([15496, 995]); // "Hello world"
 * ```
 */
export function loadGpt2Tokenizer(): Promise<Gpt2Tokenizer> {
  cached ??= (async () => {
    const { Tiktoken } = await jsTiktoken();
    const ranks = (await jsTiktokenGpt2Ranks()).default;
    const enc = new Tiktoken(ranks) as unknown as TiktokenLike;
    const memo = new Map<string, number[]>();
    const tokenBytes = gpt2TokenBytesTable(ranks.bpe_ranks);
    const encode = (text: string): number[] => {
      const out: number[] = [];
      for (const m of text.matchAll(GPT2_PRETOKENIZE)) {
        const piece = m[0];
        let ids = memo.get(piece);
        if (!ids) {
          ids = enc.encode(piece, [], []);
          if (memo.size < 1_000_000) memo.set(piece, ids);
        }
        for (const id of ids) out.push(id);
      }
      return out;
    };
    return {
      name: "gpt2",
      vocabSize: GPT2_VOCAB_SIZE,
      eotId: GPT2_EOT_ID,
      encode,
      decode: (ids: ArrayLike<number>) => enc.decode(Array.from(ids)),
      tokenBytes: (id: number) => {
        const b = tokenBytes[id];
        if (!b) throw new RangeError(`GPT-2 id out of range: ${id}`);
        return b;
      },
    };
  })();
  return cached;
}

/**
 * Decodes js-tiktoken's compressed rank table (`"! <start> <b64> <b64> … ! <start> …"`) into
 * id → bytes; the special token 50256 is `<|endoftext|>`.
 */
function gpt2TokenBytesTable(bpeRanks: string): Uint8Array[] {
  const table: Uint8Array[] = [];
  const parts = bpeRanks.split(/\s+/);
  let id = 0;
  for (let i = 0; i < parts.length; i++) {
    if (parts[i] === "!") id = Number.parseInt(parts[++i], 10);
    else if (parts[i]) table[id++] = Uint8Array.from(atob(parts[i]), (c) => c.charCodeAt(0));
  }
  table[GPT2_EOT_ID] = new TextEncoder().encode("<|endoftext|>");
  return table;
}

/**
 * GPT-2 as a Hugging Face `tokenizer.json` object (vocab, merges, ByteLevel pre-tokenizer and
 * decoder, `<|endoftext|>`), rebuilt offline from the tiktoken ranks: each token's merge is
 * recovered by running BPE on its bytes with the lower-ranked tokens only, which leaves exactly
 * two parts. Useful to check `parseHfTokenizer` against tiktoken, or to write a `tokenizer.json`
 * for a checkpoint trained with the GPT-2 vocabulary (≈1 s).
 *
 * @example
 * ```ts
 * import { parseHfTokenizer } from "toolkit/text";
 *
 * const gpt2 = await loadGpt2Tokenizer();
 * const hf = parseHfTokenizer(gpt2TokenizerJson(gpt2));
 * hf.encode("Hello world"); // [15496, 995]
 * ```
 */
export function gpt2TokenizerJson(gpt2: Gpt2Tokenizer): Record<string, unknown> {
  const latin1 = (b: Uint8Array) => String.fromCharCode(...b);
  const rank = new Map<string, number>();
  const bytes: Uint8Array[] = [];
  for (let id = 0; id < GPT2_EOT_ID; id++) {
    bytes.push(gpt2.tokenBytes(id));
    rank.set(latin1(bytes[id]), id);
  }
  const vocab: Record<string, number> = {};
  const merges: [string, string][] = [];
  for (let id = 0; id < GPT2_EOT_ID; id++) {
    const b = bytes[id];
    vocab[toByteLevel(b)] = id;
    if (b.length < 2) continue;
    let parts = Array.from(b, (x) => String.fromCharCode(x));
    for (;;) {
      let best = -1;
      let bestRank = id;
      for (let i = 0; i + 1 < parts.length; i++) {
        const r = rank.get(parts[i] + parts[i + 1]);
        if (r !== undefined && r < bestRank) [best, bestRank] = [i, r];
      }
      if (best < 0) break;
      parts = [...parts.slice(0, best), parts[best] + parts[best + 1], ...parts.slice(best + 2)];
    }
    if (parts.length !== 2) throw new Error(`GPT-2 token ${id} does not split into one merge`);
    const enc = (p: string) => toByteLevel(Uint8Array.from(p, (c) => c.charCodeAt(0)));
    merges.push([enc(parts[0]), enc(parts[1])]);
  }
  vocab["<|endoftext|>"] = GPT2_EOT_ID;
  return {
    version: "1.0",
    added_tokens: [{ id: GPT2_EOT_ID, content: "<|endoftext|>", special: true }],
    normalizer: null,
    pre_tokenizer: {
      type: "ByteLevel",
      add_prefix_space: false,
      trim_offsets: true,
      use_regex: true,
    },
    post_processor: null,
    decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: "BPE",
      vocab,
      merges,
      unk_token: null,
      byte_fallback: false,
      ignore_merges: false,
    },
  };
}
