/**
 * Fitting ω in N_T = N_\E + ω·N_\E^k to Chinchilla's 50 model shapes (Hoffmann et al. Table A9),
 * as Pearce & Song do: least squares on log N_T, with k free (ω ≈ 47,491, k ≈ 0.339) or fixed
 * at 1/3 (ω ≈ 52,960).
 *
 * @module
 */
import { numericColumns, parseCsv, readFixture } from "../util/csv.ts";
import { ConfigError } from "../util/validate.ts";
import { minimizeLbfgs } from "../numeric/lbfgs.ts";

/** One Chinchilla model shape with its parameter counts. */
export interface ChinchillaModelShape {
  /** Total parameters N_T as listed. */
  params: number;
  dModel: number;
  layers: number;
  /** N_\E = params − vocab·d_model. */
  nonEmbedding: number;
}

/**
 * Which value to use for the d_model 4992 / 49-layer row: "table" = 14,940M (Hoffmann et al.'s
 * Table A9 and our fixture; 12·L·d² + 32000·d ≈ 14.8B supports it), "authors" = 14,494M (the
 * list in Pearce & Song's analysis).
 */
export type Row14b = "table" | "authors";

/**
 * Loads the 50 Chinchilla shapes from `fixtures/chinchilla_models.csv`; N_\E = params − vocab·d.
 *
 * @example
 * ```ts
 * const shapes = await loadChinchillaModelShapes(); // 50 rows, the 14,940M row as in the table
 * ```
 */
export async function loadChinchillaModelShapes(
  opts: { row14b?: Row14b; vocab?: number } = {},
): Promise<ChinchillaModelShape[]> {
  const row14b = opts.row14b ?? "table", vocab = opts.vocab ?? 32000;
  if (row14b !== "table" && row14b !== "authors") {
    throw new ConfigError("row14b", '"table", "authors"', row14b);
  }
  const cols = numericColumns(parseCsv(await readFixture("chinchilla_models.csv")), [
    "params",
    "d_model",
    "n_layers",
  ], { positive: true });
  return cols.params.map((p, i) => {
    const params = row14b === "authors" && p === 14_940_000_000 && cols.d_model[i] === 4992
      ? 14_494_000_000
      : p;
    return {
      params,
      dModel: cols.d_model[i],
      layers: cols.n_layers[i],
      nonEmbedding: params - vocab * cols.d_model[i],
    };
  });
}

/** Result of {@link fitOmega}. */
export interface OmegaFit {
  omega: number;
  exponent: number;
  /** Root-mean-square residual of log N_T. */
  rmsLog: number;
}

/**
 * Fits N_T = N_\E + ω·N_\E^k by least squares on log N_T (L-BFGS on (log ω, k)). Pass
 * `exponent` to hold k fixed (e.g. 1/3).
 *
 * @example
 * ```ts
 * const shapes = await loadChinchillaModelShapes({ row14b: "authors" });
 * fitOmega(shapes);                    // { omega ≈ 47,491, exponent ≈ 0.339 }
 * fitOmega(shapes, { exponent: 1 / 3 }); // { omega ≈ 52,960 }
 * ```
 */
export function fitOmega(
  shapes: { params: number; nonEmbedding: number }[],
  opts: { exponent?: number } = {},
): OmegaFit {
  if (shapes.length < 2) throw new ConfigError("shapes", "at least 2 model shapes", shapes.length);
  for (const [i, s] of shapes.entries()) {
    if (!(s.nonEmbedding > 0 && s.params > s.nonEmbedding)) {
      throw new ConfigError(`shapes[${i}]`, "0 < nonEmbedding < params", s);
    }
  }
  const fixed = opts.exponent;
  const logNE = shapes.map((s) => Math.log(s.nonEmbedding));
  const logNT = shapes.map((s) => Math.log(s.params));
  // p = [log ω, k]; model log N_T = log(N_\E + e^(log ω + k·log N_\E)).
  const objective = (p: Float64Array, grad: Float64Array) => {
    const k = fixed ?? p[1];
    let f = 0, g0 = 0, g1 = 0;
    for (let i = 0; i < logNE.length; i++) {
      const emb = Math.exp(p[0] + k * logNE[i]);
      const ne = Math.exp(logNE[i]);
      const r = Math.log(ne + emb) - logNT[i];
      const w = emb / (ne + emb);
      f += r * r;
      g0 += 2 * r * w;
      g1 += 2 * r * w * logNE[i];
    }
    grad[0] = g0;
    if (grad.length > 1) grad[1] = g1;
    return f;
  };
  const x0 = fixed === undefined ? [Math.log(5e4), 1 / 3] : [Math.log(5e4)];
  const r = minimizeLbfgs(objective, x0, { gradTol: 1e-12, fTol: 0 });
  return {
    omega: Math.exp(r.x[0]),
    exponent: fixed ?? r.x[1],
    rmsLog: Math.sqrt(r.f / shapes.length),
  };
}
