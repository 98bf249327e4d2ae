/**
 * Configuration of paper 1's language-model experiment: the two latent-concept task families
 * (POS, bitwise), the small LM trained here on their prompts, what is measured (greedy
 * exact-match accuracy, task decodability per layer, mean-vector interventions) and the LoRA
 * finetuning of early vs late layers. Presets are named overrides in one place
 * ({@link ICL_LM_PRESETS}).
 *
 * @module
 */
import { type LanguageModelConfig, languageModelConfig } from "../model/config.ts";
import type { BitwiseTaskConfig } from "../tasks/bitwise.ts";
import type { PosTaskConfig } from "../tasks/pos_first_word.ts";
import { type TrainConfig, trainConfig } from "../train/trainer.ts";
import {
  checkKnownKeys,
  checkNumber,
  checkOneOf,
  checkPositiveInt,
  ConfigError,
} from "../util/validate.ts";

/**
 * Which tokens of a training prompt carry the LM's loss.
 *
 * @example
 * ```ts
 * iclLmConfig("cpu", { lossOn: LOSS_TARGETS[1] }); // "answer"
 * ```
 */
export const LOSS_TARGETS = ["outputs", "answer", "all"] as const;
/** One of {@link LOSS_TARGETS}. */
export type LossTarget = typeof LOSS_TARGETS[number];

/**
 * The task families of the language-model part.
 *
 * @example
 * ```ts
 * iclLmConfig("smoke", { tasks: [ICL_LM_TASKS[1]] }); // bitwise only
 * ```
 */
export const ICL_LM_TASKS = ["pos", "bitwise"] as const;
/** One of {@link ICL_LM_TASKS}. */
export type IclLmTaskName = typeof ICL_LM_TASKS[number];

/** Everything one run of the language-model experiment needs. */
export interface IclLmConfig {
  /** Task families measured (and trained on). Default both; paper: both. */
  tasks: IclLmTaskName[];
  /**
   * POS task overrides. Default `maxWords` 12 (446 train / 111 test Brown sentences; 10-shot
   * prompts ≤ 978 characters); paper: PTB WSJ sentences (≈25 words on average) — shorter here
   * so 10-shot prompts fit a CPU model's context.
   */
  pos: Partial<PosTaskConfig>;
  /** Bitwise task overrides. Default the paper's: 5 bits, 10K train / 500 eval. */
  bitwise: Partial<BitwiseTaskConfig>;
  /** Small LM tokenizer: `bytes` (default; vocabulary 256) or `chars` (the tasks' alphabet). Paper: Llama's BPE. */
  tokenizer: "bytes" | "chars";
  /**
   * Small LM architecture: `gpt2` (the toolkit's LanguageModel: learned absolute positions,
   * LayerNorm, GELU) or `llama` (LlamaModel: rotary positions, RMSNorm, SwiGLU — the paper's
   * model family). Default `gpt2`.
   */
  architecture: "gpt2" | "llama";
  /** Small LM shape. `maxLen` must hold the longest 10-shot prompt. Paper: Llama-3.1-8B (32 layers). */
  model: Partial<LanguageModelConfig>;
  /** Small LM optimiser and steps (Adam). Paper: pretrained, no task training. */
  train: Partial<TrainConfig>;
  /**
   * Token budget of one training batch (rows × padded length): every step draws one task and
   * one shot count, so rows have similar lengths and the batch holds ≈ this many tokens.
   */
  tokensPerStep: number;
  /** Shot counts of the training prompts, drawn uniformly per step. Default 1 … 10. */
  trainShots: number[];
  /**
   * LM loss on: `outputs` (default: every demonstration's output and the query's answer, each
   * with its newline — every line is an in-context prediction), `answer` (query only), `all`.
   */
  lossOn: LossTarget;
  /** Shot counts evaluated. Default and paper: 1, 4, 10. */
  evalShots: number[];
  /** Evaluation prompts per concept and shot count (queries from the test split). Paper: not stated. */
  perConcept: number;
  /** Token budget of one evaluation forward pass (rows × padded length). */
  evalTokensPerBatch: number;
  /** Neighbours of the k-NN task decodability. Default and paper: 10. */
  knnK: number;
  /** Count Null as a class of the k-NN (default true: the paper reads overlap with Null off it). */
  tdIncludesNull: boolean;
  /** Accuracy: `teacherForced` (exactly greedy decoding for byte/char tokenizers, one pass), `greedy`, or `auto`. */
  accuracyMode: "auto" | "teacherForced" | "greedy";
  /** Longest greedy continuation, in tokens (greedy mode). */
  maxNewTokens: number;
  /** LoRA rank. Paper: 16. */
  loraRank: number;
  /** LoRA alpha (scale alpha/rank). Paper: 16. */
  loraAlpha: number;
  /** LoRA dropout. Paper: 0.1. */
  loraDropout: number;
  /** Fraction of the layers adapted in each arm (first vs last). Paper: 10 of 32 ≈ 0.31; ours 1/3. */
  loraFraction: number;
  /** LoRA finetuning optimiser and steps (loss on answer tokens only). Paper: not stated. */
  finetune: Partial<TrainConfig>;
  /** Token budget of one finetuning batch. */
  finetuneTokensPerStep: number;
  /** Seed of the init, the batches and the prompts. */
  seed: number;
}

const CPU: IclLmConfig = {
  tasks: ["pos", "bitwise"],
  pos: { maxWords: 12 },
  bitwise: {},
  tokenizer: "bytes",
  architecture: "gpt2",
  model: { nLayers: 6, dModel: 96, nHeads: 4, maxLen: 1024, vocabSize: 256 },
  train: {
    steps: 1200,
    lr: 2e-3,
    betas: [0.9, 0.99],
    schedule: "cosine",
    warmupSteps: 100,
    clipNorm: 1,
    logEvery: 20,
    checkpointEvery: 100,
    evalEvery: 100,
  },
  tokensPerStep: 4096,
  trainShots: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  lossOn: "outputs",
  evalShots: [1, 4, 10],
  perConcept: 40,
  evalTokensPerBatch: 8192,
  knnK: 10,
  tdIncludesNull: true,
  accuracyMode: "auto",
  maxNewTokens: 24,
  loraRank: 16,
  loraAlpha: 16,
  loraDropout: 0.1,
  loraFraction: 1 / 3,
  finetune: { steps: 120, lr: 1e-3, betas: [0.9, 0.999], logEvery: 20, checkpointEvery: 60 },
  finetuneTokensPerStep: 4096,
  seed: 0,
};

/**
 * Named presets. `smoke`: seconds (a 2-layer toy; shows no phenomenon). `quick`: the few
 * minutes of `deno task reproduce` (a short-trained model; the pipeline, not the phenomenon).
 * `cpu`: the CPU default (≈30 minutes on an idle 2-core machine). `long`: the `cpu` model
 * trained 8× longer on ≈27× more POS training sentences (`pos.trainPool: "anyConcept"`: every
 * Brown sentence of 6–12 words gives examples for the concepts it has; the test sentences are
 * the same held-out all-six ones) — at 1,200 steps on 446 sentences the `cpu` LM learns no POS
 * concept, since it cannot learn which words are nouns, verbs, … from so few (measured: `long`
 * does not learn them either — Pronoun 28%, Preposition 15%, Verb 9%, the open classes 0, and no
 * better on training queries); ≈2 hours on one core, so run it in chunks (`deno task icl:lm --preset long --max-minutes 50`, rerun to
 * continue; archive the LM run with its state between machines). For a pretrained checkpoint
 * use `cpu` with `--checkpoint DIR` (the training fields are then unused).
 *
 * @example
 * ```ts
 * ICL_LM_PRESETS.cpu.model.nLayers; // 6
 * ```
 */
export const ICL_LM_PRESETS: Record<"smoke" | "quick" | "cpu" | "long", IclLmConfig> = {
  smoke: {
    ...CPU,
    pos: { maxWords: 8 },
    bitwise: { trainSize: 700, testSize: 140 },
    model: { nLayers: 3, dModel: 24, nHeads: 2, maxLen: 256, vocabSize: 256 },
    train: { steps: 6, lr: 3e-3, betas: [0.9, 0.99], logEvery: 3, checkpointEvery: 3 },
    tokensPerStep: 1024,
    trainShots: [1, 2],
    evalShots: [1, 2],
    perConcept: 6,
    knnK: 5,
    finetune: { steps: 2, lr: 1e-3, betas: [0.9, 0.999], logEvery: 1, checkpointEvery: 2 },
    finetuneTokensPerStep: 512,
  },
  quick: {
    ...CPU,
    pos: { maxWords: 10 },
    model: { nLayers: 3, dModel: 64, nHeads: 4, maxLen: 880, vocabSize: 256 },
    train: {
      steps: 150,
      lr: 3e-3,
      betas: [0.9, 0.99],
      schedule: "cosine",
      warmupSteps: 20,
      clipNorm: 1,
      logEvery: 10,
      checkpointEvery: 50,
    },
    tokensPerStep: 2048,
    evalShots: [1, 4, 10],
    perConcept: 12,
    finetune: { steps: 20, lr: 1e-3, betas: [0.9, 0.999], logEvery: 10, checkpointEvery: 20 },
    finetuneTokensPerStep: 2048,
  },
  cpu: CPU,
  long: {
    ...CPU,
    pos: { maxWords: 12, trainPool: "anyConcept" },
    // the cpu schedule stretched 8×: cosine decay over 9,600 steps, checkpoints every 100
    train: { ...CPU.train, steps: 9600, warmupSteps: 200, evalEvery: 200 },
  },
};

/** A preset's name. */
export type IclLmPreset = keyof typeof ICL_LM_PRESETS;

function checkShotList(c: IclLmConfig, field: "trainShots" | "evalShots") {
  const v = c[field];
  if (!Array.isArray(v) || !v.length || v.some((k) => !Number.isInteger(k) || k < 1)) {
    throw new ConfigError(field, "a non-empty list of integers >= 1 (the paper's: 1, 4, 10)", v);
  }
}

/**
 * A full, validated config from a preset and overrides; a bad field throws `ConfigError`
 * naming it (nested fields as `model.nLayers`, `train.lr`, …).
 *
 * @example
 * ```ts
 * const cfg = iclLmConfig("smoke", { seed: 1 });
 * ```
 */
export function iclLmConfig(
  preset: IclLmPreset | IclLmConfig = "cpu",
  over: Partial<IclLmConfig> = {},
): IclLmConfig {
  const base = typeof preset === "string" ? ICL_LM_PRESETS[preset] : preset;
  if (!base) throw new ConfigError("preset", Object.keys(ICL_LM_PRESETS).join(", "), preset);
  checkKnownKeys(over, base, "icl_lm");
  const c: IclLmConfig = { ...base, ...over };
  if (
    !Array.isArray(c.tasks) || !c.tasks.length ||
    c.tasks.some((t) => !(ICL_LM_TASKS as readonly string[]).includes(t))
  ) {
    throw new ConfigError("tasks", `a non-empty list of ${ICL_LM_TASKS.join(", ")}`, c.tasks);
  }
  checkOneOf(c, "tokenizer", ["bytes", "chars"]);
  checkOneOf(c, "architecture", ["gpt2", "llama"]);
  nested("model", () => languageModelConfig(c.model));
  nested("train", () => trainConfig(c.train));
  nested("finetune", () => trainConfig(c.finetune));
  checkPositiveInt(c, "tokensPerStep", { min: 16 });
  checkPositiveInt(c, "finetuneTokensPerStep", { min: 16 });
  checkShotList(c, "trainShots");
  checkShotList(c, "evalShots");
  checkOneOf(c, "lossOn", LOSS_TARGETS);
  checkPositiveInt(c, "perConcept", { min: 2 });
  checkPositiveInt(c, "evalTokensPerBatch", { min: 16 });
  checkPositiveInt(c, "knnK");
  checkOneOf(c, "tdIncludesNull", [true, false]);
  const nClasses = 6 + (c.tdIncludesNull ? 1 : 0);
  if (c.knnK >= nClasses * c.perConcept) {
    throw new ConfigError(
      "knnK",
      `an integer < the prompts per shot count (${nClasses * c.perConcept})`,
      c.knnK,
    );
  }
  checkOneOf(c, "accuracyMode", ["auto", "teacherForced", "greedy"]);
  checkPositiveInt(c, "maxNewTokens");
  checkPositiveInt(c, "loraRank");
  checkNumber(c, "loraAlpha", { min: 0, exclusiveMin: true });
  checkNumber(c, "loraDropout", { min: 0, max: 0.9 });
  checkNumber(c, "loraFraction", { min: 0, max: 0.5, exclusiveMin: true });
  checkPositiveInt(c, "seed", { min: 0 });
  return c;
}

/** Runs a sub-config's validator, prefixing the field of any `ConfigError` with `section.`. */
function nested(section: string, check: () => unknown) {
  try {
    check();
  } catch (e) {
    if (e instanceof ConfigError) {
      const field = e.field.replace(/^(model|train)\./, "");
      throw new ConfigError(`${section}.${field}`, e.allowed, e.got);
    }
    throw e;
  }
}
