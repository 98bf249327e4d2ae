/**
 * The interface every causal language model of the toolkit implements (the GPT-2-style
 * `LanguageModel` and the Llama-family `LlamaModel`), so probes, interventions and LoRA take
 * either.
 *
 * @module
 */
import type { tf } from "../deps.ts";
import type { HookResults } from "./hooks.ts";
import type { Params, StackOptions } from "./transformer.ts";

/**
 * What the probes, interventions and LoRA need from a causal LM: named parameters, its shape,
 * a hooked forward pass (logits [B·T, V]) and a masked next-token loss. {@link LanguageModel}
 * and {@link LlamaModel} both are one.
 *
 * @example
 * ```ts
 * import { LanguageModel, tf } from "toolkit";
 *
 * const lm: CausalLm = new LanguageModel({ nLayers: 2 });
 * const { logits } = lm.forward(tf.tensor2d([[1, 2, 3]], [1, 3], "int32"));
 * ```
 */
export interface CausalLm {
  readonly config: {
    nLayers: number;
    dModel: number;
    nHeads: number;
    vocabSize: number;
    maxLen: number;
  };
  readonly params: Params;
  forward(ids: tf.Tensor2D, opts?: StackOptions): { logits: tf.Tensor2D; results: HookResults };
  loss(
    windows: Int32Array,
    batch: number,
    opts?: StackOptions & { mask?: Float32Array },
  ): tf.Scalar;
  dispose(): void;
}
