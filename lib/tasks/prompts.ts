/**
 * In-context-learning prompts for the latent-concept tasks of paper 1's language-model part
 * (POS "first word with hidden tag", bitwise ops): k demonstrations, then the query, no
 * instruction (the concept is latent).
 *
 * Template (the spec's "safe template"): each demonstration is the line
 * `example:{input}->{output}`, lines are joined by `\n`, and the query line is
 * `example:{input}->`. The answer is `{output}`; for training a small LM on the tasks the
 * answer is followed by a `\n` terminator, so greedy decoding stops at the first newline.
 *
 * @module
 */
import { Rng } from "../util/rng.ts";
import {
  checkKnownKeys,
  checkNumber,
  checkOneOf,
  checkPositiveInt,
  ConfigError,
} from "../util/validate.ts";

/** Name of the Null concept (no consistent input → output rule). */
export const NULL_CONCEPT = "Null";

/** One input → output pair under a latent concept. */
export interface ConceptExample {
  /** The input text (a sentence; two bit strings). Never contains a newline. */
  input: string;
  /** The correct output under `concept`. Never contains a newline. */
  output: string;
  /** The latent concept, e.g. `"Noun"`, `"XOR"`, `"Null"`. */
  concept: string;
}

/** A task family: concepts and train/test examples (what `makePosTask` / `makeBitwiseTask` return). */
export interface ConceptTask {
  /** `"pos"` or `"bitwise"`. */
  name: string;
  /** The concepts, Null last when present. */
  concepts: readonly string[];
  /** Training examples (demonstrations always come from here). */
  train: ConceptExample[];
  /** Held-out examples (queries of evaluation prompts). */
  test: ConceptExample[];
}

/** The shot counts the paper evaluates. */
export const PROMPT_SHOTS = [1, 4, 10] as const;

/** One ICL prompt. */
export interface IclPrompt {
  /** Demonstration lines and the query line, joined by `\n`; ends with `->`. */
  prompt: string;
  /** The expected completion (without terminator). */
  answer: string;
  /** The latent concept. */
  concept: string;
  /** Number of demonstrations k. */
  shots: number;
}

/** A training text for a small LM: a prompt, its answer and the `\n` terminator. */
export interface PromptTrainingItem extends IclPrompt {
  /** `prompt + answer + "\n"`. */
  text: string;
  /** Character offset where the answer starts (= prompt.length). */
  targetStart: number;
  /** Character offset after the terminator (= text.length): put the loss on [targetStart, targetEnd). */
  targetEnd: number;
}

/**
 * Formats one example as a template line: `example:{input}->{output}`, or the query line
 * `example:{input}->` when `withOutput` is false.
 *
 * @example
 * ```ts
 * formatExample({ input: "01101 10011", output: "00001", concept: "AND" }); // "example:01101 10011->00001"
 * ```
 */
export function formatExample(ex: ConceptExample, withOutput = true): string {
  if (/[\n\r]/.test(ex.input) || /[\n\r]/.test(ex.output)) {
    throw new ConfigError("input/output", "text without newlines", ex);
  }
  return `example:${ex.input}->${withOutput ? ex.output : ""}`;
}

/**
 * Builds a prompt from demonstrations and a query (all should share one concept).
 *
 * @example
 * ```ts
 * const d = { input: "00001 00011", output: "00001", concept: "AND" };
 * const q = { input: "00111 00101", output: "00101", concept: "AND" };
 * buildPrompt([d], q).prompt; // "example:00001 00011->00001\nexample:00111 00101->"
 * ```
 */
export function buildPrompt(demos: readonly ConceptExample[], query: ConceptExample): IclPrompt {
  const lines = demos.map((d) => formatExample(d));
  lines.push(formatExample(query, false));
  return {
    prompt: lines.join("\n"),
    answer: query.output,
    concept: query.concept,
    shots: demos.length,
  };
}

/** Which prompts {@link samplePrompts} draws. */
export interface PromptSetConfig {
  /** Shot counts; one set of prompts per k. Default [1, 4, 10] (the paper's). */
  shots: number[];
  /** Prompts per concept and shot count. Default 50; paper: not stated. */
  perConcept: number;
  /** Where queries come from: `"test"` (default, held out) or `"train"`. Demos: always train. */
  split: "train" | "test";
  /** Concepts to include; `[]` (default) = all of the task's, Null included. */
  concepts: string[];
  /** Seed. Default 0. */
  seed: number;
}

/** Defaults of {@link PromptSetConfig}. */
export const DEFAULT_PROMPT_SET: PromptSetConfig = {
  shots: [...PROMPT_SHOTS],
  perConcept: 50,
  split: "test",
  concepts: [],
  seed: 0,
};

/**
 * Draws evaluation prompts: for each concept and each k, `perConcept` prompts whose k
 * demonstrations (distinct, from train, none with the query's input) and query share the
 * concept. Order: concept-major, then k, then draw.
 *
 * @example
 * ```ts
 * import { makeBitwiseTask } from "toolkit/data";
 *
 * const task = makeBitwiseTask();
 * const prompts = samplePrompts(task, { shots: [4], perConcept: 10 });
 * console.log(prompts[0].prompt, "=>", prompts[0].answer);
 * ```
 */
export function samplePrompts(
  task: ConceptTask,
  config: Partial<PromptSetConfig> = {},
): IclPrompt[] {
  checkKnownKeys(config, DEFAULT_PROMPT_SET, "PromptSetConfig");
  const cfg = { ...DEFAULT_PROMPT_SET, ...config };
  checkShots(cfg.shots, "shots");
  checkPositiveInt(cfg, "perConcept");
  checkOneOf(cfg, "split", ["train", "test"]);
  checkNumber(cfg, "seed");
  const concepts = checkConcepts(task, cfg.concepts);
  const demoPools = byConcept(task.train);
  const queryPools = byConcept(cfg.split === "test" ? task.test : task.train);
  const rng = new Rng(`prompts:${task.name}:${cfg.seed}`);
  const out: IclPrompt[] = [];
  for (const c of concepts) {
    const demos = demoPools.get(c) ?? [];
    const queries = queryPools.get(c) ?? [];
    if (!queries.length) {
      throw new ConfigError("concepts", `concepts with ${cfg.split} examples`, c);
    }
    for (const k of cfg.shots) {
      for (let i = 0; i < cfg.perConcept; i++) {
        const q = queries[rng.int(queries.length)];
        out.push(buildPrompt(pickDemos(demos, k, q, rng, c), q));
      }
    }
  }
  return out;
}

/** How {@link buildPromptTrainingSet} mixes prompts. */
export interface PromptTrainingConfig {
  /** Number of training texts. Default 10,000. */
  count: number;
  /** Shot counts drawn uniformly per text. Default 1 … 10 (covers the evaluated 1, 4, 10). */
  shots: number[];
  /** Concepts drawn uniformly per text; `[]` (default) = all of the task's, Null included. */
  concepts: string[];
  /** Seed. Default 0. */
  seed: number;
}

/** Defaults of {@link PromptTrainingConfig}. */
export const DEFAULT_PROMPT_TRAINING: PromptTrainingConfig = {
  count: 10_000,
  shots: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  concepts: [],
  seed: 0,
};

/**
 * A mixed training set for a small LM on the tasks (train split only): each item is a prompt
 * over a uniformly drawn concept and k, followed by the answer and a `\n` terminator. Train
 * with the loss on `text.slice(targetStart, targetEnd)` (answer + terminator) and decode
 * greedily until `\n`.
 *
 * @example
 * ```ts
 * import { makeBitwiseTask } from "toolkit/data";
 *
 * const items = buildPromptTrainingSet(makeBitwiseTask(), { count: 1000 });
 * items[0].text; // "example:…->…\nexample:…->01011\n"
 * items[0].text.slice(items[0].targetStart, items[0].targetEnd); // "01011\n"
 * ```
 */
export function buildPromptTrainingSet(
  task: ConceptTask,
  config: Partial<PromptTrainingConfig> = {},
): PromptTrainingItem[] {
  checkKnownKeys(config, DEFAULT_PROMPT_TRAINING, "PromptTrainingConfig");
  const cfg = { ...DEFAULT_PROMPT_TRAINING, ...config };
  checkPositiveInt(cfg, "count");
  checkShots(cfg.shots, "shots");
  checkNumber(cfg, "seed");
  const concepts = checkConcepts(task, cfg.concepts);
  const pools = byConcept(task.train);
  const rng = new Rng(`prompt-training:${task.name}:${cfg.seed}`);
  const out: PromptTrainingItem[] = [];
  for (let i = 0; i < cfg.count; i++) {
    const c = concepts[rng.int(concepts.length)];
    const k = cfg.shots[rng.int(cfg.shots.length)];
    const pool = pools.get(c) ?? [];
    if (!pool.length) throw new ConfigError("concepts", "concepts with train examples", c);
    const q = pool[rng.int(pool.length)];
    const p = buildPrompt(pickDemos(pool, k, q, rng, c), q);
    const text = `${p.prompt}${p.answer}\n`;
    out.push({ ...p, text, targetStart: p.prompt.length, targetEnd: text.length });
  }
  return out;
}

/**
 * Tokenizes a training item as prompt ids followed by target ids (answer + terminator, encoded
 * separately, as fine-tuning with "loss on answers only" does), with the index where the
 * target starts.
 *
 * @example
 * ```ts
 * import { makeBitwiseTask } from "toolkit/data";
 * import { ByteTokenizer } from "toolkit/text";
 *
 * const items = buildPromptTrainingSet(makeBitwiseTask(), { count: 10 });
 * const { ids, targetStart } = encodePromptItem(new ByteTokenizer(), items[0]);
 * // loss on ids[targetStart …]; inputs ids[0 … ids.length − 2]
 * ```
 */
export function encodePromptItem(
  tokenizer: { encode(text: string): number[] },
  item: PromptTrainingItem,
): { ids: number[]; targetStart: number } {
  const prefix = tokenizer.encode(item.text.slice(0, item.targetStart));
  const target = tokenizer.encode(item.text.slice(item.targetStart, item.targetEnd));
  return { ids: [...prefix, ...target], targetStart: prefix.length };
}

function checkShots(shots: unknown, field: string) {
  if (
    !Array.isArray(shots) || !shots.length || !shots.every((k) => Number.isInteger(k) && k >= 0)
  ) {
    throw new ConfigError(
      field,
      "a non-empty array of integers >= 0 (the paper's: 1, 4, 10)",
      shots,
    );
  }
}

function checkConcepts(task: ConceptTask, concepts: unknown): string[] {
  if (!Array.isArray(concepts)) {
    throw new ConfigError("concepts", `an array of ${task.concepts.join(", ")}`, concepts);
  }
  for (const c of concepts) {
    if (!task.concepts.includes(c)) {
      throw new ConfigError("concepts", `an array of ${task.concepts.join(", ")}`, c);
    }
  }
  return concepts.length ? concepts : [...task.concepts];
}

function byConcept(examples: readonly ConceptExample[]): Map<string, ConceptExample[]> {
  const m = new Map<string, ConceptExample[]>();
  for (const e of examples) {
    const list = m.get(e.concept);
    if (list) list.push(e);
    else m.set(e.concept, [e]);
  }
  return m;
}

/** k demonstrations from `pool` with distinct inputs, none equal to the query's input. */
function pickDemos(
  pool: readonly ConceptExample[],
  k: number,
  query: ConceptExample,
  rng: Rng,
  concept: string,
): ConceptExample[] {
  const used = new Set<string>([query.input]);
  const out: ConceptExample[] = [];
  for (let tries = 0; out.length < k && tries < 100 * k + 1000; tries++) {
    const e = pool[rng.int(pool.length)];
    if (used.has(e.input)) continue;
    used.add(e.input);
    out.push(e);
  }
  if (out.length < k) {
    const distinct = new Set(pool.map((e) => e.input));
    distinct.delete(query.input);
    throw new ConfigError(
      "shots",
      `<= ${distinct.size} (distinct train inputs of concept ${concept})`,
      k,
    );
  }
  return out;
}
