/**
 * Data of the small-scale sweep (paper 2 §4): a real English corpus (Brown or nlp-corpus, from
 * npm) encoded with GPT-2's tokenizer once and cached on disk, training batches that are a pure
 * function of (seed, step), and fixed held-out validation windows.
 *
 * @module
 */
import { resultsDir } from "../../store/results.ts";
import { configHash } from "../../store/results.ts";
import { loadTextCorpus, type TextCorpusConfig, type TextCorpusName } from "../../text/corpus.ts";
import { GPT2_VOCAB_SIZE, loadGpt2Tokenizer } from "../../text/gpt2.ts";
import { encodeToInt32, makeTokenWindows, type TokenWindows } from "../../text/windows.ts";
import { checkPositiveInt, ConfigError } from "../../util/validate.ts";

/** The encoded corpus. */
export interface SweepTokens {
  /** GPT-2 ids of the training documents (joined by blank lines). */
  train: Int32Array;
  /** GPT-2 ids of the held-out documents. */
  validation: Int32Array;
  vocabSize: number;
  /** Corpus name and split (as loaded). */
  corpus: { name: string; categories: string[]; validationFraction: number; documents: number };
}

const memo = new Map<string, Promise<SweepTokens>>();

/** What {@link loadSweepTokens} loads: the corpus (default `"brown"`) and its split. */
export type SweepCorpusSpec = Pick<TextCorpusConfig, "categories" | "validationFraction"> & {
  name?: TextCorpusName;
};

/**
 * Loads the corpus (Brown by default, optionally some genres only; or nlp-corpus, or both),
 * splits whole documents into train and validation, and encodes both with GPT-2's tokenizer.
 * The ids are cached in `<results>/cache/sweep_tokens_<hash>.bin` (encoding all of Brown takes
 * ~5–20 s) and in memory.
 *
 * @example
 * ```ts
 * const tokens = await loadSweepTokens({ categories: [], validationFraction: 0.05 });
 * console.log(tokens.train.length); // ≈ 1.2M GPT-2 tokens
 * ```
 */
export function loadSweepTokens(
  corpus: SweepCorpusSpec,
  opts: { cacheDir?: string } = {},
): Promise<SweepTokens> {
  const { name = "brown", ...split } = corpus;
  // Brown's key is that of earlier versions (no name), so existing caches stay valid.
  const key = configHash({
    v: 1,
    tokenizer: "gpt2",
    ...split,
    ...(name === "brown" ? {} : { name }),
  });
  const dir = opts.cacheDir ?? `${resultsDir()}/cache`;
  const path = `${dir}/sweep_tokens_${key}.bin`;
  let p = memo.get(path);
  if (!p) {
    p = encodeOrReadCache({ ...split, name }, path);
    memo.set(path, p);
    p.catch(() => memo.delete(path));
  }
  return p;
}

async function encodeOrReadCache(
  spec: Required<SweepCorpusSpec>,
  path: string,
): Promise<SweepTokens> {
  const { name, ...corpus } = spec;
  try {
    const bytes = await Deno.readFile(path);
    const head = new Int32Array(bytes.buffer, bytes.byteOffset, 3);
    const [nTrain, nVal, nDocs] = head;
    const ids = new Int32Array(bytes.buffer, bytes.byteOffset + 12, nTrain + nVal);
    return {
      train: ids.slice(0, nTrain),
      validation: ids.slice(nTrain),
      vocabSize: GPT2_VOCAB_SIZE,
      corpus: { name, ...corpus, documents: nDocs },
    };
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  const text = await loadTextCorpus({
    name,
    categories: corpus.categories,
    validationFraction: corpus.validationFraction,
  });
  if (!text.validation.length) {
    throw new ConfigError(
      "validationFraction",
      "a fraction that holds out >= 1 document",
      corpus.validationFraction,
    );
  }
  const gpt2 = await loadGpt2Tokenizer();
  const train = encodeToInt32(gpt2, text.train), validation = encodeToInt32(gpt2, text.validation);
  const out = new Int32Array(3 + train.length + validation.length);
  out.set([train.length, validation.length, text.stats.documents]);
  out.set(train, 3);
  out.set(validation, 3 + train.length);
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  const tmp = `${path}.${Deno.pid}.tmp`;
  await Deno.writeFile(tmp, new Uint8Array(out.buffer));
  await Deno.rename(tmp, path);
  return {
    train,
    validation,
    vocabSize: GPT2_VOCAB_SIZE,
    corpus: { name: text.name, ...corpus, documents: text.stats.documents },
  };
}

/**
 * Training batches as a pure function of (seed, step): epoch e is the stream cut into windows
 * of T + 1 ids with stride T, starting at offset e mod T, in a seeded shuffled order; window k
 * of the run is window k mod n of epoch ⌊k / n⌋. So each token is predicted once per epoch,
 * every model of a sweep sees the same data in the same order, and a resumed run gets exactly
 * the batches it would have had.
 *
 * @example
 * ```ts
 * declare const tokens: SweepTokens;
 * const batches = new SweepBatches(tokens.train, { context: 16, batchSize: 32, seed: 0 });
 * const windows = batches.batch(1); // Int32Array of 32 × 17 ids
 * ```
 */
export class SweepBatches {
  readonly context: number;
  readonly batchSize: number;
  readonly seed: number;
  #epoch = -1;
  #windows: TokenWindows | null = null;

  constructor(
    readonly ids: Int32Array,
    opts: { context: number; batchSize: number; seed: number },
  ) {
    checkPositiveInt(opts, "context");
    checkPositiveInt(opts, "batchSize");
    this.context = opts.context, this.batchSize = opts.batchSize, this.seed = opts.seed;
    if (ids.length < 2 * (opts.context + 1)) {
      throw new ConfigError(
        "corpus",
        `a training stream of >= ${2 * (opts.context + 1)} tokens`,
        ids.length,
      );
    }
  }

  /** Windows per epoch (the same for every epoch up to one window). */
  get windowsPerEpoch(): number {
    return Math.floor((this.ids.length - this.context - 1) / this.context);
  }

  /** The `batchSize` windows [B, T + 1] of a (1-based) step. */
  batch(step: number): Int32Array {
    const B = this.batchSize, W = this.context + 1, n = this.windowsPerEpoch;
    const out = new Int32Array(B * W);
    for (let b = 0; b < B; b++) {
      const k = (step - 1) * B + b;
      const w = this.#epochWindows(Math.floor(k / n));
      const r = k % n;
      out.set(w.data.subarray(r * W, (r + 1) * W), b * W);
    }
    return out;
  }

  #epochWindows(epoch: number): TokenWindows {
    if (epoch !== this.#epoch || !this.#windows) {
      const shift = epoch % this.context;
      this.#windows = makeTokenWindows(this.ids.subarray(shift), {
        context: this.context,
        count: this.windowsPerEpoch,
        seed: this.seed * 100_003 + epoch,
      });
      this.#epoch = epoch;
    }
    return this.#windows;
  }
}

/**
 * The fixed held-out windows of the validation loss: consecutive windows (stride T) of the
 * validation stream, the first `count` of a seeded shuffle (0 = all).
 *
 * @example
 * ```ts
 * declare const tokens: SweepTokens;
 * const val = validationWindows(tokens.validation, { context: 16, count: 1024 });
 * ```
 */
export function validationWindows(
  ids: Int32Array,
  opts: { context: number; count: number },
): TokenWindows {
  const available = Math.floor((ids.length - 1) / opts.context);
  const count = opts.count === 0 ? 0 : Math.min(opts.count, available);
  return makeTokenWindows(ids, { context: opts.context, count, seed: 0 });
}
