import { tf } from "../deps.ts";

/**
 * Hooks: the only way probes and interventions read or change a model's activations.
 *
 * Layers are numbered like the paper's: layer 0 is the residual stream entering block 1 (the
 * embeddings), layer ℓ (1 … nLayers) is the residual stream *after* block ℓ.
 *
 * @example
 * ```ts
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
}

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

/** A [B, T, 1] 0/1 mask selecting the given positions. */
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

/** Applies the patches registered for `layer` to h [B, T, d]. */
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

/** Extracts the captured positions of h [B, T, d]. */
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

/** The layers a capture hook asks for, resolved against the model depth. */
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

/** Disposes every tensor of a {@link HookResults}. */
export function disposeHookResults(r: HookResults) {
  for (const t of r.captured.values()) t.dispose();
  for (const t of r.attention.values()) t.dispose();
}
