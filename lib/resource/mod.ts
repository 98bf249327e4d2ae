/**
 * Paper 3, "A Resource Model for Neural Scaling Law" (Song, Liu, Tegmark, Gore 2024): toy tasks,
 * sparse float64 MLPs trained with α·task_loss + λ·L1, neuron allocation, module analysis,
 * log-log fits, the Chinchilla link, and two comparisons beyond the paper (a no-penalty width
 * sweep and multitask sparse parity).
 *
 * @example
 * ```ts
 * import { runExperiment } from "./mod.ts";
 * const single = await runExperiment("single", { preset: "smoke" });
 * console.log(single.slope, single.slopeCi);
 * ```
 *
 * Imported as `toolkit/resource` (this folder's `mod.ts`), not from the root: the names are
 * short (`runExperiment`, `allocationOf`, `singleFigure`) because they live under that path.
 * Only what a user calls is exported here; the training loop's kernels (`backward`, `adamStep`,
 * `fastExp`, …) and the sweep's plumbing are imported from their files by the code that needs
 * them.
 *
 * @module
 */
export {
  type Activation,
  ACTIVATIONS,
  forward,
  type ForwardPass,
  initMlp,
  type Mlp,
  mlpFromTheta,
  type MlpShape,
} from "./sparse_mlp.ts";
export {
  sampleToyTask,
  type TargetName,
  TARGETS,
  TASK_KINDS,
  type ToyTask,
  toyTask,
  type ToyTaskData,
  type ToyTaskSpec,
} from "./toy_tasks.ts";
export {
  ALLOCATION_RULES,
  type AllocationConfig,
  DEFAULT_ALLOCATION,
  DEFAULT_RESOURCE_TRAIN,
  resolveAllocationConfig,
  resolveResourceTrainConfig,
  type ResourceTrainConfig,
} from "./config.ts";
export {
  mseOf,
  netOf,
  type ResourceCheckpoint,
  runData,
  type RunOutcome,
  trainRun,
} from "./train.ts";
export {
  type Allocation,
  allocationOf,
  type IntermediateNeurons,
  intermediateNeurons,
  type SubtaskAllocation,
  subtaskAllocationOf,
} from "./allocation.ts";
export {
  type ModuleAnalysis,
  moduleAnalysis,
  moduleSweep,
  type NeuronModule,
  pairNeurons,
} from "./modules.ts";
export { type SlopeEstimate, type SlopePoint, slopeWithCi } from "./fits.ts";
export { CHINCHILLA_ALPHA, type ChinchillaLink, chinchillaLink } from "./chinchilla_link.ts";
export {
  type Experiment,
  EXPERIMENTS,
  FIT_MIN_NEURONS,
  FOLLOW_UP_GRIDS,
  type FollowUpGrid,
  followUpSweep,
  PAPER_BETAS,
  type Preset,
  PRESETS,
  presetSweep,
} from "./presets.ts";
export { runSweep, type SweepConfig, sweepRunIds, sweepStored } from "./sweep.ts";
export {
  type ExperimentSummary,
  runNearAlpha,
  type RunRow,
  runRows,
  type Series,
  slopeTable,
  summariseExperiment,
} from "./summaries.ts";
export { type ExperimentOptions, runExperiment } from "./experiment.ts";
export {
  followsInverseN,
  type FollowUp,
  followUpComparisons,
  functionsAblationRows,
  parallelRatioRows,
  storedFollowUps,
} from "./follow_ups.ts";
export {
  DEFAULT_PARITY,
  type ParityConfig,
  type ParityResult,
  type ParityWidth,
  QUICK_PARITY,
  resolveParityConfig,
  runParity,
  SMOKE_PARITY,
} from "./sparse_parity.ts";
export { type PaperValues, paperValues } from "./paper_values.ts";
export { type ExperimentResults, paperComparisons, silentChoices } from "./paper_comparison.ts";
export {
  chinchillaFigure,
  functionsFigure,
  modulesFigure,
  parallelFigure,
  parityFigure,
  sequentialFigure,
  singleFigure,
  widthFigure,
} from "./figures.ts";
