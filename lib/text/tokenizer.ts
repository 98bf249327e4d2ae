/**
 * The tokenizer interface every text path uses, and the two small-vocabulary tokenizers for
 * our tiny language models and fast tests: UTF-8 bytes (vocabulary 256, lossless on any text)
 * and characters from a fixed alphabet.
 *
 * @module
 */
import { ConfigError } from "../util/validate.ts";

/** What the models, windows and prompts need from a tokenizer. */
export interface TextTokenizer {
  /** Short name, e.g. `"bytes"`, `"chars"`, `"gpt2"`, `"hf:<file>"`. */
  readonly name: string;
  /** Number of ids (every id is in [0, vocabSize)). */
  readonly vocabSize: number;
  /** Text → ids. */
  encode(text: string): number[];
  /** Ids → text. */
  decode(ids: ArrayLike<number>): string;
}

/**
 * UTF-8 byte tokenizer: id = byte value, vocabulary 256 (the default of `DEFAULT_LANGUAGE_MODEL`).
 * Decoding an incomplete UTF-8 sequence yields U+FFFD.
 *
 * @example
 * ```ts
 * const tok = new ByteTokenizer();
 * tok.encode("hé"); // [104, 195, 169]
 * tok.decode([104, 195, 169]); // "hé"
 * ```
 */
export class ByteTokenizer implements TextTokenizer {
  readonly name = "bytes";
  readonly vocabSize = 256;
  #enc = new TextEncoder();
  #dec = new TextDecoder();

  encode(text: string): number[] {
    return Array.from(this.#enc.encode(text));
  }

  decode(ids: ArrayLike<number>): string {
    const b = new Uint8Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const v = ids[i];
      if (!Number.isInteger(v) || v < 0 || v > 255) {
        throw new RangeError(`byte id out of range: ${v}`);
      }
      b[i] = v;
    }
    return this.#dec.decode(b);
  }
}

/** Options of {@link CharTokenizer}. */
export interface CharTokenizerOptions {
  /**
   * What to do with a character outside the alphabet: `"error"` (default) throws, `"unk"`
   * maps it to an extra last id that decodes to U+FFFD, `"skip"` drops it.
   */
  unknown?: "error" | "unk" | "skip";
}

/**
 * Character tokenizer over a fixed alphabet (Unicode code points, ids in alphabet order).
 *
 * @example
 * ```ts
 * const tok = CharTokenizer.fromText("example:01->10\n");
 * tok.decode(tok.encode("10->01")); // "10->01"
 * tok.vocabSize; // number of distinct characters
 * ```
 */
export class CharTokenizer implements TextTokenizer {
  readonly name = "chars";
  readonly vocabSize: number;
  /** The alphabet, one code point per entry; id i is alphabet[i]. */
  readonly alphabet: readonly string[];
  readonly unknown: "error" | "unk" | "skip";
  #index = new Map<string, number>();

  constructor(alphabet: string | readonly string[], opts: CharTokenizerOptions = {}) {
    const chars = typeof alphabet === "string" ? [...alphabet] : [...alphabet];
    this.unknown = opts.unknown ?? "error";
    if (!["error", "unk", "skip"].includes(this.unknown)) {
      throw new ConfigError("unknown", '"error", "unk" or "skip"', this.unknown);
    }
    for (const c of chars) {
      if ([...c].length !== 1) throw new ConfigError("alphabet", "single code points", c);
      if (!this.#index.has(c)) this.#index.set(c, this.#index.size);
    }
    if (this.#index.size === 0) {
      throw new ConfigError("alphabet", "at least one character", alphabet);
    }
    this.alphabet = [...this.#index.keys()];
    this.vocabSize = this.alphabet.length + (this.unknown === "unk" ? 1 : 0);
  }

  /**
   * A tokenizer whose alphabet is the sorted set of characters of `text`.
   *
   * @example
   * ```ts
   * CharTokenizer.fromText("banana").alphabet; // ["a", "b", "n"]
   * ```
   */
  static fromText(text: string, opts: CharTokenizerOptions = {}): CharTokenizer {
    const set = new Set(text);
    return new CharTokenizer([...set].sort(), opts);
  }

  encode(text: string): number[] {
    const out: number[] = [];
    for (const c of text) {
      const id = this.#index.get(c);
      if (id !== undefined) out.push(id);
      else if (this.unknown === "unk") out.push(this.alphabet.length);
      else if (this.unknown === "error") {
        throw new RangeError(`character ${JSON.stringify(c)} is not in the tokenizer's alphabet`);
      }
    }
    return out;
  }

  decode(ids: ArrayLike<number>): string {
    let s = "";
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (id >= 0 && id < this.alphabet.length && Number.isInteger(id)) s += this.alphabet[id];
      else if (id === this.alphabet.length && this.unknown === "unk") s += "\uFFFD";
      else throw new RangeError(`char id out of range: ${id}`);
    }
    return s;
  }
}
