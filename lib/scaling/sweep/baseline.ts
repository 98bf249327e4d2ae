/**
 * Reference losses of the small-scale sweep that need no training: on the sweep's own
 * validation windows, the uniform distribution over GPT-2's vocabulary (ln V) and the unigram
 * distribution of the training tokens (add-k smoothed). A run whose loss is near the unigram
 * loss has learned little beyond token frequencies.
 *
 * @module
 */
import { checkNumber } from "../../util/validate.ts";
import type { TokenWindows } from "../../text/windows.ts";
import { type ScalingSweepConfig, scalingSweepConfig } from "./config.ts";
import { loadSweepTokens, validationWindows } from "./data.ts";

/**
 * Mean cross-entropy (nats per target token) of the add-k unigram model of `train` on the
 * targets of `windows` (every position of a row but the first, as in the validation loss).
 *
 * @example
 * ```ts
 * import { type SweepTokens, validationWindows } from "toolkit/scaling";
 *
 * declare const tokens: SweepTokens; // loadSweepTokens(…)
 * const w = validationWindows(tokens.validation, { context: 16, count: 1024 });
 * unigramLoss(tokens.train, w, { vocabSize: 50257 }); // ≈ 7.42 on Brown
 * ```
 */
export function unigramLoss(
  train: Int32Array,
  windows: TokenWindows,
  opts: { vocabSize: number; addK?: number },
): number {
  const k = opts.addK ?? 1;
  checkNumber({ addK: k }, "addK", { min: 0, exclusiveMin: true });
  const counts = new Float64Array(opts.vocabSize);
  for (const id of train) counts[id]++;
  const z = train.length + k * opts.vocabSize;
  let sum = 0, n = 0;
  for (let r = 0; r < windows.n; r++) {
    for (let j = 1; j < windows.width; j++) {
      sum -= Math.log((counts[windows.data[r * windows.width + j]] + k) / z);
      n++;
    }
  }
  return sum / n;
}

/** What {@link sweepBaselines} returns (nats per token). */
export interface SweepBaselines {
  /** ln V: a model that has learned nothing. */
  uniform: number;
  /** Add-one unigram of the training tokens: a model that knows only token frequencies. */
  unigram: number;
}

/**
 * The uniform and unigram losses on a sweep config's validation windows (the same windows as
 * every run's validation loss).
 *
 * @example
 * ```ts
 * import { scalingSweepConfig } from "toolkit/scaling";
 *
 * const b = await sweepBaselines(scalingSweepConfig("cpu")); // { uniform: 10.82, unigram: ≈7.42 }
 * ```
 */
export async function sweepBaselines(
  config: ScalingSweepConfig,
  opts: { cacheDir?: string } = {},
): Promise<SweepBaselines> {
  const cfg = scalingSweepConfig("cpu", config);
  const tokens = await loadSweepTokens(
    {
      name: cfg.corpus,
      categories: cfg.corpusCategories,
      validationFraction: cfg.validationFraction,
    },
    { cacheDir: opts.cacheDir },
  );
  const val = validationWindows(tokens.validation, {
    context: cfg.context,
    count: cfg.evalWindows,
  });
  return {
    uniform: Math.log(tokens.vocabSize),
    unigram: unigramLoss(tokens.train, val, { vocabSize: tokens.vocabSize }),
  };
}
