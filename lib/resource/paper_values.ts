/**
 * The paper's numbers, digitised from its figures (fixture `resource_paper_values.json`, which
 * records the source), for overlays labelled as the paper's and for "ours vs paper" rows.
 *
 * @module
 */
import { readFixture } from "../util/csv.ts";

/** The digitised values (see the fixture for units and notes). */
export interface PaperValues {
  source: string;
  single: {
    alphas: number[];
    neurons: number[];
    mse: number[];
    slope_claimed: number;
    note: string;
  };
  single_numpy_calibration: { alphas: number[]; neurons: number[]; note: string };
  parallel: {
    betas: number[];
    alphas: number[];
    neuron_ratio: number[];
    slope_claimed: number;
    note: string;
  };
  sequential: {
    alphas: number[];
    neurons_first: number;
    neurons_last: number;
    mse_first: number;
    mse_last: number;
    slope_claimed: number;
    slope_min_neurons: number;
    g_correlation: number;
    note: string;
  };
  functions: { targets: string[]; depths: number[]; slope_claimed: number; depth1_fails: string[] };
  chinchilla: {
    width_slope: number;
    width_depth_slope: number;
    idealised: number;
    chinchilla_alpha: number;
  };
}

let cached: PaperValues | undefined;

/**
 * Loads the paper's digitised values (cached after the first call).
 *
 * @example
 * ```ts
 * const paper = await paperValues();
 * console.log(paper.single.neurons); // [2, 2, 2, 4, 6, 8, 12, 20, 34, 56]
 * ```
 */
export async function paperValues(): Promise<PaperValues> {
  cached ??= JSON.parse(await readFixture("resource_paper_values.json")) as PaperValues;
  return cached;
}
