/**
 * Mean-vector interventions of paper 1's language-model part: at the TD layer, the residual
 * stream at the query's last token is *replaced* by the mean of that state over prompts of the
 * correct concept (positive) or of Null (negative), and greedy accuracy is measured again.
 * Paper (Llama-3.1-8B): well-separated concepts +14% / −15%, overlapping ones +2% / −6%.
 *
 * Choices (the paper is silent): means are taken per shot count over the evaluation prompts
 * themselves (each prompt is 1/n of its own mean); concepts are "well separated" when their
 * TD at the layer is at least the median over the task's concepts (Null excluded).
 *
 * @module
 */
import { tf } from "../deps.ts";
import { conceptMeans } from "../interventions/patching.ts";
import type { CausalLm } from "../model/causal_lm.ts";
import type { PatchHook } from "../model/hooks.ts";
import { median } from "../numeric/stats.ts";
import { ConfigError } from "../util/validate.ts";
import type { EncodedPrompt } from "./data.ts";
import { type PromptRun, runPrompts, subsetAccuracy } from "./evaluate.ts";

/** Effect of the interventions on one concept (accuracies over its prompts, all shot counts). */
export interface ConceptIntervention {
  concept: string;
  /** Per-concept TD at the layer (for the grouping). */
  td: number;
  /** Accuracy without intervention. */
  base: number;
  /** With the correct concept's mean. */
  positive: number;
  /** With Null's mean. */
  negative: number;
  wellSeparated: boolean;
}

/** A task's intervention results. */
export interface InterventionResult {
  layer: number;
  perConcept: ConceptIntervention[];
  /** Mean accuracy change (positive − base, negative − base) per group. */
  wellSeparated: { positive: number; negative: number; concepts: string[] };
  overlapping: { positive: number; negative: number; concepts: string[] };
}

/**
 * The hook that replaces the residual stream after `layer` at each sequence's last prompt
 * position with that sequence's vector (`vectors[b]`, length d). Dispose its `vector` after use.
 *
 * @example
 * ```ts
 * import type { CausalLm, tf } from "toolkit";
 *
 * declare const model: CausalLm, ids: tf.Tensor2D; // two prompts [2, T]
 * declare const meanNoun: Float32Array; // the mean state of the Noun concept at layer 3
 * const hook = lastTokenPatch(3, [meanNoun, meanNoun], [17, 20]);
 * model.forward(ids, { hooks: { patch: [hook] } });
 * hook.vector.dispose();
 * ```
 */
export function lastTokenPatch(
  layer: number,
  vectors: readonly Float32Array[],
  lastPositions: number[],
): PatchHook {
  const B = vectors.length, d = vectors[0]?.length ?? 0;
  if (lastPositions.length !== B) {
    throw new ConfigError("lastPositions", `${B} positions (one per vector)`, lastPositions.length);
  }
  const v = new Float32Array(B * d);
  vectors.forEach((x, b) => v.set(x, b * d));
  return {
    layer,
    positions: { perExample: lastPositions },
    mode: "replace",
    vector: tf.tensor2d(v, [B, d]),
  };
}

/**
 * Runs the positive and negative interventions at `layer`, given the unpatched run (its
 * correctness and captured states) of the same prompts.
 *
 * @example
 * ```ts
 * import type { CausalLm } from "toolkit";
 * import { type EncodedPrompt, measureTask } from "toolkit/icl-lm";
 *
 * declare const model: CausalLm, concepts: string[], prompts: EncodedPrompt[];
 * const { measurement, run } = await measureTask(model, { task: "pos", concepts, prompts });
 * const iv = await meanInterventions(model, prompts, run, { layer: measurement.tdLayer, concepts, tdPerConcept: measurement.tdPerConcept });
 * ```
 */
export async function meanInterventions(
  model: CausalLm,
  prompts: readonly EncodedPrompt[],
  base: PromptRun,
  opts: {
    layer: number;
    concepts: readonly string[];
    tdPerConcept: Record<string, number>;
    mode?: "teacherForced" | "greedy";
    decode?: (ids: number[]) => string;
    tokensPerBatch?: number;
    maxNew?: number;
  },
): Promise<InterventionResult> {
  const d = model.config.dModel, nC = opts.concepts.length, nullIdx = opts.concepts.indexOf("Null");
  if (nullIdx < 0) throw new Error("meanInterventions needs the Null concept among the prompts");
  const states = base.states[opts.layer];
  if (!states) throw new Error(`meanInterventions: no states captured at layer ${opts.layer}`);
  // per shot count: concept means of the last-token state
  const means = new Map<number, Float32Array[]>();
  for (const k of new Set(prompts.map((p) => p.shots))) {
    const idx = prompts.flatMap((p, i) => (p.shots === k ? [i] : []));
    const sub = new Float32Array(idx.length * d);
    idx.forEach((i, r) => sub.set(states.subarray(i * d, (i + 1) * d), r * d));
    const m = conceptMeans(sub, idx.map((i) => prompts[i].conceptIndex), {
      layer: opts.layer,
      positions: [0],
      nConcepts: nC,
      dModel: d,
    });
    means.set(k, m.means.map((perPos) => perPos[0]));
  }
  const targets = prompts.flatMap((p, i) => (p.conceptIndex !== nullIdx ? [i] : []));
  const subset = targets.map((i) => prompts[i]);
  const patched = (target: (p: EncodedPrompt) => number) =>
    runPrompts(model, subset, {
      mode: opts.mode,
      decode: opts.decode,
      tokensPerBatch: opts.tokensPerBatch,
      maxNew: opts.maxNew,
      patch: (rows, last) => [lastTokenPatch(
        opts.layer,
        rows.map((r) => means.get(subset[r].shots)![target(subset[r])]),
        last,
      )],
    });
  const pos = await patched((p) => p.conceptIndex);
  const neg = await patched(() => nullIdx);
  const real = opts.concepts.filter((c) => c !== "Null");
  const tdMedian = median(real.map((c) => opts.tdPerConcept[c]));
  const perConcept: ConceptIntervention[] = real.map((concept) => {
    const c = opts.concepts.indexOf(concept);
    const inSubset = subset.flatMap((p, j) => (p.conceptIndex === c ? [j] : []));
    return {
      concept,
      td: opts.tdPerConcept[concept],
      base: subsetAccuracy(base.correct, inSubset.map((j) => targets[j])),
      positive: subsetAccuracy(pos.correct, inSubset),
      negative: subsetAccuracy(neg.correct, inSubset),
      wellSeparated: opts.tdPerConcept[concept] >= tdMedian,
    };
  });
  const group = (well: boolean) => {
    const g = perConcept.filter((r) => r.wellSeparated === well);
    const avg = (f: (r: ConceptIntervention) => number) =>
      g.length ? g.reduce((s, r) => s + f(r), 0) / g.length : NaN;
    return {
      positive: avg((r) => r.positive - r.base),
      negative: avg((r) => r.negative - r.base),
      concepts: g.map((r) => r.concept),
    };
  };
  return { layer: opts.layer, perConcept, wellSeparated: group(true), overlapping: group(false) };
}
