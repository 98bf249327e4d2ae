/**
 * The decoder stack shared by the regression transformer and the language model, in the
 * nanoGPT spirit: one file, read top to bottom.
 *
 * Parameters live in a flat `Record<string, tf.Variable>` with GPT-2-like names (`h.0.attn.wqkv`,
 * …; block indices 0-based in names, 1-based in hooks, as the paper counts layers). Every
 * matmul goes through {@link dense} and the other fast-path ops of `lib/backend`, so the
 * gradients avoid tfjs's slow transposed-matmul and 5-D transpose paths.
 *
 * @module
 */
import { tf } from "../deps.ts";
import { causalSelfAttention } from "../backend/attention.ts";
import { dense } from "../backend/dense.ts";
import { gelu } from "../backend/gelu.ts";
import { layerNorm } from "../backend/layer_norm.ts";
import { mlpResidual } from "../backend/mlp.ts";
import type { Rng } from "../util/rng.ts";
import type { TransformerConfig } from "./config.ts";
import { type ForwardHooks, type HookResults, HookRunner } from "./hooks.ts";

/** A model's trainable parameters by name. */
export type Params = Record<string, tf.Variable>;

/** A low-rank adapter on one weight matrix: W + scale·A·B (LoRA). */
export interface Adapter {
  a: tf.Variable; // [in, rank]
  b: tf.Variable; // [rank, out]
  scale: number;
  /** Dropout on the adapter's input while training (LoRA's lora_dropout). */
  dropout: number;
}

/** Initial values of one parameter tensor (kept as plain arrays so init is seeded and backend-free). */
export interface ParamInit {
  name: string;
  shape: number[];
  /** `uniform`: U(−bound, bound), PyTorch `nn.Linear`'s default (bound = 1/√fan_in). */
  init: "normal" | "uniform" | "zeros" | "ones";
  std?: number;
  bound?: number;
}

/**
 * The parameter list of the block stack (wpe, blocks, final LayerNorm), GPT-2 init:
 * N(0, initStd) weights, residual output projections N(0, initStd/√(2·nLayers)), zero biases.
 *
 * @example
 * ```ts
 * import { DEFAULT_TRANSFORMER } from "toolkit";
 *
 * const specs = blockParamSpecs(DEFAULT_TRANSFORMER);
 * ```
 */
export function blockParamSpecs(cfg: TransformerConfig): ParamInit[] {
  const d = cfg.dModel, f = cfg.mlpRatio * d, std = cfg.initStd;
  const resStd = std / Math.sqrt(2 * cfg.nLayers);
  const specs: ParamInit[] = [{ name: "wpe", shape: [cfg.maxLen, d], init: "normal", std }];
  for (let i = 0; i < cfg.nLayers; i++) {
    const p = `h.${i}.`;
    specs.push(
      { name: p + "ln1.g", shape: [d], init: "ones" },
      { name: p + "ln1.b", shape: [d], init: "zeros" },
      { name: p + "attn.wqkv", shape: [d, 3 * d], init: "normal", std },
      { name: p + "attn.bqkv", shape: [3 * d], init: "zeros" },
      { name: p + "attn.wo", shape: [d, d], init: "normal", std: resStd },
      { name: p + "attn.bo", shape: [d], init: "zeros" },
      { name: p + "ln2.g", shape: [d], init: "ones" },
      { name: p + "ln2.b", shape: [d], init: "zeros" },
      { name: p + "mlp.w1", shape: [d, f], init: "normal", std },
      { name: p + "mlp.b1", shape: [f], init: "zeros" },
      { name: p + "mlp.w2", shape: [f, d], init: "normal", std: resStd },
      { name: p + "mlp.b2", shape: [d], init: "zeros" },
    );
  }
  specs.push({ name: "lnf.g", shape: [d], init: "ones" }, {
    name: "lnf.b",
    shape: [d],
    init: "zeros",
  });
  return specs;
}

/**
 * Creates the variables for a list of parameter specs, drawing normal inits from `rng` in list
 * order (so the same seed gives the same model on every backend).
 *
 * @example
 * ```ts
 * import { DEFAULT_TRANSFORMER, Rng } from "toolkit";
 *
 * const params = makeParams(blockParamSpecs(DEFAULT_TRANSFORMER), new Rng(0));
 * ```
 */
export function makeParams(specs: ParamInit[], rng: Rng): Params {
  const params: Params = {};
  for (const s of specs) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const data = s.init === "normal"
      ? rng.normalArray(n, s.std ?? 0.02)
      : s.init === "uniform"
      ? rng.uniformArray(n, -(s.bound ?? 1), s.bound ?? 1)
      : new Float32Array(n).fill(s.init === "ones" ? 1 : 0);
    params[s.name] = tf.tidy(() => tf.variable(tf.tensor(data, s.shape), true));
  }
  return params;
}

/**
 * Linear layer x·W (+ b), plus the LoRA adapter on W when one is attached.
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 *
 * const params = { w: tf.variable(tf.randomNormal([8, 4])), b: tf.variable(tf.zeros([4])) };
 * const y = linear(tf.randomNormal([2, 8]), params, "w", "b"); // [2, 4]
 * ```
 */
export function linear(
  x: tf.Tensor2D,
  params: Params,
  wName: string,
  bName: string | null,
  opts: { adapters?: Map<string, Adapter>; training?: boolean; rng?: Rng } = {},
): tf.Tensor2D {
  let y = dense(x, params[wName] as tf.Tensor2D, bName ? params[bName] as tf.Tensor1D : undefined);
  const ad = opts.adapters?.get(wName);
  if (ad) {
    let xin = x;
    if (opts.training && ad.dropout > 0) {
      xin = tf.dropout(x, ad.dropout, undefined, opts.rng?.int(2 ** 31)) as tf.Tensor2D;
    }
    y = tf.add(y, tf.mul(dense(dense(xin, ad.a as tf.Tensor2D), ad.b as tf.Tensor2D), ad.scale));
  }
  return y;
}

/** Options of one forward pass through the block stack. */
export interface StackOptions {
  hooks?: ForwardHooks;
  adapters?: Map<string, Adapter>;
  training?: boolean;
  rng?: Rng;
}

/**
 * Runs embeddings h0 [B, T, d] (positions already added) through the blocks and the final
 * LayerNorm; applies hooks; returns the final normalised states [B·T, d] and the hook results.
 *
 * @example
 * ```ts
 * import { DEFAULT_TRANSFORMER, Rng, tf } from "toolkit";
 *
 * const cfg = DEFAULT_TRANSFORMER, params = makeParams(blockParamSpecs(cfg), new Rng(0));
 * const h0 = tf.zeros([2, 8, cfg.dModel]) as tf.Tensor3D; // embeddings + positions [B, T, d]
 * const { out, results } = runStack(h0, params, cfg, { hooks: { capture: { layers: "all" } } });
 * ```
 */
export function runStack(
  h0: tf.Tensor3D,
  params: Params,
  cfg: TransformerConfig,
  opts: StackOptions = {},
): { out: tf.Tensor2D; results: HookResults } {
  const [B, T, d] = h0.shape;
  const H = cfg.nHeads, hd = d / H, M = B * T;
  const run = new HookRunner(opts.hooks, [B, T], { ...cfg, headDim: hd });
  const lin = (x: tf.Tensor2D, w: string, b: string | null) => linear(x, params, w, b, opts);
  let h = tf.reshape(h0, [M, d]) as tf.Tensor2D;
  for (let i = 0; i < cfg.nLayers; i++) {
    const p = `h.${i}.`;
    h = run.stream(i, "resid_pre", h);
    const a = layerNorm(h, params[p + "ln1.g"] as tf.Tensor1D, params[p + "ln1.b"] as tf.Tensor1D, {
      eps: cfg.lnEps,
    });
    const qkv = lin(a, p + "attn.wqkv", p + "attn.bqkv");
    const attn = causalSelfAttention(qkv, { batch: B, heads: H, probs: run.attention });
    run.attentionProbs(i, attn.probs as tf.Tensor4D | undefined);
    let merged = attn.out; // [B·T, d], head hh in columns hh·hd … (hh+1)·hd − 1
    if (run.hasHeads(i)) {
      const z = run.heads(i, tf.reshape(merged, [B, T, H, hd]) as tf.Tensor4D);
      merged = tf.reshape(z, [M, d]) as tf.Tensor2D;
    }
    // Without a hook or adapter in between, the residual add happens inside the projection's
    // kernel (one launch fewer per add on webgpu; no extra tensor on wasm).
    const fuse = (point: "attn_out" | "mlp_out", w: string) =>
      !run.touches(i, point) && !opts.adapters?.has(w);
    const w = (n: string) => params[p + n] as tf.Tensor2D;
    const b = (n: string) => params[p + n] as tf.Tensor1D;
    h = run.stream(
      i,
      "resid_mid",
      fuse("attn_out", p + "attn.wo")
        ? dense(merged, w("attn.wo"), b("attn.bo"), h)
        : tf.add(h, run.stream(i, "attn_out", lin(merged, p + "attn.wo", p + "attn.bo"))),
    );
    const m = layerNorm(h, params[p + "ln2.g"] as tf.Tensor1D, params[p + "ln2.b"] as tf.Tensor1D, {
      eps: cfg.lnEps,
    });
    h = run.stream(
      i,
      "resid_post",
      fuse("mlp_out", p + "mlp.w2") && !opts.adapters?.has(p + "mlp.w1")
        ? mlpResidual(m, w("mlp.w1"), b("mlp.b1"), w("mlp.w2"), b("mlp.b2"), h)
        : tf.add(
          h,
          run.stream(
            i,
            "mlp_out",
            lin(gelu(lin(m, p + "mlp.w1", p + "mlp.b1")), p + "mlp.w2", p + "mlp.b2"),
          ),
        ),
    );
  }
  const out = layerNorm(h, params["lnf.g"] as tf.Tensor1D, params["lnf.b"] as tf.Tensor1D, {
    eps: cfg.lnEps,
  });
  return { out, results: run.results };
}

/**
 * Adds learned positions to token embeddings [B, T, d].
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 *
 * const params = { pos: tf.variable(tf.randomNormal([16, 8])) };
 * const h = addPositions(tf.zeros([2, 10, 8]), params, 16); // [2, 10, 8]
 * ```
 */
export function addPositions(emb: tf.Tensor3D, params: Params, maxLen: number): tf.Tensor3D {
  const T = emb.shape[1];
  if (T > maxLen) throw new Error(`sequence length ${T} exceeds the model's maxLen ${maxLen}`);
  return tf.add(emb, tf.slice(params["wpe"], [0, 0], [T, -1]));
}
