/**
 * The `--checkpoint` path end to end on a tiny random GPT-2 checkpoint the test writes itself
 * (HF layout, a byte-level tokenizer.json without merges): greedy decoding, TD, interventions
 * and both LoRA arms run, and the summary has its shape.
 */
import { initBackend } from "../../lib/backend/backend.ts";
import { iclLmConfig } from "../../lib/icl_lm/config.ts";
import { loadIclLmRun, runIclLm } from "../../lib/icl_lm/experiment.ts";
import { encodeSafetensors, type NamedArray } from "../../lib/store/checkpoint.ts";
import { openResults } from "../../lib/store/results.ts";
import { toByteLevel } from "../../lib/text/hf_tokenizer.ts";
import { Rng } from "../../lib/util/rng.ts";
import { assert, assertEquals } from "../assert.ts";

await initBackend({ backend: "wasm", quiet: true });

async function tinyGpt2(dir: string) {
  const V = 256, P = 128, d = 16, L = 2, rng = new Rng("tiny-gpt2");
  const t = (shape: number[], std = 0.2, mean = 0): NamedArray => {
    const n = shape.reduce((a, b) => a * b, 1);
    return { data: rng.normalArray(n, std).map((x) => x + mean), shape };
  };
  const tensors: Record<string, NamedArray> = {
    "wte.weight": t([V, d]),
    "wpe.weight": t([P, d]),
    "ln_f.weight": t([d], 0.05, 1),
    "ln_f.bias": t([d], 0.05),
  };
  for (let i = 0; i < L; i++) {
    Object.assign(tensors, {
      [`h.${i}.ln_1.weight`]: t([d], 0.05, 1),
      [`h.${i}.ln_1.bias`]: t([d], 0.05),
      [`h.${i}.attn.c_attn.weight`]: t([d, 3 * d]),
      [`h.${i}.attn.c_attn.bias`]: t([3 * d], 0.05),
      [`h.${i}.attn.c_proj.weight`]: t([d, d]),
      [`h.${i}.attn.c_proj.bias`]: t([d], 0.05),
      [`h.${i}.ln_2.weight`]: t([d], 0.05, 1),
      [`h.${i}.ln_2.bias`]: t([d], 0.05),
      [`h.${i}.mlp.c_fc.weight`]: t([d, 4 * d]),
      [`h.${i}.mlp.c_fc.bias`]: t([4 * d], 0.05),
      [`h.${i}.mlp.c_proj.weight`]: t([4 * d, d]),
      [`h.${i}.mlp.c_proj.bias`]: t([d], 0.05),
    });
  }
  await Deno.writeFile(`${dir}/model.safetensors`, encodeSafetensors(tensors));
  await Deno.writeTextFile(
    `${dir}/config.json`,
    JSON.stringify({
      model_type: "gpt2",
      vocab_size: V,
      n_positions: P,
      n_embd: d,
      n_layer: L,
      n_head: 2,
    }),
  );
  const vocab = Object.fromEntries(
    Array.from({ length: 256 }, (_, b) => [toByteLevel(Uint8Array.of(b)), b]),
  );
  await Deno.writeTextFile(
    `${dir}/tokenizer.json`,
    JSON.stringify({
      pre_tokenizer: { type: "ByteLevel", add_prefix_space: false, use_regex: true },
      decoder: { type: "ByteLevel" },
      model: { type: "BPE", vocab, merges: [] },
    }),
  );
}

Deno.test("a Hugging Face checkpoint runs through the whole experiment (greedy decoding, LoRA)", async () => {
  const dir = await Deno.makeTempDir();
  await tinyGpt2(dir);
  const store = openResults(":memory:");
  const cfg = iclLmConfig("smoke", { tasks: ["bitwise"], evalShots: [1], maxNewTokens: 7 });
  const res = await runIclLm(cfg, {
    store,
    name: "ckpt",
    checkpoint: dir,
    checkpointDir: `${dir}/ckpt`,
  });
  assert(res.summary.model.source.startsWith("gpt2 checkpoint"));
  assertEquals(res.summary.model.nLayers, 2);
  assertEquals(Object.keys(res.summary.accuracy_per_concept.bitwise).length, 7);
  assert(res.summary.td_layer.bitwise >= 1 && res.summary.td_layer.bitwise <= 2);
  assertEquals(res.summary.finetune?.first.layers, [1]);
  assertEquals(res.summary.finetune?.last.layers, [2]);
  assertEquals(res.history, []);
  const again = loadIclLmRun(store, cfg, { name: "ckpt", checkpoint: dir });
  assertEquals(again?.summary.td_layer, res.summary.td_layer);
  assertEquals(again?.base[0].accuracy, res.base[0].accuracy);
  store.close();
  await Deno.remove(dir, { recursive: true });
});
