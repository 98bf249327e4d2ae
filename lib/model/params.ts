import type { Params } from "./transformer.ts";

/** Parameter counts of a model, total and without embeddings (Kaplan's N vs Chinchilla's). */
export interface ParamCounts {
  total: number;
  /** Token and position embeddings, and the regression read-in/read-out. */
  embedding: number;
  /** total − embedding (Kaplan et al.'s N). */
  nonEmbedding: number;
  /** Per-parameter sizes. */
  byName: Record<string, number>;
}

const EMBEDDING = /^(wte|wpe|lmHead\.w|readIn\.[wb]|readOut\.[wb])$/;

/**
 * Counts a model's parameters. Embeddings (token `wte`, position `wpe`, an untied `lmHead`, and
 * the regression read-in/out) are separated so both Kaplan's non-embedding N and Chinchilla's
 * total N can be reported. A tied unembedding is counted once.
 *
 * @example
 * ```ts
 * import { LanguageModel } from "toolkit";
 *
 * const model = new LanguageModel({ nLayers: 2 });
 * const { total, nonEmbedding } = countParams(model.params);
 * ```
 */
export function countParams(params: Params): ParamCounts {
  const byName: Record<string, number> = {};
  let total = 0, embedding = 0;
  for (const [name, v] of Object.entries(params)) {
    byName[name] = v.size;
    total += v.size;
    if (EMBEDDING.test(name)) embedding += v.size;
  }
  return { total, embedding, nonEmbedding: total - embedding, byName };
}
