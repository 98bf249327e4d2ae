/**
 * Data of the language-model experiment: the task families, the small LM's tokenizer, seeded
 * training batches of task prompts with a loss mask, and encoded evaluation prompts.
 *
 * @module
 */
import { makeBitwiseTask } from "../tasks/bitwise.ts";
import { makePosTask } from "../tasks/pos_first_word.ts";
import { buildPromptTrainingSet, type ConceptTask, samplePrompts } from "../tasks/prompts.ts";
import { ByteTokenizer, CharTokenizer, type TextTokenizer } from "../text/tokenizer.ts";
import { Rng } from "../util/rng.ts";
import { ConfigError } from "../util/validate.ts";
import type { IclLmConfig, IclLmTaskName, LossTarget } from "./config.ts";

/** The task families of a run, by name, in the config's order. */
export type IclLmTasks = Map<IclLmTaskName, ConceptTask>;

/**
 * Builds the configured task families (POS loads the Brown corpus: ~1 s).
 *
 * @example
 * ```ts
 * import { iclLmConfig } from "toolkit/icl-lm";
 *
 * const tasks = await loadIclLmTasks(iclLmConfig("smoke"));
 * tasks.get("bitwise")!.concepts; // ["AND", …, "XNOR", "Null"]
 * ```
 */
export async function loadIclLmTasks(
  cfg: Pick<IclLmConfig, "tasks" | "pos" | "bitwise" | "seed">,
): Promise<IclLmTasks> {
  const out: IclLmTasks = new Map();
  for (const name of cfg.tasks) {
    out.set(
      name,
      name === "pos"
        ? await makePosTask({ seed: cfg.seed, ...cfg.pos })
        : makeBitwiseTask({ seed: cfg.seed, ...cfg.bitwise }),
    );
  }
  return out;
}

/**
 * The small LM's tokenizer: bytes, or characters of every task text (plus the template's),
 * with an extra id for unknown characters.
 *
 * @example
 * ```ts
 * declare const tasks: IclLmTasks;
 * const tok = taskTokenizer("chars", tasks);
 * ```
 */
export function taskTokenizer(kind: "bytes" | "chars", tasks: IclLmTasks): TextTokenizer {
  if (kind === "bytes") return new ByteTokenizer();
  let text = "example:->\n";
  for (const t of tasks.values()) {
    for (const e of [...t.train, ...t.test]) text += e.input + e.output;
  }
  return CharTokenizer.fromText(text, { unknown: "unk" });
}

/**
 * Token ids of a training text (`example:{in}->{out}` lines, each ending in `\n`) and a 0/1
 * loss flag per token: `outputs` flags every line's output and newline, `answer` only the last
 * line's, `all` every token. Each segment is encoded on its own (as `encodePromptItem` does).
 *
 * @example
 * ```ts
 * import { ByteTokenizer } from "toolkit/text";
 *
 * const { ids, flags } = encodeWithLossFlags(new ByteTokenizer(), "example:a->b\n", "outputs");
 * // flags: 0 for "example:a->", 1 for "b\n"
 * ```
 */
export function encodeWithLossFlags(
  tok: { encode(text: string): number[] },
  text: string,
  lossOn: LossTarget,
): { ids: number[]; flags: number[] } {
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  const ids: number[] = [], flags: number[] = [];
  lines.forEach((line, i) => {
    const cut = line.lastIndexOf("->");
    if (cut < 0) {
      throw new ConfigError("text", 'lines of the form "example:{input}->{output}"', line);
    }
    const head = tok.encode(line.slice(0, cut + 2)), tail = tok.encode(line.slice(cut + 2) + "\n");
    const tailFlag = lossOn === "all" || lossOn === "outputs" || i === lines.length - 1 ? 1 : 0;
    for (const id of head) ids.push(id), flags.push(lossOn === "all" ? 1 : 0);
    for (const id of tail) ids.push(id), flags.push(tailFlag);
  });
  return { ids, flags };
}

/** One training batch: windows [batch, T + 1] and the loss mask [batch, T] over the targets. */
export interface PromptBatch {
  windows: Int32Array;
  mask: Float32Array;
  batch: number;
  /** Padded input length T. */
  length: number;
  task: IclLmTaskName;
  shots: number;
}

/**
 * Packs token rows (each with per-token loss flags) into right-padded windows and the target
 * mask (target t is token t + 1; padding is never a target).
 *
 * @example
 * ```ts
 * const { windows, mask } = packRows([{ ids: [1, 2, 3], flags: [0, 1, 1] }]);
 * ```
 */
export function packRows(
  rows: { ids: number[]; flags: number[] }[],
): { windows: Int32Array; mask: Float32Array; length: number } {
  const W = Math.max(...rows.map((r) => r.ids.length));
  const T = W - 1;
  const windows = new Int32Array(rows.length * W), mask = new Float32Array(rows.length * T);
  rows.forEach((r, b) => {
    windows.set(r.ids, b * W);
    for (let t = 0; t + 1 < r.ids.length; t++) mask[b * T + t] = r.flags[t + 1];
  });
  return { windows, mask, length: T };
}

/**
 * The training batch of a step, a pure function of (seed, step): the step's task alternates
 * over the families, its shot count is drawn from `shots`, and fresh prompts (train split, all
 * concepts incl. Null) are added while rows × padded length stays within `tokensPerStep`.
 *
 * @example
 * ```ts
 * import type { CausalLm } from "toolkit";
 * import { ByteTokenizer } from "toolkit/text";
 *
 * declare const tasks: IclLmTasks, model: CausalLm;
 * const b = promptBatch(tasks, new ByteTokenizer(), 1, { tokensPerStep: 2048, shots: [1, 4], lossOn: "outputs", maxLen: 512, seed: 0 });
 * model.loss(b.windows, b.batch, { mask: b.mask });
 * ```
 */
export function promptBatch(
  tasks: IclLmTasks,
  tok: { encode(text: string): number[] },
  step: number,
  opts: {
    tokensPerStep: number;
    shots: number[];
    lossOn: LossTarget;
    maxLen: number;
    seed: number;
  },
): PromptBatch {
  const names = [...tasks.keys()];
  const name = names[(step - 1) % names.length];
  const rng = new Rng(`icl-lm-batch:${opts.seed}:${step}`);
  const k = opts.shots[rng.int(opts.shots.length)];
  const items = buildPromptTrainingSet(tasks.get(name)!, {
    count: Math.min(512, Math.ceil(opts.tokensPerStep / 24)),
    shots: [k],
    seed: opts.seed * 1_000_003 + step,
  });
  const rows: { ids: number[]; flags: number[] }[] = [];
  let longest = 0;
  for (const it of items) {
    const r = encodeWithLossFlags(tok, it.text, opts.lossOn);
    if (r.ids.length > opts.maxLen + 1) continue;
    const next = Math.max(longest, r.ids.length);
    if (rows.length && (rows.length + 1) * next > opts.tokensPerStep) break;
    rows.push(r);
    longest = next;
  }
  if (!rows.length) {
    throw new ConfigError("model.maxLen", `>= the longest ${k}-shot ${name} prompt`, opts.maxLen);
  }
  const { windows, mask, length } = packRows(rows);
  return { windows, mask, batch: rows.length, length, task: name, shots: k };
}

/** An evaluation prompt, encoded. */
export interface EncodedPrompt {
  task: IclLmTaskName;
  concept: string;
  /** Index of the concept in its task's concept list (Null last). */
  conceptIndex: number;
  shots: number;
  /** Token ids of the prompt (ends with `->`). */
  promptIds: number[];
  /** Token ids of the answer and its newline terminator (teacher-forced scoring). */
  targetIds: number[];
  /** The expected answer text. */
  answer: string;
}

/**
 * Evaluation prompts of one task: `perConcept` per concept and shot count, queries from the
 * test split (demonstrations from train), all concepts incl. Null. `addSpecialTokens` lets a
 * Hugging Face tokenizer prepend its BOS to the prompt (as the model saw in pretraining).
 * `split: "train"` draws the queries from the training split instead: beside the held-out
 * accuracy it tells a model that cannot generalise from one that has not learned the task at all.
 *
 * @example
 * ```ts
 * import type { TextTokenizer } from "toolkit/text";
 *
 * declare const tasks: IclLmTasks, tok: TextTokenizer;
 * const prompts = encodeEvalPrompts("bitwise", tasks.get("bitwise")!, tok, { shots: [1, 4, 10], perConcept: 40, seed: 0 });
 * ```
 */
export function encodeEvalPrompts(
  name: IclLmTaskName,
  task: ConceptTask,
  tok: { encode(text: string, o?: { addSpecialTokens?: boolean }): number[] },
  opts: {
    shots: number[];
    perConcept: number;
    seed: number;
    addSpecialTokens?: boolean;
    split?: "train" | "test";
  },
): EncodedPrompt[] {
  const { shots, perConcept, seed, split = "test" } = opts;
  return samplePrompts(task, { shots, perConcept, seed, split })
    .map((p) => ({
      task: name,
      concept: p.concept,
      conceptIndex: task.concepts.indexOf(p.concept),
      shots: p.shots,
      promptIds: opts.addSpecialTokens
        ? tok.encode(p.prompt, { addSpecialTokens: true })
        : tok.encode(p.prompt),
      targetIds: tok.encode(p.answer + "\n"),
      answer: p.answer,
    }));
}
