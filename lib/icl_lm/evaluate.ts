/**
 * Runs evaluation prompts through a causal LM in length-sorted, right-padded batches: greedy
 * exact-match correctness per prompt and, optionally, the residual stream at the last prompt
 * token at every layer (what task decodability and the interventions read). Hooks (patches)
 * and LoRA adapters pass through.
 *
 * Scoring. `teacherForced`: one forward pass over prompt + answer + newline; a prompt counts as
 * correct when the argmax at every answer position is the next answer token and, after the
 * answer, the newline. For a byte or character tokenizer (one tokenization per string) this is
 * exactly greedy decoding that stops at the first newline. `greedy`: real step-by-step greedy
 * decoding (for BPE tokenizers, where the model may spell the answer with other tokens); the
 * text up to the first newline, trimmed, must equal the answer.
 *
 * @module
 */
import { tf } from "../deps.ts";
import type { HookResults, PatchHook } from "../model/hooks.ts";
import type { CausalLm } from "../model/causal_lm.ts";
import type { Adapter } from "../model/transformer.ts";
import type { EncodedPrompt } from "./data.ts";

/** Options of {@link runPrompts}. */
export interface RunPromptsOptions {
  /** `teacherForced` (default) or `greedy` (needs `decode`). */
  mode?: "teacherForced" | "greedy";
  /** Ids → text, for greedy scoring. */
  decode?: (ids: number[]) => string;
  /** Capture the last-prompt-token state at every layer 0 … nLayers (default false). */
  capture?: boolean;
  /** Rows × padded length per forward pass. Default 8,192. */
  tokensPerBatch?: number;
  /** Greedy: most new tokens. Default 24. */
  maxNew?: number;
  /**
   * Patches for a batch: given the prompts' indices and their last prompt positions, hooks to
   * apply (use `{ perExample: positions }`). The caller's tensors are disposed after the pass.
   */
  patch?: (indices: number[], lastPositions: number[]) => PatchHook[];
  adapters?: Map<string, Adapter>;
}

/** What {@link runPrompts} returns, in the prompts' order. */
export interface PromptRun {
  /** 1 when the greedy answer matched exactly. */
  correct: Uint8Array;
  /** Layer ℓ (0 … nLayers) → [n, d] states at the last prompt token (when captured). */
  states: Float32Array[];
  /** Greedy mode: the decoded answers. */
  outputs?: string[];
}

/**
 * Scores prompts (and captures their last-token states).
 *
 * @example
 * ```ts
 * import type { CausalLm } from "toolkit";
 * import type { EncodedPrompt } from "toolkit/icl-lm";
 *
 * declare const model: CausalLm, prompts: EncodedPrompt[];
 * const run = await runPrompts(model, prompts, { capture: true });
 * const acc = run.correct.reduce((s, v) => s + v, 0) / prompts.length;
 * ```
 */
export async function runPrompts(
  model: CausalLm,
  prompts: readonly EncodedPrompt[],
  opts: RunPromptsOptions = {},
): Promise<PromptRun> {
  const mode = opts.mode ?? "teacherForced";
  if (mode === "greedy" && !opts.decode) {
    throw new Error("runPrompts: greedy mode needs a decode function");
  }
  const L = model.config.nLayers, d = model.config.dModel, n = prompts.length;
  const correct = new Uint8Array(n);
  const states = opts.capture ? Array.from({ length: L + 1 }, () => new Float32Array(n * d)) : [];
  const outputs = mode === "greedy" ? new Array<string>(n).fill("") : undefined;
  const extra = (p: EncodedPrompt) =>
    mode === "teacherForced" ? p.targetIds.length - 1 : (opts.maxNew ?? 24);
  for (
    const idx of lengthBatches(
      prompts.map((p) => p.promptIds.length + extra(p)),
      opts.tokensPerBatch ?? 8192,
    )
  ) {
    const batch = idx.map((i) => prompts[i]);
    const last = batch.map((p) => p.promptIds.length - 1);
    const patches = opts.patch?.(idx, last);
    try {
      if (mode === "teacherForced") {
        await teacherForced(model, batch, last, {
          capture: opts.capture,
          patches,
          adapters: opts.adapters,
        }, (b, ok, caught) => {
          correct[idx[b]] = ok ? 1 : 0;
          caught.forEach((v, l) => states[l].set(v, idx[b] * d));
        });
      } else {
        await greedyBatch(model, batch, last, { ...opts, patches }, (b, text, caught) => {
          outputs![idx[b]] = text;
          correct[idx[b]] = exactMatch(text, batch[b].answer) ? 1 : 0;
          caught.forEach((v, l) => states[l].set(v, idx[b] * d));
        });
      }
    } finally {
      for (const h of patches ?? []) h.vector.dispose();
    }
  }
  return { correct, states, outputs };
}

/**
 * Groups indices by length (sorted) so that rows × longest ≤ budget (at least one row each).
 *
 * @example
 * ```ts
 * lengthBatches([5, 30, 7], 16); // [[0, 2], [1]]
 * ```
 */
export function lengthBatches(lengths: readonly number[], budget: number): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[a] - lengths[b] || a - b);
  const out: number[][] = [];
  let cur: number[] = [];
  for (const i of order) {
    if (cur.length && (cur.length + 1) * lengths[i] > budget) {
      out.push(cur);
      cur = [];
    }
    cur.push(i);
  }
  if (cur.length) out.push(cur);
  return out;
}

type Sink<T> = (row: number, result: T, captured: Float32Array[]) => void;

/** One forward pass with the capture hook; returns argmax ids [B·T] and the captured states per layer. */
async function hookedArgmax(
  model: CausalLm,
  ids: Int32Array,
  B: number,
  T: number,
  last: number[],
  opts: { capture?: boolean; patches?: PatchHook[]; adapters?: Map<string, Adapter> },
): Promise<{ argmax: Int32Array; captured: Float32Array[] }> {
  const L = model.config.nLayers;
  // the forward pass in a tidy scope (its activations freed); the captured states are kept by
  // the hooks and disposed below
  let results: HookResults = { captured: new Map(), attention: new Map() };
  const am = tf.tidy(() => {
    const out = model.forward(tf.tensor2d(ids, [B, T], "int32"), {
      hooks: {
        capture: opts.capture ? { layers: "all", positions: { perExample: last } } : undefined,
        patch: opts.patches,
      },
      adapters: opts.adapters,
    });
    results = out.results;
    return tf.argMax(out.logits, 1);
  });
  const argmax = (await am.data()) as Int32Array;
  am.dispose();
  const captured: Float32Array[] = [];
  if (opts.capture) {
    for (let l = 0; l <= L; l++) {
      const t = results.captured.get(l)!;
      captured.push((await t.data()) as Float32Array);
    }
  }
  for (const t of results.captured.values()) t.dispose();
  for (const t of results.attention.values()) t.dispose();
  return { argmax, captured };
}

/** Rows of a [B, d] block for one row index, one per layer. */
function rowStates(captured: Float32Array[], b: number, d: number): Float32Array[] {
  return captured.map((c) => c.subarray(b * d, (b + 1) * d));
}

async function teacherForced(
  model: CausalLm,
  batch: EncodedPrompt[],
  last: number[],
  opts: { capture?: boolean; patches?: PatchHook[]; adapters?: Map<string, Adapter> },
  sink: Sink<boolean>,
) {
  const seqs = batch.map((p) => [...p.promptIds, ...p.targetIds.slice(0, -1)]);
  const T = Math.max(...seqs.map((s) => s.length)), B = batch.length;
  const ids = new Int32Array(B * T);
  seqs.forEach((s, b) => ids.set(s, b * T));
  const { argmax, captured } = await hookedArgmax(model, ids, B, T, last, opts);
  batch.forEach((p, b) => {
    let ok = true;
    for (let j = 0; j < p.targetIds.length && ok; j++) {
      ok = argmax[b * T + last[b] + j] === p.targetIds[j];
    }
    sink(b, ok, rowStates(captured, b, model.config.dModel));
  });
}

async function greedyBatch(
  model: CausalLm,
  batch: EncodedPrompt[],
  last: number[],
  opts: RunPromptsOptions & { patches?: PatchHook[] },
  sink: Sink<string>,
) {
  const B = batch.length, maxNew = opts.maxNew ?? 24;
  const seqs = batch.map((p) => [...p.promptIds]);
  const gen: number[][] = batch.map(() => []);
  const done = new Array<boolean>(B).fill(false);
  let first: Float32Array[] = [];
  for (let s = 0; s < maxNew && done.some((x) => !x); s++) {
    const T = Math.min(model.config.maxLen, Math.max(...seqs.map((q) => q.length)));
    const ids = new Int32Array(B * T);
    seqs.forEach((q, b) => ids.set(q.slice(0, T), b * T));
    const { argmax, captured } = await hookedArgmax(model, ids, B, T, last, {
      ...opts,
      capture: opts.capture && s === 0,
    });
    if (s === 0) first = captured;
    for (let b = 0; b < B; b++) {
      if (done[b]) continue;
      const pos = seqs[b].length - 1;
      if (pos >= T) {
        done[b] = true;
        continue;
      }
      const next = argmax[b * T + pos];
      gen[b].push(next);
      seqs[b].push(next);
      if (opts.decode!(gen[b]).includes("\n")) done[b] = true;
    }
  }
  for (let b = 0; b < B; b++) {
    sink(b, opts.decode!(gen[b]).split("\n")[0], rowStates(first, b, model.config.dModel));
  }
}

/**
 * Accuracy of a 0/1 vector over a subset of indices (NaN for an empty subset).
 *
 * @example
 * ```ts
 * subsetAccuracy(Uint8Array.from([1, 0, 1]), [0, 1]); // 0.5
 * ```
 */
export function subsetAccuracy(correct: ArrayLike<number>, indices: readonly number[]): number {
  if (!indices.length) return NaN;
  let s = 0;
  for (const i of indices) s += correct[i];
  return s / indices.length;
}

/**
 * Exact match of a decoded continuation with the answer: the text up to the first newline,
 * trimmed, equals the trimmed answer.
 *
 * @example
 * ```ts
 * exactMatch("00101\nexample:", "00101"); // true
 * exactMatch(" the", "the"); // true
 * exactMatch("00100", "00101"); // false
 * ```
 */
export function exactMatch(generated: string, answer: string): boolean {
  return generated.split("\n")[0].trim() === answer.trim();
}
