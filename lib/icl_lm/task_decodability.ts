/**
 * Task decodability (TD) of the language-model part: leave-one-out k-NN (the one
 * implementation in `lib/probes/decodability.ts`) of the latent concept from the residual
 * stream at the last prompt token, per layer and per shot count; its best layer; and how well
 * TD predicts accuracy over (concept, shots) points (a least-squares line and its R²).
 *
 * Choices (the paper is silent): TD is computed separately for each shot count, among that
 * count's prompts; Null is one of the classes by default (`tdIncludesNull`), since the paper
 * reads "overlap with Null" off the same representations; the (concept, shots) points of the
 * R² leave Null out (its answers are random, its accuracy is chance by construction).
 *
 * @module
 */
import { decodabilityByLayer, type LayerDecodability } from "../probes/decodability.ts";
import { fitLine, hasTwoDistinct } from "../numeric/fit.ts";
import type { EncodedPrompt } from "./data.ts";
import { subsetAccuracy } from "./evaluate.ts";

/** TD at every layer (0 = embeddings … nLayers) for one shot count. */
export interface ShotDecodability {
  shots: number;
  byLayer: LayerDecodability[];
}

/**
 * TD per layer for each shot count, from last-token states (`states[layer]` is [n, d]).
 *
 * @example
 * ```ts
 * import type { ConceptTask } from "toolkit/data";
 * import type { EncodedPrompt, PromptRun } from "toolkit/icl-lm";
 *
 * declare const run: PromptRun, prompts: EncodedPrompt[], task: ConceptTask;
 * const td = taskDecodabilityByShots(run.states, prompts, { dim: 96, concepts: task.concepts });
 * td[0].byLayer[3].accuracy; // TD at layer 3 for the first shot count
 * ```
 */
export function taskDecodabilityByShots(
  states: readonly Float32Array[],
  prompts: readonly EncodedPrompt[],
  opts: { dim: number; concepts: readonly string[]; k?: number; includeNull?: boolean },
): ShotDecodability[] {
  const { dim } = opts;
  const nullIdx = opts.concepts.indexOf("Null");
  const shots = [...new Set(prompts.map((p) => p.shots))].sort((a, b) => a - b);
  return shots.map((k) => {
    const idx = prompts.flatMap((p, i) =>
      p.shots === k && (opts.includeNull !== false || p.conceptIndex !== nullIdx) ? [i] : []
    );
    const labels = idx.map((i) => prompts[i].conceptIndex);
    const layers = states.map((s) => {
      const out = new Float32Array(idx.length * dim);
      idx.forEach((i, r) => out.set(s.subarray(i * dim, (i + 1) * dim), r * dim));
      return out;
    });
    return {
      shots: k,
      byLayer: decodabilityByLayer(layers, labels, {
        dim,
        k: opts.k,
        nClasses: opts.concepts.length,
        firstLayer: 0,
      }),
    };
  });
}

/**
 * The layer (≥ 1) where TD averaged over shot counts peaks, and that average per layer.
 *
 * @example
 * ```ts
 * declare const td: ShotDecodability[];
 * const { layer, meanByLayer } = bestTdLayer(td);
 * ```
 */
export function bestTdLayer(
  td: readonly ShotDecodability[],
): { layer: number; meanByLayer: number[] } {
  const nL = td[0].byLayer.length;
  const meanByLayer = Array.from(
    { length: nL },
    (_, l) => td.reduce((s, t) => s + t.byLayer[l].accuracy, 0) / td.length,
  );
  let layer = 1;
  for (let l = 1; l < nL; l++) if (meanByLayer[l] > meanByLayer[layer]) layer = l;
  return { layer: nL > 1 ? layer : 0, meanByLayer };
}

/** One (concept, shots) point of the TD-vs-accuracy plot. */
export interface TdAccuracyPoint {
  concept: string;
  shots: number;
  /** Per-concept TD (k-NN recall of that concept) at the chosen layer. */
  td: number;
  /** Exact-match accuracy of the concept's prompts at that shot count. */
  accuracy: number;
}

/**
 * TD-vs-accuracy points at `layer`: one per concept (Null excluded) and shot count.
 *
 * @example
 * ```ts
 * import type { ConceptTask } from "toolkit/data";
 * import type { EncodedPrompt, PromptRun } from "toolkit/icl-lm";
 *
 * declare const td: ShotDecodability[], run: PromptRun, prompts: EncodedPrompt[];
 * declare const task: ConceptTask;
 * const pts = tdAccuracyPoints(td, run.correct, prompts, { layer: 3, concepts: task.concepts });
 * ```
 */
export function tdAccuracyPoints(
  td: readonly ShotDecodability[],
  correct: ArrayLike<number>,
  prompts: readonly EncodedPrompt[],
  opts: { layer: number; concepts: readonly string[] },
): TdAccuracyPoint[] {
  const out: TdAccuracyPoint[] = [];
  for (const t of td) {
    opts.concepts.forEach((concept, c) => {
      if (concept === "Null") return;
      const idx = prompts.flatMap((
        p,
        i,
      ) => (p.shots === t.shots && p.conceptIndex === c ? [i] : []));
      out.push({
        concept,
        shots: t.shots,
        td: t.byLayer[opts.layer].perConcept[c],
        accuracy: subsetAccuracy(correct, idx),
      });
    });
  }
  return out;
}

/**
 * Least-squares line accuracy = intercept + slope·TD over points, with its R² (NaN when TD or
 * accuracy does not vary).
 *
 * @example
 * ```ts
 * tdAccuracyFit([{ td: 0, accuracy: 0 }, { td: 1, accuracy: 1 }, { td: 0.5, accuracy: 0.5 }]).r2; // 1
 * ```
 */
export function tdAccuracyFit(
  points: readonly Pick<TdAccuracyPoint, "td" | "accuracy">[],
): { slope: number; intercept: number; r2: number; n: number } {
  const ok = points.filter((p) => Number.isFinite(p.td) && Number.isFinite(p.accuracy));
  const td = ok.map((p) => p.td);
  if (!hasTwoDistinct(td)) return { slope: NaN, intercept: NaN, r2: NaN, n: ok.length };
  return fitLine(td, ok.map((p) => p.accuracy));
}
