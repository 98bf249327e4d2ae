/**
 * The small causal LM trained here on the task prompts — our stand-in for the paper's
 * pretrained Llama, so the whole pipeline runs end to end on a CPU.
 *
 * Data: a mixture of POS and bitwise prompts (alternating steps), every concept incl. Null,
 * 1 … 10 shots, fresh prompts each step (train split only). Loss (config `lossOn`, default
 * `outputs`): every demonstration's output and the query's answer with their newlines — each
 * line is an in-context prediction from the lines before it, so one prompt of k shots trains
 * 0 … k-shot inference; the inputs (random bits, sentences) carry no loss.
 *
 * @module
 */
import { type LanguageModelConfig, languageModelConfig } from "../model/config.ts";
import type { CausalLm } from "../model/causal_lm.ts";
import { type LlamaConfig, LlamaModel } from "../model/llama.ts";
import { LanguageModel } from "../model/language_model.ts";
import type { ResultsStore } from "../store/results.ts";
import type { TextTokenizer } from "../text/tokenizer.ts";
import { train, type TrainResult } from "../train/trainer.ts";
import type { IclLmConfig } from "./config.ts";
import {
  encodeEvalPrompts,
  type IclLmTasks,
  loadIclLmTasks,
  promptBatch,
  taskTokenizer,
} from "./data.ts";
import { runPrompts } from "./evaluate.ts";

/** A trained task LM with what it was trained on. */
export interface TaskLm {
  model: CausalLm;
  tokenizer: TextTokenizer;
  tasks: IclLmTasks;
  train: TrainResult;
}

/**
 * The LM's config: the experiment's `model` with the tokenizer's vocabulary size.
 *
 * @example
 * ```ts
 * import { iclLmConfig } from "toolkit/icl-lm";
 * import { ByteTokenizer } from "toolkit/text";
 *
 * const cfg = iclLmConfig("smoke");
 * const mc = taskLmModelConfig(cfg, new ByteTokenizer()); // vocabSize 256
 * ```
 */
export function taskLmModelConfig(
  cfg: IclLmConfig,
  tok: TextTokenizer,
): Partial<LanguageModelConfig> {
  return { ...cfg.model, vocabSize: tok.vocabSize };
}

/**
 * The Llama-style shape of the same size: rotary positions, RMSNorm (eps 1e-5), SwiGLU with
 * hidden width ⅔·mlpRatio·d (the parameter count of a GELU MLP of mlpRatio·d), tied embeddings.
 *
 * @example
 * ```ts
 * taskLlamaConfig({ nLayers: 6, dModel: 96, nHeads: 4, maxLen: 1024, vocabSize: 256 }).ffnDim; // 256
 * ```
 */
export function taskLlamaConfig(model: Partial<LanguageModelConfig>): LlamaConfig {
  const m = languageModelConfig(model);
  return {
    vocabSize: m.vocabSize,
    dModel: m.dModel,
    nLayers: m.nLayers,
    nHeads: m.nHeads,
    nKvHeads: m.nHeads,
    headDim: m.dModel / m.nHeads,
    ffnDim: Math.round((m.mlpRatio * m.dModel * 2) / 3),
    maxLen: m.maxLen,
    rmsEps: 1e-5,
    ropeTheta: 10000,
    ropeScaling: null,
    tieEmbeddings: true,
    act: "silu",
    normOffset: 0,
    embedScale: 1,
    qkvBias: false,
  };
}

/**
 * Trains (or resumes, or reloads when finished) the task LM. With `checkpointPath`, a killed
 * run resumes exactly where it stopped; metrics go to `store` under `runId`. When the config's
 * `train.evalEvery` is set, a small accuracy per task is logged, on held-out queries (`acc_pos`,
 * `acc_bitwise`) and on training-split queries (`acc_train_pos`, `acc_train_bitwise`).
 *
 * @example
 * ```ts
 * import { iclLmConfig } from "toolkit/icl-lm";
 *
 * const { model, tokenizer } = await trainTaskLm(iclLmConfig("smoke"), { checkpointPath: "results/ckpt/lm.safetensors" });
 * ```
 */
export async function trainTaskLm(
  cfg: IclLmConfig,
  opts: {
    tasks?: IclLmTasks;
    store?: ResultsStore;
    runId?: string;
    checkpointPath?: string;
    progress?: boolean;
    stopAfter?: number;
    /** Wall-clock deadline (`Date.now()` ms): training pauses (checkpointed) at the first logging step past it. */
    deadline?: number;
  } = {},
): Promise<TaskLm> {
  const tasks = opts.tasks ?? await loadIclLmTasks(cfg);
  const tokenizer = taskTokenizer(cfg.tokenizer, tasks);
  const shape = taskLmModelConfig(cfg, tokenizer);
  const model: CausalLm = cfg.architecture === "llama"
    ? new LlamaModel(taskLlamaConfig(shape), { seed: cfg.seed, initStd: shape.initStd })
    : new LanguageModel(shape, { seed: cfg.seed });
  // Held-out queries (acc_pos, …) and training-split queries (acc_train_pos, …): a model that
  // gets the second but not the first has learned the task on words it saw, not to generalise.
  const probes = (["test", "train"] as const).map((split) => ({
    prefix: split === "test" ? "acc_" : "acc_train_",
    prompts: [...tasks].flatMap(([name, task]) =>
      encodeEvalPrompts(name, task, tokenizer, {
        shots: cfg.evalShots,
        perConcept: 4,
        seed: cfg.seed + 7,
        split,
      })
    ),
  }));
  const evaluate = async () => {
    const out: Record<string, number> = {};
    for (const { prefix, prompts } of probes) {
      const run = await runPrompts(model, prompts, { tokensPerBatch: cfg.evalTokensPerBatch });
      for (const name of tasks.keys()) {
        const idx = prompts.flatMap((p, i) => (p.task === name ? [i] : []));
        out[`${prefix}${name}`] = idx.reduce((s, i) => s + run.correct[i], 0) / idx.length;
      }
    }
    return out;
  };
  const result = await train(model, cfg.train, {
    batch: (step) =>
      promptBatch(tasks, tokenizer, step, {
        tokensPerStep: cfg.tokensPerStep,
        shots: cfg.trainShots,
        lossOn: cfg.lossOn,
        maxLen: model.config.maxLen,
        seed: cfg.seed,
      }),
    loss: (b) => model.loss(b.windows, b.batch, { mask: b.mask }),
    evaluate: (cfg.train.evalEvery ?? 0) > 0 ? evaluate : undefined,
    store: opts.store,
    runId: opts.runId,
    checkpointPath: opts.checkpointPath,
    progress: opts.progress,
    stopAfter: opts.stopAfter,
    deadline: opts.deadline,
    label: "icl-lm",
  });
  return { model, tokenizer, tasks, train: result };
}
