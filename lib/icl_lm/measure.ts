/**
 * One task's measurements on one model: greedy exact-match accuracy per concept and shot
 * count, TD per layer and shot count, the TD layer, and the TD-vs-accuracy fit — from a single
 * pass over the evaluation prompts (states captured at the last prompt token).
 *
 * @module
 */
import type { CausalLm } from "../model/causal_lm.ts";
import type { Adapter } from "../model/transformer.ts";
import type { IclLmTaskName } from "./config.ts";
import type { EncodedPrompt } from "./data.ts";
import { type PromptRun, runPrompts, subsetAccuracy } from "./evaluate.ts";
import {
  bestTdLayer,
  type ShotDecodability,
  taskDecodabilityByShots,
  tdAccuracyFit,
  type TdAccuracyPoint,
  tdAccuracyPoints,
} from "./task_decodability.ts";

/** A task's measurements (JSON-able: what the results DB stores). */
export interface TaskMeasurement {
  task: IclLmTaskName;
  concepts: string[];
  /** Accuracy per (concept, shots), Null included. */
  accuracy: { concept: string; shots: number; accuracy: number }[];
  /** Accuracy per concept, averaged over shot counts. */
  accuracyPerConcept: Record<string, number>;
  /** Mean accuracy over the non-Null concepts and shot counts. */
  accuracyMean: number;
  /** TD per shot count and layer (overall and per concept). */
  td: { shots: number; layer: number; accuracy: number; perConcept: number[] }[];
  /** TD averaged over shot counts, per layer 0 … nLayers. */
  tdMeanByLayer: number[];
  /** The layer where that average peaks (or the one given). */
  tdLayer: number;
  /** TD at `tdLayer` averaged over shot counts. */
  tdAtLayer: number;
  /** Per-concept TD at `tdLayer`, averaged over shot counts. */
  tdPerConcept: Record<string, number>;
  /** TD at `tdLayer` vs accuracy, per (concept ≠ Null, shots), and the fitted line. */
  points: TdAccuracyPoint[];
  fit: { slope: number; intercept: number; r2: number; n: number };
}

/** Options of {@link measureTask}. */
export interface MeasureOptions {
  mode?: "teacherForced" | "greedy";
  decode?: (ids: number[]) => string;
  tokensPerBatch?: number;
  maxNew?: number;
  /** k of the k-NN. Default 10. */
  k?: number;
  /** Null as a k-NN class. Default true. */
  includeNull?: boolean;
  /** Evaluate TD at this layer instead of the best one (e.g. the base model's, after finetuning). */
  tdLayer?: number;
  adapters?: Map<string, Adapter>;
}

/** One task's evaluation prompts, with the task's name and its concepts (the prompts' classes). */
export interface EvalSet {
  task: IclLmTaskName;
  concepts: readonly string[];
  prompts: readonly EncodedPrompt[];
}

/**
 * Measures one task on a model from its evaluation prompts.
 *
 * @example
 * ```ts
 * import type { CausalLm } from "toolkit";
 * import type { ConceptTask } from "toolkit/data";
 * import type { EncodedPrompt } from "toolkit/icl-lm";
 *
 * declare const model: CausalLm, task: ConceptTask, prompts: EncodedPrompt[];
 * const { measurement } = await measureTask(model, {
 *   task: "bitwise",
 *   concepts: task.concepts,
 *   prompts,
 * });
 * console.log(measurement.tdLayer, measurement.fit.r2, measurement.accuracyPerConcept);
 * ```
 */
export async function measureTask(
  model: CausalLm,
  set: EvalSet,
  opts: MeasureOptions = {},
): Promise<{ measurement: TaskMeasurement; run: PromptRun }> {
  const { concepts, prompts } = set;
  const run = await runPrompts(model, prompts, {
    mode: opts.mode,
    decode: opts.decode,
    capture: true,
    tokensPerBatch: opts.tokensPerBatch,
    maxNew: opts.maxNew,
    adapters: opts.adapters,
  });
  const td = taskDecodabilityByShots(run.states, prompts, {
    dim: model.config.dModel,
    concepts,
    k: opts.k,
    includeNull: opts.includeNull,
  });
  return {
    measurement: summarizeMeasurement(set, { correct: run.correct, td }, { layer: opts.tdLayer }),
    run,
  };
}

/**
 * The JSON summary of a task's accuracy and TD (see {@link TaskMeasurement}).
 *
 * @example
 * ```ts
 * import type { EncodedPrompt, PromptRun, ShotDecodability } from "toolkit/icl-lm";
 *
 * declare const concepts: string[], prompts: EncodedPrompt[];
 * declare const run: PromptRun, td: ShotDecodability[];
 * const m = summarizeMeasurement({ task: "pos", concepts, prompts }, { correct: run.correct, td });
 * ```
 */
export function summarizeMeasurement(
  set: EvalSet,
  results: { correct: ArrayLike<number>; td: readonly ShotDecodability[] },
  opts: { layer?: number } = {},
): TaskMeasurement {
  const { task, concepts, prompts } = set;
  const { correct, td } = results;
  const fixedLayer = opts.layer;
  const shots = td.map((t) => t.shots);
  const accuracy = concepts.flatMap((concept, c) =>
    shots.map((k) => ({
      concept,
      shots: k,
      accuracy: subsetAccuracy(
        correct,
        prompts.flatMap((p, i) => (p.conceptIndex === c && p.shots === k ? [i] : [])),
      ),
    }))
  );
  const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
  const accuracyPerConcept = Object.fromEntries(
    concepts.map((c) => [c, mean(accuracy.filter((a) => a.concept === c).map((a) => a.accuracy))]),
  );
  const best = bestTdLayer(td);
  const tdLayer = fixedLayer ?? best.layer;
  const points = tdAccuracyPoints(td, correct, prompts, { layer: tdLayer, concepts });
  return {
    task,
    concepts: [...concepts],
    accuracy,
    accuracyPerConcept,
    accuracyMean: mean(accuracy.filter((a) => a.concept !== "Null").map((a) => a.accuracy)),
    td: td.flatMap((t) =>
      t.byLayer.map((r) => ({
        shots: t.shots,
        layer: r.layer,
        accuracy: r.accuracy,
        perConcept: r.perConcept,
      }))
    ),
    tdMeanByLayer: best.meanByLayer,
    tdLayer,
    tdAtLayer: best.meanByLayer[tdLayer],
    tdPerConcept: Object.fromEntries(
      concepts.map((c, ci) => [c, mean(td.map((t) => t.byLayer[tdLayer].perConcept[ci]))]),
    ),
    points,
    fit: tdAccuracyFit(points),
  };
}
