/**
 * A loader for Hugging Face `tokenizer.json` files with a BPE model, so users can tokenize for
 * their own checkpoints (GPT-2, Llama-3, Qwen-style byte-level BPE; Llama-2/Gemma-style
 * SentencePiece BPE with byte fallback) without Python.
 *
 * Supported components (anything else throws, naming the component):
 * - normalizer: `NFC`, `NFD`, `NFKC`, `NFKD`, `Lowercase`, `Prepend`, `Replace`, `Strip`, `Sequence`;
 * - pre_tokenizer: `ByteLevel` (with or without the GPT-2 regex, `add_prefix_space`), `Split`
 *   (String or Regex pattern; behaviours Isolated, Removed, MergedWithPrevious, MergedWithNext,
 *   Contiguous; `invert`), `Metaspace`, `Whitespace`, `WhitespaceSplit`, `Digits`, `Sequence`;
 * - model: `BPE` (merges as `"a b"` strings or `["a", "b"]` pairs; `unk_token`, `byte_fallback`,
 *   `ignore_merges`; not `continuing_subword_prefix` / `end_of_word_suffix`);
 * - decoder: `ByteLevel`, `Metaspace`, `Replace`, `ByteFallback`, `Fuse`, `Strip`, `Sequence`;
 * - post_processor: `TemplateProcessing` (its `single` template, applied when
 *   `addSpecialTokens` is set), others ignored;
 * - `added_tokens`: matched in the raw text before anything else (longest first).
 *
 * Regex patterns are Oniguruma in the Rust library and run here as JavaScript `u` regexes
 * (`\p{L}`, `(?i:…)` work; possessive quantifiers and atomic groups do not, and throw).
 *
 * @module
 */
import type { TextTokenizer } from "./tokenizer.ts";

/** GPT-2's byte → printable-character map used by byte-level BPE (index = byte). */
const BYTE_TO_CHAR: string[] = (() => {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  }
  const out = new Array<string>(256);
  bs.forEach((b, i) => (out[b] = String.fromCodePoint(cs[i])));
  return out;
})();
const CHAR_TO_BYTE = new Map(BYTE_TO_CHAR.map((c, b) => [c, b]));
const utf8 = new TextEncoder();
const utf8Decode = new TextDecoder();

/**
 * Bytes → GPT-2 byte-level string (each byte one printable character, e.g. space → `Ġ`).
 *
 * @example
 * ```ts
 * toByteLevel(new TextEncoder().encode(" hi")); // "Ġhi"
 * ```
 */
export function toByteLevel(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += BYTE_TO_CHAR[b];
  return s;
}

/**
 * GPT-2 byte-level string → bytes (inverse of {@link toByteLevel}); other characters are
 * UTF-8 encoded as they are.
 *
 * @example
 * ```ts
 * new TextDecoder().decode(fromByteLevel("Ġhi")); // " hi"
 * ```
 */
export function fromByteLevel(s: string): Uint8Array {
  const out: number[] = [];
  for (const c of s) {
    const b = CHAR_TO_BYTE.get(c);
    if (b !== undefined) out.push(b);
    else out.push(...utf8.encode(c));
  }
  return Uint8Array.from(out);
}

/** The GPT-2 pre-tokenizer regex that `ByteLevel` uses when `use_regex` is true. */
const BYTE_LEVEL_REGEX =
  "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

/** Options of {@link HfTokenizer.encode}. */
export interface HfEncodeOptions {
  /** Apply the post-processor's `single` template (e.g. prepend BOS). Default false. */
  addSpecialTokens?: boolean;
}

/** Options of {@link HfTokenizer.decode}. */
export interface HfDecodeOptions {
  /** Drop added tokens marked `special`. Default false. */
  skipSpecialTokens?: boolean;
}

/** A tokenizer built from a Hugging Face `tokenizer.json` (see {@link parseHfTokenizer}). */
export interface HfTokenizer extends TextTokenizer {
  encode(text: string, opts?: HfEncodeOptions): number[];
  decode(ids: ArrayLike<number>, opts?: HfDecodeOptions): string;
  /** Token string → id (model vocabulary and added tokens). */
  tokenToId(token: string): number | undefined;
  /** Id → token string. */
  idToToken(id: number): string | undefined;
  /** Added tokens (`<|endoftext|>`, `<|begin_of_text|>` …) by content. */
  readonly addedTokens: ReadonlyMap<string, { id: number; special: boolean }>;
}

// deno-lint-ignore no-explicit-any
type Json = any;
type Pieces = string[];

/**
 * Reads a `tokenizer.json` from disk (or a URL) and builds the tokenizer.
 *
 * @example
 * ```ts
 * const tok = await loadHfTokenizer("/models/gpt2/tokenizer.json");
 * tok.encode("Hello world"); // [15496, 995] for GPT-2
 * ```
 */
export async function loadHfTokenizer(path: string | URL): Promise<HfTokenizer> {
  const text = await Deno.readTextFile(path);
  const name = String(path).split("/").slice(-2).join("/");
  return parseHfTokenizer(text, { name: `hf:${name}` });
}

/**
 * Builds a tokenizer from the contents of a `tokenizer.json` (a string or the parsed object).
 *
 * @example
 * ```ts
 * const tok = parseHfTokenizer({
 *   model: { type: "BPE", vocab: { a: 0, b: 1, ab: 2 }, merges: ["a b"] },
 * });
 * tok.encode("abab"); // [2, 2]
 * ```
 */
export function parseHfTokenizer(json: string | object, opts: { name?: string } = {}): HfTokenizer {
  const spec: Json = typeof json === "string" ? JSON.parse(json) : json;
  const model = spec.model;
  checkBpeModel(model);
  const { vocab, idToTok, ranks, added } = readVocab(model, spec.added_tokens ?? []);
  const addedRe = addedTokenRegex(added);
  const normalize = buildNormalizer(spec.normalizer);
  const preTokenize = buildPreTokenizer(spec.pre_tokenizer);
  const decodeChain = buildDecoder(spec.decoder);
  const template = buildTemplate(spec.post_processor, (t) => vocab.get(t) ?? added.get(t)?.id);
  const bpeWord = bpeWordEncoder(model, vocab, ranks);

  let vocabSize = 0;
  for (const id of idToTok.keys()) vocabSize = Math.max(vocabSize, id + 1);

  const encode = (text: string, eo: HfEncodeOptions = {}): number[] => {
    const out: number[] = [];
    let first = true;
    const encodeSegment = (seg: string) => {
      if (!seg) return;
      for (const piece of preTokenize([normalize(seg)], first)) {
        if (piece) { for (const id of bpeWord(piece)) out.push(id); }
      }
      first = false;
    };
    if (addedRe) {
      let last = 0;
      for (const m of text.matchAll(addedRe)) {
        encodeSegment(text.slice(last, m.index));
        out.push(added.get(m[0])!.id);
        first = false;
        last = m.index! + m[0].length;
      }
      encodeSegment(text.slice(last));
    } else encodeSegment(text);
    return eo.addSpecialTokens && template ? template(out) : out;
  };

  return {
    name: opts.name ?? "hf",
    vocabSize,
    encode,
    decode: (ids, d = {}) => decodeIds(ids, d, { vocab, idToTok, added, decodeChain }),
    tokenToId: (t) => vocab.get(t) ?? added.get(t)?.id,
    idToToken: (id) => idToTok.get(id),
    addedTokens: added,
  };
}

// Step 1: only a plain BPE model is supported; anything else fails naming what.
function checkBpeModel(model: Json) {
  if (!model || (model.type ?? "BPE") !== "BPE") {
    throw new Error(
      `tokenizer.json: unsupported model type ${JSON.stringify(model?.type)} (supported: BPE)`,
    );
  }
  if (model.continuing_subword_prefix || model.end_of_word_suffix) {
    throw new Error(
      "tokenizer.json: BPE continuing_subword_prefix / end_of_word_suffix are not supported",
    );
  }
}

/** A tokenizer.json's tables: the model's vocabulary, merge ranks and the added tokens. */
interface VocabTables {
  vocab: Map<string, number>;
  /** Id → token, added tokens included. */
  idToTok: Map<number, string>;
  /** `a\0b` → the merge's rank (its index). */
  ranks: Map<string, number>;
  added: Map<string, { id: number; special: boolean }>;
}

// Step 2: the vocabulary, merge ranks and added tokens as lookup tables.
function readVocab(model: Json, addedTokens: Json[]): VocabTables {
  const vocab = new Map<string, number>(Object.entries(model.vocab ?? {}) as [string, number][]);
  const idToTok = new Map<number, string>();
  for (const [t, id] of vocab) idToTok.set(id, t);
  const ranks = new Map<string, number>();
  (model.merges ?? []).forEach((m: string | [string, string], i: number) => {
    const [a, b] = typeof m === "string" ? splitMerge(m) : m;
    ranks.set(a + "\u0000" + b, i);
  });
  const added = new Map<string, { id: number; special: boolean }>();
  for (const t of addedTokens) {
    added.set(t.content, { id: t.id, special: !!t.special });
    idToTok.set(t.id, t.content);
  }
  return { vocab, idToTok, ranks, added };
}

// Step 3: a regex matching any added token, longest first (null without added tokens).
function addedTokenRegex(added: Map<string, unknown>): RegExp | null {
  return added.size
    ? new RegExp(
      [...added.keys()].sort((a, b) => b.length - a.length).map(escapeRegex).join("|"),
      "gu",
    )
    : null;
}

// Step 4: a pre-tokenized word → ids by BPE merges (unk / byte fallback per the model), cached.
function bpeWordEncoder(
  model: Json,
  vocab: Map<string, number>,
  ranks: Map<string, number>,
): (word: string) => number[] {
  const unkId = model.unk_token != null ? vocab.get(model.unk_token) : undefined;
  const byteFallback = !!model.byte_fallback;
  const ignoreMerges = !!model.ignore_merges;
  const cache = new Map<string, number[]>();
  return (word: string): number[] => {
    const hit = cache.get(word);
    if (hit) return hit;
    let ids: number[];
    const direct = vocab.get(word);
    if (ignoreMerges && direct !== undefined) ids = [direct];
    else {
      const parts = bpeMerge(initialSymbols(word, vocab, byteFallback), ranks);
      ids = [];
      for (const p of parts) {
        const id = vocab.get(p);
        if (id !== undefined) ids.push(id);
        else if (unkId !== undefined) {
          if (!(model.fuse_unk && ids.length && ids[ids.length - 1] === unkId)) ids.push(unkId);
        } else {throw new Error(
            `tokenizer.json: symbol ${JSON.stringify(p)} not in vocab and no unk_token`,
          );}
      }
    }
    if (cache.size < 500_000) cache.set(word, ids);
    return ids;
  };
}

// Decoding: ids → tokens (skipping special ones if asked) → text through the decoder chain;
// added tokens pass through the decoder untouched (as in the Rust library).
function decodeIds(
  ids: ArrayLike<number>,
  d: HfDecodeOptions,
  t: Pick<VocabTables, "vocab" | "idToTok" | "added"> & {
    decodeChain: (tokens: Pieces) => Pieces;
  },
): string {
  const toks: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    const tok = t.idToTok.get(ids[i]);
    if (tok === undefined) throw new RangeError(`token id out of range: ${ids[i]}`);
    if (d.skipSpecialTokens && t.added.get(tok)?.special) continue;
    toks.push(tok);
  }
  let s = "";
  let run: string[] = [];
  const flush = () => {
    if (run.length) s += t.decodeChain(run).join("");
    run = [];
  };
  for (const tok of toks) {
    if (t.added.has(tok) && !t.vocab.has(tok)) {
      flush();
      s += tok;
    } else run.push(tok);
  }
  flush();
  return s;
}

function splitMerge(m: string): [string, string] {
  const k = m.indexOf(" ", 1);
  if (k < 0) throw new Error(`tokenizer.json: bad merge ${JSON.stringify(m)}`);
  return [m.slice(0, k), m.slice(k + 1)];
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\\/-]/g, "\\$&");
}

function patternRegex(p: Json, where: string): RegExp {
  if (p?.String !== undefined) return new RegExp(escapeRegex(p.String), "gu");
  if (p?.Regex !== undefined) {
    try {
      return new RegExp(p.Regex, "gu");
    } catch (e) {
      throw new Error(
        `tokenizer.json: ${where} regex not supported in JavaScript: ${(e as Error).message}`,
      );
    }
  }
  throw new Error(`tokenizer.json: ${where} pattern must be {String} or {Regex}`);
}

/** Initial BPE symbols of a word: its characters, unknown ones as `<0xXX>` bytes with byte fallback. */
function initialSymbols(word: string, vocab: Map<string, number>, byteFallback: boolean): string[] {
  const out: string[] = [];
  for (const c of word) {
    if (!byteFallback || vocab.has(c)) out.push(c);
    else {
      for (const b of utf8.encode(c)) {
        out.push(`<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`);
      }
    }
  }
  return out;
}

/**
 * Merges adjacent symbols by lowest merge rank (ties: leftmost), as the Rust library does, in
 * O(n log n): a doubly linked list of symbols and a binary heap of candidate pairs.
 */
function bpeMerge(symbols: string[], ranks: Map<string, number>): string[] {
  const n = symbols.length;
  if (n < 2) return symbols;
  const sym = [...symbols];
  const prev = Array.from({ length: n }, (_, i) => i - 1);
  const next = Array.from({ length: n }, (_, i) => (i + 1 < n ? i + 1 : -1));
  const alive = new Array<boolean>(n).fill(true);
  // heap entries: [rank, left index, left symbol, right symbol]
  type Entry = [number, number, string, string];
  const heap: Entry[] = [];
  const less = (a: Entry, b: Entry) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
  const push = (e: Entry) => {
    heap.push(e);
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(heap[i], heap[p])) break;
      [heap[i], heap[p]] = [heap[p], heap[i]];
      i = p;
    }
  };
  const pop = (): Entry => {
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < heap.length && less(heap[l], heap[m])) m = l;
        if (r < heap.length && less(heap[r], heap[m])) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    }
    return top;
  };
  const consider = (i: number) => {
    const j = next[i];
    if (i < 0 || j < 0) return;
    const r = ranks.get(sym[i] + "\u0000" + sym[j]);
    if (r !== undefined) push([r, i, sym[i], sym[j]]);
  };
  for (let i = 0; i + 1 < n; i++) consider(i);
  while (heap.length) {
    const [, i, a, b] = pop();
    const j = next[i];
    if (!alive[i] || j < 0 || sym[i] !== a || sym[j] !== b) continue; // stale
    sym[i] = a + b;
    alive[j] = false;
    next[i] = next[j];
    if (next[j] >= 0) prev[next[j]] = i;
    consider(prev[i]);
    consider(i);
  }
  const out: string[] = [];
  for (let i = 0; i >= 0; i = next[i]) out.push(sym[i]);
  return out;
}

function buildNormalizer(spec: Json): (s: string) => string {
  if (!spec) return (s) => s;
  switch (spec.type) {
    case "NFC":
    case "NFD":
    case "NFKC":
    case "NFKD":
      return (s) => s.normalize(spec.type);
    case "Lowercase":
      return (s) => s.toLowerCase();
    case "Prepend":
      return (s) => (s ? spec.prepend + s : s);
    case "Replace": {
      const re = patternRegex(spec.pattern, "Replace normalizer");
      return (s) => s.replace(re, () => spec.content);
    }
    case "Strip":
      return (s) => {
        if (spec.strip_left ?? true) s = s.replace(/^\s+/u, "");
        if (spec.strip_right ?? true) s = s.replace(/\s+$/u, "");
        return s;
      };
    case "Sequence": {
      const fs = (spec.normalizers ?? []).map(buildNormalizer);
      return (s) => fs.reduce((acc: string, f: (x: string) => string) => f(acc), s);
    }
    default:
      throw new Error(`tokenizer.json: unsupported normalizer ${JSON.stringify(spec.type)}`);
  }
}

/** Splits `s` by `re` into pieces according to an HF `SplitDelimiterBehavior`. */
function splitBy(s: string, re: RegExp, behavior: string, invert: boolean): Pieces {
  const spans: { text: string; match: boolean }[] = [];
  let last = 0;
  for (const m of s.matchAll(re)) {
    if (m[0] === "") continue;
    if (m.index! > last) spans.push({ text: s.slice(last, m.index), match: invert });
    spans.push({ text: m[0], match: !invert });
    last = m.index! + m[0].length;
  }
  if (last < s.length) spans.push({ text: s.slice(last), match: invert });
  const out: string[] = [];
  switch (behavior) {
    case "Removed":
      for (const p of spans) if (!p.match) out.push(p.text);
      return out;
    case "Isolated":
      return spans.map((p) => p.text);
    case "MergedWithPrevious": {
      let prevMatch = false;
      for (const p of spans) {
        if (p.match && out.length && !prevMatch) out[out.length - 1] += p.text;
        else out.push(p.text);
        prevMatch = p.match;
      }
      return out;
    }
    case "MergedWithNext": {
      let pending = "";
      for (const p of spans) {
        if (p.match) {
          if (pending) out.push(pending);
          pending = p.text;
        } else {
          out.push(pending + p.text);
          pending = "";
        }
      }
      if (pending) out.push(pending);
      return out;
    }
    case "Contiguous": {
      let prevMatch: boolean | null = null;
      for (const p of spans) {
        if (p.match && prevMatch) out[out.length - 1] += p.text;
        else out.push(p.text);
        prevMatch = p.match;
      }
      return out;
    }
    default:
      throw new Error(`tokenizer.json: unsupported Split behavior ${JSON.stringify(behavior)}`);
  }
}

type PreTok = (pieces: Pieces, first: boolean) => Pieces;

function buildPreTokenizer(spec: Json): PreTok {
  if (!spec) return (p) => p;
  switch (spec.type) {
    case "ByteLevel": {
      const re = spec.use_regex ?? true ? new RegExp(BYTE_LEVEL_REGEX, "gu") : null;
      const addPrefix = !!spec.add_prefix_space;
      return (pieces, first) =>
        pieces.flatMap((p, i) => {
          if (addPrefix && first && i === 0 && p && !/^\s/u.test(p)) p = " " + p;
          const parts = re ? splitBy(p, re, "Isolated", false) : [p];
          return parts.map((q) => toByteLevel(utf8.encode(q)));
        });
    }
    case "Split": {
      const re = patternRegex(spec.pattern, "Split pre_tokenizer");
      return (pieces) =>
        pieces.flatMap((p) => splitBy(p, re, spec.behavior ?? "Isolated", !!spec.invert));
    }
    case "Metaspace": {
      const rep: string = spec.replacement ?? "▁";
      const scheme: string = spec.prepend_scheme ??
        (spec.add_prefix_space === false ? "never" : "always");
      const split = spec.split ?? true;
      const re = new RegExp(escapeRegex(rep), "gu");
      return (pieces, first) =>
        pieces.flatMap((p, i) => {
          let s = p.replaceAll(" ", rep);
          if (
            !s.startsWith(rep) && (scheme === "always" || (scheme === "first" && first && i === 0))
          ) {
            s = rep + s;
          }
          return split ? splitBy(s, re, "MergedWithNext", false) : [s];
        });
    }
    case "Whitespace": {
      const re = /\w+|[^\w\s]+/gu;
      return (pieces) => pieces.flatMap((p) => [...p.matchAll(re)].map((m) => m[0]));
    }
    case "WhitespaceSplit":
      return (pieces) => pieces.flatMap((p) => p.split(/\s+/u).filter((x) => x));
    case "Digits": {
      const re = spec.individual_digits ? /\p{N}/gu : /\p{N}+/gu;
      return (pieces) => pieces.flatMap((p) => splitBy(p, re, "Isolated", false));
    }
    case "Sequence": {
      const fs: PreTok[] = (spec.pretokenizers ?? []).map(buildPreTokenizer);
      return (pieces, first) => fs.reduce((acc, f) => f(acc, first), pieces);
    }
    default:
      throw new Error(`tokenizer.json: unsupported pre_tokenizer ${JSON.stringify(spec.type)}`);
  }
}

type Dec = (tokens: string[]) => string[];

function buildDecoder(spec: Json): Dec {
  if (!spec) return (t) => t;
  switch (spec.type) {
    case "ByteLevel":
      return (t) => [utf8Decode.decode(fromByteLevel(t.join("")))];
    case "Metaspace": {
      const rep: string = spec.replacement ?? "▁";
      const scheme: string = spec.prepend_scheme ??
        (spec.add_prefix_space === false ? "never" : "always");
      return (t) =>
        t.map((x, i) => {
          const s = x.replaceAll(rep, " ");
          return i === 0 && scheme !== "never" && s.startsWith(" ") ? s.slice(1) : s;
        });
    }
    case "Replace": {
      const re = patternRegex(spec.pattern, "Replace decoder");
      return (t) => t.map((x) => x.replace(re, () => spec.content));
    }
    case "ByteFallback":
      return (t) => {
        const out: string[] = [];
        let bytes: number[] = [];
        const flush = () => {
          if (bytes.length) out.push(utf8Decode.decode(Uint8Array.from(bytes)));
          bytes = [];
        };
        for (const x of t) {
          const m = /^<0x([0-9A-Fa-f]{2})>$/.exec(x);
          if (m) bytes.push(Number.parseInt(m[1], 16));
          else {
            flush();
            out.push(x);
          }
        }
        flush();
        return out;
      };
    case "Fuse":
      return (t) => [t.join("")];
    case "Strip": {
      const c: string = spec.content ?? " ";
      const start: number = spec.start ?? 0;
      const stop: number = spec.stop ?? 0;
      return (t) =>
        t.map((x) => {
          let s = x;
          for (let k = 0; k < start && s.startsWith(c); k++) s = s.slice(c.length);
          for (let k = 0; k < stop && s.endsWith(c); k++) s = s.slice(0, -c.length);
          return s;
        });
    }
    case "Sequence": {
      const fs: Dec[] = (spec.decoders ?? []).map(buildDecoder);
      return (t) => fs.reduce((acc, f) => f(acc), t);
    }
    default:
      throw new Error(`tokenizer.json: unsupported decoder ${JSON.stringify(spec.type)}`);
  }
}

function buildTemplate(
  spec: Json,
  lookup: (t: string) => number | undefined,
): ((ids: number[]) => number[]) | null {
  if (!spec) return null;
  if (spec.type === "Sequence") {
    const ts = (spec.processors ?? []).map((p: Json) => buildTemplate(p, lookup)).filter(Boolean);
    return ts.length
      ? (ids) => ts.reduce((acc: number[], f: (x: number[]) => number[]) => f(acc), ids)
      : null;
  }
  if (spec.type !== "TemplateProcessing") return null;
  const special = (id: string): number[] => {
    const s = spec.special_tokens?.[id];
    if (s?.ids) return s.ids;
    const v = lookup(id);
    if (v === undefined) throw new Error(`tokenizer.json: template token ${id} not in vocab`);
    return [v];
  };
  const single: Json[] = spec.single ?? [];
  return (ids) =>
    single.flatMap((
      p: Json,
    ) => (p.Sequence ? ids : p.SpecialToken ? special(p.SpecialToken.id) : []));
}
