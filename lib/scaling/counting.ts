/**
 * Parameter counting for a decoder-only transformer: total N_T versus non-embedding N_\E (what
 * Kaplan counts), and the ω relation N_T = N_\E + ω·N_\E^(1/3) of Pearce & Song.
 *
 * What is counted (our defaults; Kaplan's convention): per layer the attention projections
 * Q, K, V, O (4·d²) and the feed-forward block (2·ffwRatio·d², so 8·d² at ratio 4): N_\E =
 * 12·L·d² at ratio 4. Biases and layer-norm gains are left out (`includeBiasesAndNorms` adds
 * them). The embedding counts vocab·d once (input and output tied, as in Chinchilla/Kaplan's
 * accounting); a learned absolute position table adds context·d when `positional: "learned"`
 * (Chinchilla uses relative positions, so the default is "none").
 *
 * @module
 */
import { checkKnownKeys, checkNumber, checkOneOf, checkPositiveInt } from "../util/validate.ts";

/** Shape of a decoder-only transformer, for counting. */
export interface TransformerShape {
  /** Number of layers L. */
  layers: number;
  /** Residual width d_model. */
  dModel: number;
  /** Vocabulary size (default 32,000, Chinchilla's and the paper's). */
  vocab: number;
  /** Feed-forward width / d_model (default 4, Chinchilla's and Kaplan's). */
  ffwRatio: number;
  /** Context length (default 2,048, Chinchilla's); counted only with learned positions. */
  context: number;
  /** "none" (relative/rotary, Chinchilla; default) or "learned" (context·d more embedding params). */
  positional: "none" | "learned";
  /** Untied output head adds another vocab·d (default false: tied, counted once). */
  untiedOutput: boolean;
  /** Also count biases (q, k, v, o, both ffw layers) and layer-norm gains/biases (default false). */
  includeBiasesAndNorms: boolean;
}

/**
 * Defaults of {@link TransformerShape} (a 12-layer, d 768 model).
 *
 * @example
 * ```ts
 * countTransformerParams({ ...DEFAULT_TRANSFORMER_SHAPE, layers: 24 });
 * ```
 */
export const DEFAULT_TRANSFORMER_SHAPE: TransformerShape = {
  layers: 12,
  dModel: 768,
  vocab: 32000,
  ffwRatio: 4,
  context: 2048,
  positional: "none",
  untiedOutput: false,
  includeBiasesAndNorms: false,
};

/** Parameter counts of a transformer. */
export interface TransformerParamCounts {
  /** N_\E: everything but the embedding tables. */
  nonEmbedding: number;
  /** Embedding tables: vocab·d (+ context·d learned positions, + vocab·d untied head). */
  embedding: number;
  /** N_T = nonEmbedding + embedding. */
  total: number;
  /** Non-embedding parameters per layer. */
  perLayer: number;
}

/**
 * Counts total and non-embedding parameters of a transformer shape (see the module notes for
 * what is counted).
 *
 * @example
 * ```ts
 * const c = countTransformerParams({ layers: 12, dModel: 768 });
 * // c.nonEmbedding = 12·12·768² = 84,934,656; c.embedding = 32,000·768 = 24,576,000
 * ```
 */
export function countTransformerParams(
  shape: Partial<TransformerShape> = {},
): TransformerParamCounts {
  checkKnownKeys(shape, DEFAULT_TRANSFORMER_SHAPE, "shape");
  const s: TransformerShape = { ...DEFAULT_TRANSFORMER_SHAPE, ...shape };
  checkPositiveInt(s, "layers");
  checkPositiveInt(s, "dModel");
  checkPositiveInt(s, "vocab");
  checkPositiveInt(s, "context");
  checkNumber(s, "ffwRatio", { min: 0, exclusiveMin: true });
  checkOneOf(s, "positional", ["none", "learned"]);
  checkOneOf(s, "untiedOutput", [true, false]);
  checkOneOf(s, "includeBiasesAndNorms", [true, false]);
  const d = s.dModel, ff = s.ffwRatio * d;
  let perLayer = 4 * d * d + 2 * d * ff;
  // Biases: q, k, v, o (4d), ffw in (ff) and out (d); two layer norms (gain + bias: 4d).
  if (s.includeBiasesAndNorms) perLayer += 4 * d + ff + d + 4 * d;
  const finalNorm = s.includeBiasesAndNorms ? 2 * d : 0;
  const nonEmbedding = s.layers * perLayer + finalNorm;
  const embedding = s.vocab * d * (s.untiedOutput ? 2 : 1) +
    (s.positional === "learned" ? s.context * d : 0);
  return { nonEmbedding, embedding, total: nonEmbedding + embedding, perLayer };
}

/**
 * ω for a fixed aspect ratio d/L: with N_\E = 12·L·d², d = (N_\E·aspect/12)^(1/3), so
 * N_T = N_\E + vocab·d = N_\E + ω·N_\E^(1/3) with ω = vocab·(aspect/12)^(1/3).
 *
 * @example
 * ```ts
 * omegaFromAspect(39.2); // ≈ 47,481 (vocab 32,000)
 * ```
 */
export function omegaFromAspect(aspect: number, vocab = 32000): number {
  return vocab * (aspect / 12) ** (1 / 3);
}

/**
 * The aspect ratio d/L that gives a value of ω: aspect = 12·(ω/vocab)³.
 *
 * @example
 * ```ts
 * aspectFromOmega(47491); // ≈ 39.2
 * ```
 */
export function aspectFromOmega(omega: number, vocab = 32000): number {
  return 12 * (omega / vocab) ** 3;
}

/**
 * d_model of a model with N_\E non-embedding parameters at aspect ratio d/L (N_\E = 12·L·d²).
 *
 * @example
 * ```ts
 * dModelFromNonEmbedding(1e9, 39.2); // ≈ 1,484
 * ```
 */
export function dModelFromNonEmbedding(nNonEmbedding: number, aspect: number): number {
  return (nNonEmbedding * aspect / 12) ** (1 / 3);
}

/**
 * The paper's ω (fitted by Pearce & Song to Chinchilla's 50 model shapes).
 *
 * @example
 * ```ts
 * totalFromNonEmbedding(1e9, { omega: PAPER_OMEGA });
 * ```
 */
export const PAPER_OMEGA = 47491;

/**
 * N_T = N_\E + ω·N_\E^k (k = 1/3 by default; the paper's ω = 47,491).
 *
 * @example
 * ```ts
 * totalFromNonEmbedding(1e6); // 1e6 + 47,491·100 = 5.75e6
 * ```
 */
export function totalFromNonEmbedding(
  nNonEmbedding: number,
  opts: { omega?: number; exponent?: number } = {},
): number {
  return nNonEmbedding + (opts.omega ?? PAPER_OMEGA) * nNonEmbedding ** (opts.exponent ?? 1 / 3);
}

/**
 * Training FLOP per token with Kaplan's accounting: 6·N_\E plus the attention-context term
 * 6·L·context·d (3× Kaplan's forward 2·n_layer·n_ctx·d_attn).
 *
 * @example
 * ```ts
 * kaplanFlopsPerToken({ layers: 12, dModel: 768, context: 1024 });
 * ```
 */
export function kaplanFlopsPerToken(shape: Partial<TransformerShape> = {}): number {
  const s: TransformerShape = { ...DEFAULT_TRANSFORMER_SHAPE, ...shape };
  const { nonEmbedding } = countTransformerParams(shape);
  return 6 * nonEmbedding + 6 * s.layers * s.context * s.dModel;
}
