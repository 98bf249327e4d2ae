/**
 * Named scales of the paper-2 analysis (one place): how hard the real-data fit works. The
 * frontier simulation is cheap (~15 ms) and always runs at the paper's settings.
 *
 * @module
 */
import { checkOneOf } from "../util/validate.ts";
import { type Approach3Grid, COARSE_APPROACH3_GRID, EPOCH_APPROACH3_GRID } from "./fit.ts";

/** What a preset sets. */
export interface ScalingPreset {
  /** L-BFGS starting grid of the Approach-3 fit. */
  grid: Readonly<Approach3Grid>;
  /** Bootstrap resamples. */
  bootstrapSamples: number;
  /** Starting points of each bootstrap refit. */
  bootstrapStarts: "warm" | "grid";
}

/**
 * `smoke`: seconds (tests, CI notebooks); `quick`: Epoch's full grid, 200 warm-started
 * resamples (~15 s on 2 cores; the default); `paper`: 1,000 resamples.
 *
 * @example
 * ```ts
 * import { envFlag } from "toolkit/util";
 *
 * const p = scalingPreset(envFlag("TOOLKIT_SMOKE", false) ? "smoke" : "quick");
 * ```
 */
export const SCALING_PRESETS: Readonly<Record<"smoke" | "quick" | "paper", ScalingPreset>> = Object
  .freeze({
    smoke: { grid: COARSE_APPROACH3_GRID, bootstrapSamples: 20, bootstrapStarts: "warm" },
    quick: { grid: EPOCH_APPROACH3_GRID, bootstrapSamples: 200, bootstrapStarts: "warm" },
    paper: { grid: EPOCH_APPROACH3_GRID, bootstrapSamples: 1000, bootstrapStarts: "warm" },
  });

/**
 * Looks a preset up by name, failing with the allowed names.
 *
 * @example
 * ```ts
 * scalingPreset("quick").bootstrapSamples; // 200
 * ```
 */
export function scalingPreset(name: string): ScalingPreset {
  checkOneOf({ preset: name }, "preset", Object.keys(SCALING_PRESETS));
  return SCALING_PRESETS[name as keyof typeof SCALING_PRESETS];
}
