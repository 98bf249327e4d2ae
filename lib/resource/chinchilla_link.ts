/**
 * The resource model's link to Chinchilla: if loss ∝ 1/(neurons) and the neurons that count are
 * the width (d_model), the loss exponent in parameters is the log-log slope of d_model against
 * parameters over Chinchilla's 50 model shapes; if they are width·depth, the slope of
 * d_model·n_layers. The paper's idealisation (depth ∝ width, params ∝ width³) gives 1/3;
 * Chinchilla measured 0.34.
 *
 * @module
 */
import { numericColumns, parseCsv, readFixture } from "../util/csv.ts";
import { fitLogLog } from "../numeric/fit.ts";

/** Chinchilla's fitted parameter exponent α (Hoffmann et al. 2022, Approach 3). */
export const CHINCHILLA_ALPHA = 0.34;

/** The slopes and the loss exponents they imply. */
export interface ChinchillaLink {
  models: number;
  /** d log d_model / d log N_params. */
  widthSlope: number;
  /** d log (d_model·n_layers) / d log N_params. */
  widthDepthSlope: number;
  /** Implied loss exponents: ℓ ∝ N_p^−widthSlope (neurons = width), ℓ ∝ N_p^−widthDepthSlope. */
  impliedFromWidth: number;
  impliedFromWidthDepth: number;
  /** The idealised 1/3 and Chinchilla's 0.34. */
  idealised: number;
  chinchilla: number;
  /** One row per model, for plotting: params, d_model, n_layers. */
  rows: { params: number; d_model: number; n_layers: number; width_depth: number }[];
}

/**
 * Computes the width and width·depth slopes on a Chinchilla shapes CSV (default: the
 * `chinchilla_models.csv` fixture, Table A9 of Hoffmann et al. 2022).
 *
 * @example
 * ```ts
 * const link = await chinchillaLink();
 * console.log(link.widthSlope, link.widthDepthSlope); // ≈ 0.394, 0.664
 * ```
 */
export async function chinchillaLink(
  opts: { csv?: string } = {},
): Promise<ChinchillaLink> {
  const text = opts.csv ?? await readFixture("chinchilla_models.csv");
  const c = numericColumns(parseCsv(text), ["params", "d_model", "n_layers"], { positive: true });
  const wd = c.d_model.map((d, i) => d * c.n_layers[i]);
  const widthSlope = fitLogLog(c.params, c.d_model).slope;
  const widthDepthSlope = fitLogLog(c.params, wd).slope;
  return {
    models: c.params.length,
    widthSlope,
    widthDepthSlope,
    impliedFromWidth: widthSlope,
    impliedFromWidthDepth: widthDepthSlope,
    idealised: 1 / 3,
    chinchilla: CHINCHILLA_ALPHA,
    rows: c.params.map((p, i) => ({
      params: p,
      d_model: c.d_model[i],
      n_layers: c.n_layers[i],
      width_depth: wd[i],
    })),
  };
}
