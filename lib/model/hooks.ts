import { tf } from "../deps.ts";

/**
 * Hooks: the only way probes and interventions read or change a model's activations.
 *
 * Layers are numbered like the paper's: layer 0 is the residual stream entering block 1 (the
 * embeddings), layer ℓ (1 … nLayers) is the residual stream *after* block ℓ.
 *
 * Besides these layer hooks, every block has named hook points (TransformerLens style, blocks
 * 0-based as in parameter names): `blocks.{i}.resid_pre`, `.attn.head_out` (each head's output
 * before the output projection, [B, T, H, headDim]), `.attn_out`, `.resid_mid`, `.mlp_out` and
 * `.resid_post` ([B, T, d]). A {@link HookFn} in `points` reads (capture) or replaces (patch,
 * ablate) the tensor there; {@link runWithCache} records them all. Layer ℓ ≥ 1 is
 * `blocks.{ℓ−1}.resid_post`, layer 0 is `blocks.0.resid_pre`. Every stack runs its hooks
 * through one {@link HookRunner}.
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 *
 * const v = tf.randomNormal([256]); // a direction in the residual stream (dModel 256)
 * const hooks: ForwardHooks = {
 *   capture: { layers: [5], positions: [38] },                      // read h5 at token 38
 *   patch: [{ layer: 5, positions: [38], mode: "add", vector: v }],  // then add v there
 *   ablateHeads: [{ layer: 4, head: 2 }],                           // zero head 2 of block 4
 *   attention: true,                                                // return attention patterns
 * };
 * ```
 */
export interface ForwardHooks {
  /** Capture the residual stream at these layers (`"all"`: 0 … nLayers). */
  capture?: {
    layers: number[] | "all";
    /** Token positions kept (default: all). `perExample`: one position per sequence. */
    positions?: number[] | { perExample: number[] };
  };
  /** Change the residual stream after a layer, in order. */
  patch?: PatchHook[];
  /** Zero single heads' outputs (before the output projection). Blocks are 1-based. */
  ablateHeads?: { layer: number; head: number }[];
  /** Return each block's attention probabilities [B, H, T, T]. */
  attention?: boolean;
  /**
   * Functions at named hook points (`blocks.{i}.resid_pre`, …; see {@link HOOK_POINTS}), run
   * after the layer hooks above, in array order; each may return a replacement tensor.
   */
  points?: Record<string, HookFn | HookFn[]>;
}

/**
 * A function at a named hook point: gets the activation there ([B, T, d], or [B, T, H, headDim]
 * at `attn.head_out`) and returns a replacement of the same shape, or nothing to leave it.
 * Returned tensors are used in the forward pass; tensors it keeps (`tf.keep`) it disposes.
 */
export type HookFn = (x: tf.Tensor, name: string) => tf.Tensor | void;

/** The hook points of every block, in the order the forward pass reaches them. */
export const HOOK_POINTS = [
  "resid_pre",
  "attn.head_out",
  "attn_out",
  "resid_mid",
  "mlp_out",
  "resid_post",
] as const;

/** One of {@link HOOK_POINTS}. */
export type HookPoint = typeof HOOK_POINTS[number];

/** Replace or add a vector in the residual stream after `layer` at the given positions. */
export interface PatchHook {
  layer: number;
  /** Positions, shared by every sequence, or `{ perExample }`: one position per sequence. */
  positions: number[] | { perExample: number[] };
  /** `replace`: h ← v; `add`: h ← h + v. */
  mode: "replace" | "add";
  /** [d] (same for every sequence) or [B, d] (one per sequence). */
  vector: tf.Tensor;
}

/** What a hooked forward pass returns besides the model's output. */
export interface HookResults {
  /** layer → residual stream [B, P, d] at the captured positions (P = 1 for perExample). */
  captured: Map<number, tf.Tensor3D>;
  /** block (1-based) → attention probabilities [B, H, T, T]. */
  attention: Map<number, tf.Tensor4D>;
}

/**
 * A [B, T, 1] 0/1 mask selecting the given positions.
 *
 * @example
 * ```ts
 * const mask = positionMask([3], 2, 5); // [2, 5, 1], 1 at position 3
 * ```
 */
export function positionMask(
  positions: number[] | { perExample: number[] },
  B: number,
  T: number,
): tf.Tensor3D {
  const m = new Float32Array(B * T);
  if (Array.isArray(positions)) {
    for (const p of positions) {
      checkPosition(p, T);
      for (let b = 0; b < B; b++) m[b * T + p] = 1;
    }
  } else {
    if (positions.perExample.length !== B) {
      throw new Error(
        `hook positions.perExample has ${positions.perExample.length} entries for a batch of ${B}`,
      );
    }
    positions.perExample.forEach((p, b) => (checkPosition(p, T), m[b * T + p] = 1));
  }
  return tf.tensor3d(m, [B, T, 1]);
}

function checkPosition(p: number, T: number) {
  if (!Number.isInteger(p) || p < 0 || p >= T) {
    throw new Error(`hook position ${p} is outside 0 … ${T - 1}`);
  }
}

/**
 * Applies the patches registered for `layer` to h [B, T, d].
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 *
 * declare const patches: PatchHook[];
 * const h = applyPatches(tf.zeros([2, 5, 8]), 2, patches);
 * ```
 */
export function applyPatches(
  h: tf.Tensor3D,
  layer: number,
  patches: PatchHook[] | undefined,
): tf.Tensor3D {
  if (!patches) return h;
  const [B, T, d] = h.shape;
  for (const p of patches) {
    if (p.layer !== layer) continue;
    const mask = positionMask(p.positions, B, T);
    const v = p.vector.rank === 1
      ? tf.reshape(p.vector, [1, 1, d])
      : tf.reshape(p.vector, [B, 1, d]);
    if (p.vector.size !== d && p.vector.size !== B * d) {
      throw new Error(
        `patch vector at layer ${layer} has ${p.vector.size} values; expected ${d} or ${B}×${d}`,
      );
    }
    h = p.mode === "add"
      ? tf.add(h, tf.mul(mask, v))
      : tf.add(tf.mul(h, tf.sub(1, mask)), tf.mul(mask, v));
  }
  return h;
}

/**
 * Extracts the captured positions of h [B, T, d].
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 *
 * const last = capturePositions(tf.zeros([2, 5, 8]), [4]); // [2, 1, 8]
 * ```
 */
export function capturePositions(
  h: tf.Tensor3D,
  positions: number[] | { perExample: number[] } | undefined,
): tf.Tensor3D {
  if (!positions) return tf.clone(h);
  const [B, T, d] = h.shape;
  if (Array.isArray(positions)) {
    positions.forEach((p) => checkPosition(p, T));
    return tf.gather(h, tf.tensor1d(positions, "int32"), 1) as tf.Tensor3D;
  }
  const flat = tf.reshape(h, [B * T, d]);
  const idx = positions.perExample.map((p, b) => (checkPosition(p, T), b * T + p));
  return tf.reshape(tf.gather(flat, tf.tensor1d(idx, "int32")), [B, 1, d]);
}

/**
 * The layers a capture hook asks for, resolved against the model depth.
 *
 * @example
 * ```ts
 * captureLayers({ capture: { layers: [0, 2] } }, 4); // Set {0, 2}
 * ```
 */
export function captureLayers(hooks: ForwardHooks | undefined, nLayers: number): Set<number> {
  const l = hooks?.capture?.layers;
  if (!l) return new Set();
  const layers = l === "all" ? Array.from({ length: nLayers + 1 }, (_, i) => i) : l;
  for (const x of layers) {
    if (!Number.isInteger(x) || x < 0 || x > nLayers) {
      throw new Error(`capture layer ${x} is outside 0 … ${nLayers}`);
    }
  }
  return new Set(layers);
}

/**
 * Disposes every tensor of a {@link HookResults}.
 *
 * @example
 * ```ts
 * import { RegressionTransformer } from "toolkit";
 * import type { RegressionBatch } from "toolkit/data";
 *
 * declare const model: RegressionTransformer, batch: RegressionBatch;
 * const { preds, results } = model.predict(batch, { hooks: { capture: { layers: [1] } } });
 * disposeHookResults(results);
 * ```
 */
export function disposeHookResults(r: HookResults) {
  for (const t of r.captured.values()) t.dispose();
  for (const t of r.attention.values()) t.dispose();
}

/**
 * Every hook point name of an `nLayers`-block model, block by block in forward order.
 *
 * @example
 * ```ts
 * hookPointNames(1); // ["blocks.0.resid_pre", "blocks.0.attn.head_out", …, "blocks.0.resid_post"]
 * ```
 */
export function hookPointNames(nLayers: number): string[] {
  return Array.from({ length: nLayers }, (_, i) => HOOK_POINTS.map((p) => `blocks.${i}.${p}`))
    .flat();
}

/**
 * A hook that zeroes the given heads at an `attn.head_out` point (what `ablateHeads` does).
 *
 * @example
 * ```ts
 * const hooks: ForwardHooks = { points: { "blocks.3.attn.head_out": zeroHeads([2]) } };
 * ```
 */
export function zeroHeads(heads: number[]): HookFn {
  return (x) => tf.mul(x, headMask(heads, x.shape[2] as number));
}

/** A [1, 1, H, 1] 0/1 mask that zeroes the listed heads. */
function headMask(heads: number[], H: number): tf.Tensor4D {
  const keep = new Float32Array(H).fill(1);
  for (const h of heads) keep[h] = 0;
  return tf.tensor4d(keep, [1, 1, H, 1]);
}

/** The model dimensions a {@link HookRunner} checks hooks against. */
export interface HookShape {
  dModel: number;
  nLayers: number;
  nHeads: number;
  headDim: number;
}

/**
 * The hooks of one forward pass: every stack (regression transformer, language model, Llama)
 * hands its activations to {@link HookRunner.stream} and {@link HookRunner.heads} at each hook
 * point, and reads {@link HookRunner.results} at the end. Validates the hooks on construction
 * (layers, heads, point names), and does nothing (not even a reshape) at a point without hooks.
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 *
 * const B = 2, T = 8, d = 16;
 * const run = new HookRunner({ capture: { layers: [0] } }, [B, T], {
 *   dModel: d,
 *   nLayers: 2,
 *   nHeads: 2,
 *   headDim: d / 2,
 * });
 * let h = tf.zeros([B * T, d]) as tf.Tensor2D; // the stack's residual stream
 * h = run.stream(0, "resid_pre", h);
 * run.results.captured.get(0)!.shape; // [B, T, d]
 * ```
 */
export class HookRunner {
  readonly results: HookResults = { captured: new Map(), attention: new Map() };
  readonly #hooks: ForwardHooks | undefined;
  readonly #shape: HookShape & { batch: number; seq: number };
  readonly #capture: Set<number>;
  readonly #ablate = new Map<number, number[]>();
  readonly #points = new Map<string, HookFn[]>();

  /** `hooks` for a batch of `batch` sequences of `seq` tokens through a model of `shape`. */
  constructor(hooks: ForwardHooks | undefined, [batch, seq]: [number, number], shape: HookShape) {
    this.#hooks = hooks;
    this.#shape = { batch, seq, ...shape };
    const { nLayers: L, nHeads: H } = shape;
    this.#capture = captureLayers(hooks, L);
    for (const hk of hooks?.ablateHeads ?? []) {
      if (hk.layer < 1 || hk.layer > L || hk.head < 0 || hk.head >= H) {
        throw new Error(
          `ablateHeads {layer: ${hk.layer}, head: ${hk.head}} outside layers 1 … ${L}, heads 0 … ${
            H - 1
          }`,
        );
      }
      this.#ablate.set(hk.layer - 1, [...this.#ablate.get(hk.layer - 1) ?? [], hk.head]);
    }
    const names = new Set(hookPointNames(L));
    for (const [name, fns] of Object.entries(hooks?.points ?? {})) {
      if (!names.has(name)) {
        throw new Error(
          `hook point "${name}" does not exist; points are blocks.{0 … ${L - 1}}.{${
            HOOK_POINTS.join(", ")
          }}`,
        );
      }
      this.#points.set(name, Array.isArray(fns) ? fns : [fns]);
    }
  }

  /** Whether attention probabilities are asked for. */
  get attention(): boolean {
    return this.#hooks?.attention === true;
  }

  /**
   * Whether {@link stream} at this point does anything (else it returns x itself, and the
   * model may fuse the point away, e.g. an output projection and its residual add).
   */
  touches(block: number, point: Exclude<HookPoint, "attn.head_out">): boolean {
    const layer = point === "resid_post"
      ? block + 1
      : point === "resid_pre" && block === 0
      ? 0
      : -1;
    return this.#points.has(`blocks.${block}.${point}`) || this.#layerHooked(layer);
  }

  /**
   * The residual stream, attention or MLP output x [B·T, d] of block `block` (0-based) at `point`,
   * after the hooks there: layer patches and captures first (at `resid_pre` of block 0 and
   * `resid_post`), then the point's functions.
   */
  stream(
    block: number,
    point: Exclude<HookPoint, "attn.head_out">,
    x: tf.Tensor2D,
  ): tf.Tensor2D {
    const layer = point === "resid_post"
      ? block + 1
      : point === "resid_pre" && block === 0
      ? 0
      : -1;
    const fns = this.#points.get(`blocks.${block}.${point}`);
    if (!fns && !this.#layerHooked(layer)) return x;
    const { batch: B, seq: T, dModel: d } = this.#shape;
    let h3 = tf.reshape(x, [B, T, d]) as tf.Tensor3D;
    if (layer >= 0) {
      h3 = applyPatches(h3, layer, this.#hooks?.patch);
      if (this.#capture.has(layer)) {
        this.results.captured.set(
          layer,
          tf.keep(capturePositions(h3, this.#hooks!.capture!.positions)),
        );
      }
    }
    return tf.reshape(this.#run(`blocks.${block}.${point}`, h3, fns), [B * T, d]);
  }

  /** Whether {@link HookRunner.heads} has work at block `block`. */
  hasHeads(block: number): boolean {
    return this.#ablate.has(block) || this.#points.has(`blocks.${block}.attn.head_out`);
  }

  /** Each head's output z [B, T, H, headDim] of block `block`, after `ablateHeads` and the point's functions. */
  heads(block: number, z: tf.Tensor4D): tf.Tensor4D {
    const ablated = this.#ablate.get(block);
    if (ablated) z = tf.mul(z, headMask(ablated, this.#shape.nHeads));
    const name = `blocks.${block}.attn.head_out`;
    return this.#run(name, z, this.#points.get(name));
  }

  /** Records block `block`'s attention probabilities [B, H, T, T] (kept) when asked for. */
  attentionProbs(block: number, probs: tf.Tensor4D | undefined) {
    if (probs && this.attention) this.results.attention.set(block + 1, tf.keep(probs));
  }

  #layerHooked(layer: number): boolean {
    return layer >= 0 &&
      (this.#capture.has(layer) || (this.#hooks?.patch ?? []).some((p) => p.layer === layer));
  }

  #run<T extends tf.Tensor>(name: string, x: T, fns: HookFn[] | undefined): T {
    for (const fn of fns ?? []) {
      const y = fn(x, name);
      if (y) {
        if (y.shape.join() !== x.shape.join()) {
          throw new Error(
            `hook at ${name} returned shape [${y.shape}]; expected [${x.shape}]`,
          );
        }
        x = y as T;
      }
    }
    return x;
  }
}

/** Recorded activations by hook point name; {@link disposeCache} frees them. */
export type ActivationCache = Map<string, tf.Tensor>;

/** Anything with a hooked forward pass and a depth: the toolkit's three model kinds. */
export interface HookedModel<I, O> {
  readonly config: { nLayers: number };
  forward(input: I, opts?: { hooks?: ForwardHooks }): O;
}

/**
 * Runs `model.forward(input)` and records the activation at every hook point (or at `names`),
 * like TransformerLens's `run_with_cache`. The cache holds clones kept outside any `tf.tidy`:
 * free them with {@link disposeCache}. Extra `hooks` run too (their point functions before the
 * cache records, so the cache sees patched values).
 *
 * @example
 * ```ts
 * import { RegressionTransformer, tf } from "toolkit";
 *
 * const model = new RegressionTransformer({ nLayers: 2, dModel: 16, nHeads: 2, inputDim: 4 });
 * const tokens = tf.zeros([2, 6, 4]) as tf.Tensor3D; // [B, T, inputDim]
 * const { out, cache } = runWithCache(model, tokens); // out [B, T]
 * cache.get("blocks.1.mlp_out")!.shape; // [B, T, d]
 * disposeCache(cache);
 * ```
 */
export function runWithCache<I, O>(
  model: HookedModel<I, O>,
  input: I,
  opts: { names?: string[]; hooks?: ForwardHooks } = {},
): O & { cache: ActivationCache } {
  const cache: ActivationCache = new Map();
  const points: Record<string, HookFn[]> = {};
  for (const [name, fns] of Object.entries(opts.hooks?.points ?? {})) {
    points[name] = Array.isArray(fns) ? [...fns] : [fns];
  }
  for (const name of opts.names ?? hookPointNames(model.config.nLayers)) {
    (points[name] ??= []).push((x) => {
      cache.get(name)?.dispose();
      cache.set(name, tf.keep(tf.clone(x)));
    });
  }
  const out = model.forward(input, { hooks: { ...opts.hooks, points } });
  return { ...out, cache };
}

/**
 * Disposes every tensor of an {@link ActivationCache}.
 *
 * @example
 * ```ts
 * import { type RegressionTransformer, tf } from "toolkit";
 *
 * declare const model: RegressionTransformer;
 * const { cache } = runWithCache(model, tf.zeros([2, 6, 4]) as tf.Tensor3D);
 * disposeCache(cache);
 * ```
 */
export function disposeCache(cache: ActivationCache) {
  for (const t of cache.values()) t.dispose();
  cache.clear();
}
