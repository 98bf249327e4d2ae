/**
 * Scaling data: (model size N, tokens D, loss) points, read from CSV with configurable column
 * names, and Epoch AI's filter that drops the highest-loss points.
 *
 * @module
 */
import { numericColumns, parseCsv } from "../util/csv.ts";
import { ConfigError } from "../util/validate.ts";

/** Training runs as parallel arrays: parameters, tokens, final loss. */
export interface ScalingPoints {
  n: number[];
  d: number[];
  loss: number[];
}

/** Column names of {@link readScalingCsv}. */
export interface ScalingCsvColumns {
  /** Model size column (default "Model Size", Epoch AI's file). */
  n: string;
  /** Tokens column; when empty, D = FLOP / (6·N) from the `flop` column (default ""). */
  d: string;
  /** Training-FLOP column, used when `d` is empty (default "Training FLOP"). */
  flop: string;
  /** Loss column (default "loss"). */
  loss: string;
}

/**
 * Epoch AI's column names for Chinchilla's Figure-4 points.
 *
 * @example
 * ```ts
 * declare const text: string; // a CSV file's contents
 * readScalingCsv(text, { ...DEFAULT_SCALING_CSV_COLUMNS, loss: "final_loss" });
 * ```
 */
export const DEFAULT_SCALING_CSV_COLUMNS: ScalingCsvColumns = {
  n: "Model Size",
  d: "",
  flop: "Training FLOP",
  loss: "loss",
};

/**
 * Parses a CSV of training runs. A missing column, or a value that is empty, not a number or
 * not positive, fails with a `ConfigError` naming the row (1-based, header = row 1) and the
 * column.
 *
 * @example
 * ```ts
 * const pts = readScalingCsv("Model Size,Training FLOP,loss\n1e8,6e18,3.1\n");
 * // pts.d[0] = 6e18 / (6·1e8) = 1e10
 * ```
 */
export function readScalingCsv(
  text: string,
  columns: Partial<ScalingCsvColumns> = {},
): ScalingPoints {
  const c: ScalingCsvColumns = { ...DEFAULT_SCALING_CSV_COLUMNS, ...columns };
  const rows = parseCsv(text);
  if (rows.length === 0) {
    throw new ConfigError("data", "a CSV with a header and at least one row", "no rows");
  }
  const useTokens = c.d !== "";
  const names = [c.n, useTokens ? c.d : c.flop, c.loss];
  const cols = numericColumns(rows, names, { positive: true });
  const n = cols[c.n];
  const d = useTokens ? cols[c.d] : cols[c.flop].map((f, i) => f / (6 * n[i]));
  return { n, d, loss: cols[c.loss] };
}

/**
 * Drops the `k` highest-loss points (Epoch AI drop 5 of Chinchilla's 245 as outliers).
 *
 * @example
 * ```ts
 * declare const points: ScalingPoints;
 * const kept = dropHighestLoss(points, 5);
 * ```
 */
export function dropHighestLoss(points: ScalingPoints, k: number): ScalingPoints {
  if (!Number.isInteger(k) || k < 0 || k >= points.loss.length) {
    throw new ConfigError("dropHighestLoss", `an integer in [0, ${points.loss.length - 1}]`, k);
  }
  const order = points.loss.map((l, i) => [l, i] as const).sort((a, b) => b[0] - a[0]);
  const drop = new Set(order.slice(0, k).map(([, i]) => i));
  const keep = points.loss.map((_, i) => i).filter((i) => !drop.has(i));
  return {
    n: keep.map((i) => points.n[i]),
    d: keep.map((i) => points.d[i]),
    loss: keep.map((i) => points.loss[i]),
  };
}
