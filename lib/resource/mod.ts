/**
 * Paper 3, "A Resource Model for Neural Scaling Law" (Song, Liu, Tegmark, Gore 2024): toy tasks,
 * sparse float64 MLPs trained with α·task_loss + λ·L1, neuron allocation, module analysis,
 * log-log fits, the Chinchilla link, and two comparisons beyond the paper (a no-penalty width
 * sweep and multitask sparse parity).
 *
 * @example
 * ```ts
 * import { runResourceExperiment } from "./mod.ts";
 * const single = await runResourceExperiment("single", { preset: "smoke" });
 * console.log(single.slope, single.slopeCi);
 * ```
 *
 * @module
 */
export * from "./sparse_mlp.ts";
export * from "./toy_tasks.ts";
export * from "./config.ts";
export * from "./train.ts";
export * from "./allocation.ts";
export * from "./modules.ts";
export * from "./fits.ts";
export * from "./chinchilla_link.ts";
export * from "./presets.ts";
export * from "./sweep.ts";
export * from "./summaries.ts";
export * from "./experiment.ts";
export * from "./sparse_parity.ts";
export * from "./paper_values.ts";
export * from "./paper_comparison.ts";
export * from "./figures.ts";
