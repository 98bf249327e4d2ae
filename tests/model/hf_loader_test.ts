/**
 * The Hugging Face loader against independent references: each test writes a tiny checkpoint
 * in the HF layout (random weights, config.json), loads it, and compares the logits with a
 * plain-JavaScript forward pass written out here in float64.
 */
import { initBackend } from "../../lib/backend/backend.ts";
import { tf } from "../../lib/deps.ts";
import { hfModelConfig, loadHfCheckpoint } from "../../lib/model/hf_loader.ts";
import { ropeInverseFrequencies } from "../../lib/model/llama.ts";
import { encodeSafetensors, type NamedArray } from "../../lib/store/checkpoint.ts";
import { Rng } from "../../lib/util/rng.ts";
import { ConfigError } from "../../lib/util/validate.ts";
import {
  assert,
  assertAllClose,
  assertAlmostEquals,
  assertEquals,
  assertRejects,
  assertThrows,
} from "../assert.ts";

await initBackend({ backend: "wasm", quiet: true });

type M = number[][]; // row-major matrix
const rng = new Rng("hf-loader-test");
const rand = (r: number, c: number, std = 0.3): M =>
  Array.from({ length: r }, () => Array.from(rng.normalArray(c, std)));
const vec = (n: number, std = 0.3, mean = 0): number[] =>
  Array.from(rng.normalArray(n, std), (x) => x + mean);
const named = (m: M | number[]): NamedArray =>
  Array.isArray(m[0])
    ? { data: Float32Array.from((m as M).flat()), shape: [m.length, (m as M)[0].length] }
    : { data: Float32Array.from(m as number[]), shape: [m.length] };
const matvec = (x: number[], w: M): number[] =>
  w[0].map((_, j) => x.reduce((s, xi, i) => s + xi * w[i][j], 0)); // x·W, W [in, out]
const linT = (x: number[], w: M): number[] =>
  w.map((row) => row.reduce((s, wi, i) => s + wi * x[i], 0)); // W·x, W [out, in]
const add = (a: number[], b: number[]) => a.map((v, i) => v + b[i]);
const layerNorm = (x: number[], g: number[], b: number[], eps: number) => {
  const m = x.reduce((s, v) => s + v, 0) / x.length;
  const v = x.reduce((s, u) => s + (u - m) ** 2, 0) / x.length;
  return x.map((u, i) => ((u - m) / Math.sqrt(v + eps)) * g[i] + b[i]);
};
const rmsNorm = (x: number[], g: number[], eps: number) => {
  const r = 1 / Math.sqrt(x.reduce((s, u) => s + u * u, 0) / x.length + eps);
  return x.map((u, i) => u * r * g[i]);
};
const geluTanh = (u: number) =>
  0.5 * u * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (u + 0.044715 * u ** 3)));
const silu = (u: number) => u / (1 + Math.exp(-u));
/** Causal attention of one head: q, k, v are per-position vectors. */
const attend = (q: number[][], k: number[][], v: number[][]) =>
  q.map((qt, t) => {
    const s = k.slice(0, t + 1).map((ks) =>
      ks.reduce((a, x, i) => a + x * qt[i], 0) / Math.sqrt(qt.length)
    );
    const mx = Math.max(...s), e = s.map((x) => Math.exp(x - mx)), z = e.reduce((a, b) => a + b, 0);
    return v[0].map((_, i) => e.reduce((a, w, j) => a + (w / z) * v[j][i], 0));
  });

async function writeCheckpoint(
  dir: string,
  config: object,
  tensors: Record<string, NamedArray>,
  shards = 1,
) {
  await Deno.writeTextFile(`${dir}/config.json`, JSON.stringify(config));
  const names = Object.keys(tensors);
  if (shards === 1) return Deno.writeFile(`${dir}/model.safetensors`, encodeSafetensors(tensors));
  const weightMap: Record<string, string> = {};
  for (let s = 0; s < shards; s++) {
    const file = `model-0000${s + 1}-of-0000${shards}.safetensors`;
    const part = Object.fromEntries(
      names.filter((_, i) => i % shards === s).map((n) => [n, tensors[n]]),
    );
    for (const n of Object.keys(part)) weightMap[n] = file;
    await Deno.writeFile(`${dir}/${file}`, encodeSafetensors(part));
  }
  await Deno.writeTextFile(
    `${dir}/model.safetensors.index.json`,
    JSON.stringify({ metadata: {}, weight_map: weightMap }),
  );
}

async function logitsOf(dir: string, ids: number[]) {
  const { model, family, tokenizer } = await loadHfCheckpoint(dir);
  const logits = tf.tidy(() => model.forward(tf.tensor2d(ids, [1, ids.length], "int32")).logits);
  const out = Array.from(await logits.data());
  logits.dispose();
  model.dispose();
  return { out, family, tokenizer };
}

Deno.test("GPT-2 layout: loaded logits equal an independent forward pass (1e-4)", async () => {
  const V = 11, P = 8, d = 8, H = 2, L = 2, f = 4 * d, eps = 1e-5, hd = d / H;
  const w = {
    wte: rand(V, d),
    wpe: rand(P, d),
    layers: Array.from({ length: L }, () => ({
      g1: vec(d, 0.1, 1),
      b1: vec(d, 0.1),
      wqkv: rand(d, 3 * d),
      bqkv: vec(3 * d, 0.1),
      wo: rand(d, d),
      bo: vec(d, 0.1),
      g2: vec(d, 0.1, 1),
      b2: vec(d, 0.1),
      w1: rand(d, f),
      bf1: vec(f, 0.1),
      w2: rand(f, d),
      bf2: vec(d, 0.1),
    })),
    gf: vec(d, 0.1, 1),
    bf: vec(d, 0.1),
  };
  const tensors: Record<string, NamedArray> = {
    "transformer.wte.weight": named(w.wte),
    "transformer.wpe.weight": named(w.wpe),
    "transformer.ln_f.weight": named(w.gf),
    "transformer.ln_f.bias": named(w.bf),
    "lm_head.weight": named(w.wte), // tied: ignored
  };
  w.layers.forEach((l, i) => {
    const p = `transformer.h.${i}.`;
    Object.assign(tensors, {
      [p + "ln_1.weight"]: named(l.g1),
      [p + "ln_1.bias"]: named(l.b1),
      [p + "attn.c_attn.weight"]: named(l.wqkv),
      [p + "attn.c_attn.bias"]: named(l.bqkv),
      [p + "attn.c_proj.weight"]: named(l.wo),
      [p + "attn.c_proj.bias"]: named(l.bo),
      [p + "ln_2.weight"]: named(l.g2),
      [p + "ln_2.bias"]: named(l.b2),
      [p + "mlp.c_fc.weight"]: named(l.w1),
      [p + "mlp.c_fc.bias"]: named(l.bf1),
      [p + "mlp.c_proj.weight"]: named(l.w2),
      [p + "mlp.c_proj.bias"]: named(l.bf2),
      [p + "attn.bias"]: { data: new Float32Array(P * P).fill(1), shape: [1, 1, P, P] }, // mask buffer
    });
  });
  const dir = await Deno.makeTempDir();
  await writeCheckpoint(dir, {
    model_type: "gpt2",
    vocab_size: V,
    n_positions: P,
    n_embd: d,
    n_layer: L,
    n_head: H,
    n_inner: null,
    layer_norm_epsilon: eps,
    activation_function: "gelu_new",
    tie_word_embeddings: true,
  }, tensors);
  const ids = [3, 1, 4, 1, 5, 9];
  // reference
  let x = ids.map((id, t) => add(w.wte[id], w.wpe[t]));
  for (const l of w.layers) {
    const a = x.map((h) => layerNorm(h, l.g1, l.b1, eps));
    const qkv = a.map((h) => add(matvec(h, l.wqkv), l.bqkv));
    const heads = Array.from({ length: H }, (_, h) => {
      const sl = (o: number) => qkv.map((r) => r.slice(o + h * hd, o + (h + 1) * hd));
      return attend(sl(0), sl(d), sl(2 * d));
    });
    const merged = ids.map((_, t) => heads.flatMap((hh) => hh[t]));
    x = x.map((h, t) => add(h, add(matvec(merged[t], l.wo), l.bo)));
    const m = x.map((h) => layerNorm(h, l.g2, l.b2, eps));
    x = x.map((h, t) =>
      add(h, add(matvec(add(matvec(m[t], l.w1), l.bf1).map(geluTanh), l.w2), l.bf2))
    );
  }
  const ref = x.map((h) => layerNorm(h, w.gf, w.bf, eps)).flatMap((h) =>
    w.wte.map((row) => row.reduce((s, v, i) => s + v * h[i], 0))
  );
  const { out, family, tokenizer } = await logitsOf(dir, ids);
  assertEquals(family, "gpt2");
  assertEquals(tokenizer, null);
  assertAllClose(out, ref, 1e-4, "GPT-2 logits");
  await Deno.remove(dir, { recursive: true });
});

/** A Llama-family variant: Llama (SwiGLU, untied), Gemma-1 ((1 + w) norms, √d embeddings, GeGLU, tied, explicit head_dim), Qwen2 (q/k/v biases). */
interface Variant {
  type: "llama" | "gemma" | "qwen2";
  H: number;
  KV: number;
  hd: number;
  // deno-lint-ignore no-explicit-any
  ropeScaling: any;
  shards: number;
}

async function checkLlamaFamily(v: Variant) {
  const V = 13, d = 8, L = 2, f = 12, eps = 1e-5, theta = 10000, { H, KV, hd } = v;
  const gemma = v.type === "gemma", bias = v.type === "qwen2";
  const w = {
    emb: rand(V, d),
    layers: Array.from({ length: L }, () => ({
      g1: vec(d, 0.1, gemma ? 0 : 1),
      wq: rand(H * hd, d),
      wk: rand(KV * hd, d),
      wv: rand(KV * hd, d),
      wo: rand(d, H * hd),
      bq: vec(H * hd, 0.2),
      bk: vec(KV * hd, 0.2),
      bv: vec(KV * hd, 0.2),
      g2: vec(d, 0.1, gemma ? 0 : 1),
      wg: rand(f, d),
      wu: rand(f, d),
      wd: rand(d, f),
    })),
    gf: vec(d, 0.1, gemma ? 0 : 1),
    head: rand(V, d),
  };
  const tensors: Record<string, NamedArray> = {
    "model.embed_tokens.weight": named(w.emb),
    "model.norm.weight": named(w.gf),
  };
  if (!gemma) tensors["lm_head.weight"] = named(w.head);
  w.layers.forEach((l, i) => {
    const p = `model.layers.${i}.`;
    Object.assign(tensors, {
      [p + "input_layernorm.weight"]: named(l.g1),
      [p + "post_attention_layernorm.weight"]: named(l.g2),
      [p + "self_attn.q_proj.weight"]: named(l.wq),
      [p + "self_attn.k_proj.weight"]: named(l.wk),
      [p + "self_attn.v_proj.weight"]: named(l.wv),
      [p + "self_attn.o_proj.weight"]: named(l.wo),
      [p + "mlp.gate_proj.weight"]: named(l.wg),
      [p + "mlp.up_proj.weight"]: named(l.wu),
      [p + "mlp.down_proj.weight"]: named(l.wd),
      [p + "self_attn.rotary_emb.inv_freq"]: named(vec(hd / 2)), // a buffer some checkpoints carry: ignored
    });
    if (bias) {
      Object.assign(tensors, {
        [p + "self_attn.q_proj.bias"]: named(l.bq),
        [p + "self_attn.k_proj.bias"]: named(l.bk),
        [p + "self_attn.v_proj.bias"]: named(l.bv),
      });
    }
  });
  const dir = await Deno.makeTempDir();
  await writeCheckpoint(
    dir,
    {
      model_type: v.type,
      vocab_size: V,
      hidden_size: d,
      intermediate_size: f,
      num_hidden_layers: L,
      num_attention_heads: H,
      num_key_value_heads: KV,
      head_dim: hd,
      rms_norm_eps: eps,
      rope_theta: theta,
      rope_scaling: v.ropeScaling,
      max_position_embeddings: 16,
      ...(gemma
        ? { hidden_activation: "gelu_pytorch_tanh" }
        : { hidden_act: "silu", tie_word_embeddings: false }),
    },
    tensors,
    v.shards,
  );
  await Deno.writeTextFile(
    `${dir}/tokenizer.json`,
    JSON.stringify({ model: { type: "BPE", vocab: { a: 0, b: 1, ab: 2 }, merges: ["a b"] } }),
  );
  const ids = [2, 7, 1, 8, 2, 8, 12];
  // reference inverse frequencies, with the llama3 scaling written out (original context 16)
  const inv = Array.from({ length: hd / 2 }, (_, j) => {
    const f0 = theta ** (-(2 * j) / hd), wave = 2 * Math.PI / f0;
    if (!v.ropeScaling) return f0;
    const lowWave = 16 / 1, highWave = 16 / 4;
    if (wave < highWave) return f0;
    if (wave > lowWave) return f0 / 8;
    const s = (16 / wave - 1) / (4 - 1); // wave 2π for j = 0: the smoothed branch
    return (1 - s) * f0 / 8 + s * f0;
  });
  assertAllClose(
    Array.from(
      ropeInverseFrequencies({ headDim: hd, ropeTheta: theta, ropeScaling: v.ropeScaling }),
    ),
    inv,
    1e-12,
  );
  const rope = (x: number[], pos: number) =>
    x.map((_, i) => {
      const j = i % (hd / 2), a = pos * inv[j];
      return i < hd / 2
        ? x[i] * Math.cos(a) - x[i + hd / 2] * Math.sin(a)
        : x[i] * Math.cos(a) + x[i - hd / 2] * Math.sin(a);
    });
  const norm = (x: number[], g: number[]) => rmsNorm(x, gemma ? g.map((u) => 1 + u) : g, eps);
  let x = ids.map((id) => w.emb[id].map((u) => (gemma ? u * Math.sqrt(d) : u)));
  for (const l of w.layers) {
    const a = x.map((h) => norm(h, l.g1));
    const proj = (h: number[], m: M, b: number[]) => (bias ? add(linT(h, m), b) : linT(h, m));
    const q = a.map((h) => proj(h, l.wq, l.bq)),
      k = a.map((h) => proj(h, l.wk, l.bk)),
      vv = a.map((h) => proj(h, l.wv, l.bv));
    const heads = Array.from({ length: H }, (_, h) => {
      const g = Math.floor(h / (H / KV));
      return attend(
        q.map((r, t) => rope(r.slice(h * hd, (h + 1) * hd), t)),
        k.map((r, t) => rope(r.slice(g * hd, (g + 1) * hd), t)),
        vv.map((r) => r.slice(g * hd, (g + 1) * hd)),
      );
    });
    x = x.map((h, t) => add(h, linT(heads.flatMap((hh) => hh[t]), l.wo)));
    const m = x.map((h) => norm(h, l.g2));
    x = x.map((h, t) => {
      const gate = linT(m[t], l.wg).map(gemma ? geluTanh : silu), up = linT(m[t], l.wu);
      return add(h, linT(gate.map((g, i) => g * up[i]), l.wd));
    });
  }
  const ref = x.map((h) => norm(h, w.gf)).flatMap((h) => linT(h, gemma ? w.emb : w.head));
  const { out, family, tokenizer } = await logitsOf(dir, ids);
  assertEquals(family, "llama");
  assertEquals(tokenizer?.encode("abab"), [2, 2]);
  assertAllClose(out, ref, 1e-4, `${v.type} logits`);
  await Deno.remove(dir, { recursive: true });
}

Deno.test("Llama layout (GQA, RoPE with llama3 scaling, sharded): logits equal an independent forward pass (1e-4)", async () => {
  const ropeScaling = {
    rope_type: "llama3",
    factor: 8,
    low_freq_factor: 1,
    high_freq_factor: 4,
    original_max_position_embeddings: 16,
  };
  await checkLlamaFamily({ type: "llama", H: 4, KV: 2, hd: 2, ropeScaling, shards: 2 });
});

Deno.test("Gemma-1 and Qwen2 layouts: logits equal an independent forward pass (1e-4)", async () => {
  await checkLlamaFamily({ type: "gemma", H: 2, KV: 1, hd: 6, ropeScaling: null, shards: 1 });
  await checkLlamaFamily({ type: "qwen2", H: 2, KV: 2, hd: 4, ropeScaling: null, shards: 1 });
});

Deno.test("Llama model hooks: captured layer states and a replace patch act on the residual stream", async () => {
  const dir = await Deno.makeTempDir();
  const V = 7, d = 4, L = 2;
  const t: Record<string, NamedArray> = {
    "model.embed_tokens.weight": named(rand(V, d)),
    "model.norm.weight": named(vec(d, 0.1, 1)),
  };
  for (let i = 0; i < L; i++) {
    const p = `model.layers.${i}.`;
    Object.assign(t, {
      [p + "input_layernorm.weight"]: named(vec(d, 0.1, 1)),
      [p + "post_attention_layernorm.weight"]: named(vec(d, 0.1, 1)),
      [p + "self_attn.q_proj.weight"]: named(rand(d, d)),
      [p + "self_attn.k_proj.weight"]: named(rand(d, d)),
      [p + "self_attn.v_proj.weight"]: named(rand(d, d)),
      [p + "self_attn.o_proj.weight"]: named(rand(d, d)),
      [p + "mlp.gate_proj.weight"]: named(rand(6, d)),
      [p + "mlp.up_proj.weight"]: named(rand(6, d)),
      [p + "mlp.down_proj.weight"]: named(rand(d, 6)),
    });
  }
  await writeCheckpoint(dir, {
    model_type: "llama",
    vocab_size: V,
    hidden_size: d,
    intermediate_size: 6,
    num_hidden_layers: L,
    num_attention_heads: 2,
    max_position_embeddings: 8,
    tie_word_embeddings: true,
  }, t);
  const { model } = await loadHfCheckpoint(dir);
  const ids = tf.tensor2d([[1, 2, 3]], [1, 3], "int32");
  const vec1 = tf.tensor1d([1, 2, 3, 4]);
  const { logits, results } = model.forward(ids, {
    hooks: {
      capture: { layers: "all" },
      patch: [{ layer: 1, positions: [2], mode: "replace", vector: vec1 }],
    },
  });
  assertEquals([...results.captured.keys()].sort(), [0, 1, 2]);
  assertAllClose(Array.from(results.captured.get(1)!.dataSync()).slice(8), [1, 2, 3, 4], 1e-7);
  const plain = model.forward(ids).logits;
  const a = logits.dataSync(), b = plain.dataSync();
  assertAllClose(a.slice(0, 2 * V), b.slice(0, 2 * V), 1e-6, "positions before the patch");
  assert(Math.abs(a[2 * V] - b[2 * V]) > 1e-6, "the patched position changes");
  tf.dispose([ids, vec1, logits, plain, ...results.captured.values()]);
  model.dispose();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("unsupported configs name the config.json field; a folder without weights fails clearly", async () => {
  const e1 = assertThrows(
    () => hfModelConfig({ model_type: "gemma2" }),
    ConfigError,
  ) as ConfigError;
  assertEquals(e1.field, "model_type");
  const e2 = assertThrows(
    () => hfModelConfig({ model_type: "gpt2", activation_function: "relu", n_embd: 8 }),
    ConfigError,
  ) as ConfigError;
  assertEquals(e2.field, "activation_function");
  const e3 = assertThrows(
    () =>
      hfModelConfig({
        model_type: "llama",
        hidden_size: 8,
        num_attention_heads: 4,
        num_key_value_heads: 3,
        rope_scaling: null,
      }),
    ConfigError,
  ) as ConfigError;
  assertEquals(e3.field, "num_key_value_heads");
  const e4 = assertThrows(
    () =>
      hfModelConfig({
        model_type: "llama",
        hidden_size: 8,
        num_attention_heads: 2,
        rope_scaling: { rope_type: "yarn", factor: 2 },
      }),
    ConfigError,
  ) as ConfigError;
  assertEquals(e4.field, "rope_scaling.rope_type");
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    `${dir}/config.json`,
    JSON.stringify({
      model_type: "gpt2",
      vocab_size: 5,
      n_positions: 4,
      n_embd: 4,
      n_layer: 1,
      n_head: 1,
    }),
  );
  await assertRejects(() => loadHfCheckpoint(dir), "neither model.safetensors");
  await Deno.remove(dir, { recursive: true });
  assertAlmostEquals(
    ropeInverseFrequencies({ headDim: 4, ropeTheta: 10000, ropeScaling: null })[1],
    0.01,
    1e-12,
  );
});
