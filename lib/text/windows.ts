/**
 * Fixed-length token windows for causal LM training (paper 2 §4: context 16): each row holds
 * T + 1 ids, the model reads the first T and predicts the last T.
 *
 * @module
 */
import { Rng } from "../util/rng.ts";
import {
  checkKnownKeys,
  checkNumber,
  checkOneOf,
  checkPositiveInt,
  ConfigError,
} from "../util/validate.ts";
import type { TextTokenizer } from "./tokenizer.ts";

/** How to cut windows from a token stream. */
export interface TokenWindowConfig {
  /** Context length T (each row has T + 1 ids). Default 16, as paper 2's small models. */
  context: number;
  /**
   * Number of windows; 0 (default) = every window of `"chunks"` mode. In `"random"` mode it
   * must be ≥ 1 (draws may repeat tokens; use it for "D tokens" budgets beyond one epoch).
   */
  count: number;
  /**
   * `"chunks"` (default): consecutive windows with stride T (each token is a target exactly
   * once), in seeded shuffled order. `"random"`: `count` windows at seeded uniform offsets.
   * Paper 2: not stated (Kaplan-style training samples contiguous sequences).
   */
  mode: "chunks" | "random";
  /** Seed of the shuffle / offsets. Default 0. */
  seed: number;
}

/** Defaults of {@link TokenWindowConfig}. */
export const DEFAULT_TOKEN_WINDOWS: TokenWindowConfig = {
  context: 16,
  count: 0,
  mode: "chunks",
  seed: 0,
};

/** Windows, row-major `[n, context + 1]`, with their token counts. */
export interface TokenWindows {
  /** `n × (context + 1)` ids; row i is `data.subarray(i * width, (i + 1) * width)`. */
  data: Int32Array;
  /** Number of windows (rows). */
  n: number;
  /** Row width = context + 1. */
  width: number;
  /** Context length T. */
  context: number;
  /** Tokens in the source stream. */
  streamTokens: number;
  /** Predicted tokens, n × T: the "D" of a scaling law when each window is seen once. */
  targetTokens: number;
  /** targetTokens / (streamTokens − 1): passes over the stream these windows amount to. */
  epochs: number;
}

/**
 * Cuts a token stream into `[n, T + 1]` windows (seeded; the same ids and config give the
 * same windows).
 *
 * @example
 * ```ts
 * import { ByteTokenizer } from "toolkit/text";
 *
 * const ids = new ByteTokenizer().encode("some long text …");
 * const w = makeTokenWindows(ids, { context: 4 });
 * console.log(w.n, w.width, w.data.subarray(0, w.width)); // first row: 5 ids
 * ```
 */
export function makeTokenWindows(
  ids: ArrayLike<number>,
  config: Partial<TokenWindowConfig> = {},
): TokenWindows {
  checkKnownKeys(config, DEFAULT_TOKEN_WINDOWS, "TokenWindowConfig");
  const cfg = { ...DEFAULT_TOKEN_WINDOWS, ...config };
  checkPositiveInt(cfg, "context");
  checkPositiveInt(cfg, "count", { min: 0 });
  checkOneOf(cfg, "mode", ["chunks", "random"]);
  checkNumber(cfg, "seed");
  const T = cfg.context;
  const width = T + 1;
  const N = ids.length;
  if (N < width) throw new ConfigError("context", `<= ${N - 1} (the stream has ${N} tokens)`, T);
  const rng = new Rng(`token-windows:${cfg.seed}`);
  let starts: number[];
  if (cfg.mode === "chunks") {
    const available = Math.floor((N - 1) / T);
    const n = cfg.count || available;
    if (n > available) {
      throw new ConfigError(
        "count",
        `0 or <= ${available} in "chunks" mode (use "random" for more)`,
        cfg.count,
      );
    }
    starts = rng.permutation(available).slice(0, n).map((k) => k * T);
  } else {
    if (cfg.count < 1) {
      throw new ConfigError("count", 'an integer >= 1 in "random" mode', cfg.count);
    }
    starts = Array.from({ length: cfg.count }, () => rng.int(N - width + 1));
  }
  const n = starts.length;
  const data = new Int32Array(n * width);
  for (let r = 0; r < n; r++) {
    const s = starts[r];
    for (let j = 0; j < width; j++) data[r * width + j] = ids[s + j];
  }
  return {
    data,
    n,
    width,
    context: T,
    streamTokens: N,
    targetTokens: n * T,
    epochs: (n * T) / (N - 1),
  };
}

/**
 * Encodes text into one Int32Array (one `encode` call, so the ids are exactly the tokenizer's).
 *
 * @example
 * ```ts
 * import { ByteTokenizer, loadBrownDocuments, splitTextCorpus, textCorpusConfig } from "toolkit/text";
 *
 * const corpus = splitTextCorpus(await loadBrownDocuments(), textCorpusConfig({}));
 * const ids = encodeToInt32(new ByteTokenizer(), corpus.train);
 * const windows = makeTokenWindows(ids, { context: 16 });
 * ```
 */
export function encodeToInt32(tokenizer: TextTokenizer, text: string): Int32Array {
  return Int32Array.from(tokenizer.encode(text));
}
