/**
 * LoRA finetuning of the first vs the last third of a model's layers on the task prompts, loss
 * on answer tokens only (paper 1, Table 1: rank 16, alpha 16, dropout 0.1; first 10 vs last 10
 * of Llama-3.1-8B's 32 layers). Only the adapters train (`train()`'s `trainable`); the base
 * weights stay as they are, so both arms start from the same model.
 *
 * Choice (the paper is silent): one adapter set per arm is trained on the mixture of the
 * configured tasks (alternating steps), with fresh train-split prompts of 1 … 10 shots.
 *
 * @module
 */
import {
  attachLora,
  disposeLora,
  type Lora,
  loraLayerRange,
  loraTrainable,
} from "../interventions/lora.ts";
import type { CausalLm } from "../model/causal_lm.ts";
import type { ResultsStore } from "../store/results.ts";
import { train, type TrainResult } from "../train/trainer.ts";
import { Rng } from "../util/rng.ts";
import type { IclLmConfig } from "./config.ts";
import { type IclLmTasks, promptBatch } from "./data.ts";

/** A finetuned arm: its adapters (attach them with `forward(…, { adapters })`) and training record. */
export interface LoraArm {
  which: "first" | "last";
  layers: number[];
  lora: Lora;
  train: TrainResult;
}

/**
 * Attaches LoRA to the first or last `cfg.loraFraction` of the layers and trains only the
 * adapters. With `checkpointPath`, a killed run resumes (and a finished one reloads).
 *
 * @example
 * ```ts
 * import type { CausalLm } from "toolkit";
 * import { type EncodedPrompt, type IclLmConfig, type IclLmTasks, measureTask } from "toolkit/icl-lm";
 * import type { TextTokenizer } from "toolkit/text";
 *
 * declare const model: CausalLm, tasks: IclLmTasks, tokenizer: TextTokenizer, cfg: IclLmConfig;
 * declare const concepts: string[], prompts: EncodedPrompt[]; // the POS task's, encoded
 * const arm = await loraFinetune(model, tasks, tokenizer, cfg, "first");
 * await measureTask(model, { task: "pos", concepts, prompts }, { adapters: arm.lora.adapters });
 * ```
 */
export async function loraFinetune(
  model: CausalLm,
  tasks: IclLmTasks,
  tok: { encode(text: string): number[] },
  cfg: IclLmConfig,
  which: "first" | "last",
  opts: { store?: ResultsStore; runId?: string; checkpointPath?: string; progress?: boolean } = {},
): Promise<LoraArm> {
  const layers = loraLayerRange(model.config.nLayers, which, cfg.loraFraction);
  const lora = attachLora(model.params, {
    rank: cfg.loraRank,
    alpha: cfg.loraAlpha,
    dropout: cfg.loraDropout,
    layers,
    seed: cfg.seed,
  });
  const { target, names } = loraTrainable(model, lora);
  try {
    const result = await train(target, cfg.finetune, {
      trainable: names,
      batch: (step) => ({
        step,
        ...promptBatch(tasks, tok, step, {
          tokensPerStep: cfg.finetuneTokensPerStep,
          shots: cfg.trainShots,
          lossOn: "answer",
          maxLen: model.config.maxLen,
          seed: cfg.seed + 1000,
        }),
      }),
      loss: (b) =>
        model.loss(b.windows, b.batch, {
          mask: b.mask,
          adapters: lora.adapters,
          training: true,
          rng: new Rng(`lora-dropout:${cfg.seed}:${which}:${b.step}`),
        }),
      store: opts.store,
      runId: opts.runId,
      checkpointPath: opts.checkpointPath,
      progress: opts.progress,
      label: `lora-${which}`,
    });
    return { which, layers, lora, train: result };
  } catch (e) {
    disposeLora(lora);
    throw e;
  }
}
