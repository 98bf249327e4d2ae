import { assert, assertEquals, assertNotEquals } from "../assert.ts";
import { knnDecodability } from "../../lib/probes/decodability.ts";
import { umapEmbedding } from "../../lib/probes/umap.ts";
import { Rng } from "../../lib/util/rng.ts";
import { ConfigError } from "../../lib/util/validate.ts";

/** 3 clusters of 30 points in 10 dims, centres 10·e_c. */
function data() {
  const rng = new Rng(0);
  const n = 90, dim = 10;
  const vectors = new Float32Array(n * dim);
  const labels = Array.from({ length: n }, (_, i) => i % 3);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < dim; t++) vectors[i * dim + t] = rng.normal() + (t === labels[i] ? 10 : 0);
  }
  return { vectors, labels, dim };
}

Deno.test("umap: deterministic per seed, different across seeds, separates clusters", async () => {
  const { vectors, labels, dim } = data();
  const opts = { dim, nEpochs: 100, labelNames: ["a", "b", "c"] };
  const r1 = await umapEmbedding(vectors, labels, { ...opts, seed: 1 });
  const r2 = await umapEmbedding(vectors, labels, { ...opts, seed: 1 });
  const r3 = await umapEmbedding(vectors, labels, { ...opts, seed: 2 });
  assertEquals(r1, r2);
  assertNotEquals(r1.map((r) => r.x), r3.map((r) => r.x));
  assertEquals(r1.length, 90);
  assertEquals(r1[4].label, "b");
  assert(r1.every((r) => Number.isFinite(r.x) && Number.isFinite(r.y)));
  const emb = new Float32Array(r1.flatMap((r) => [r.x, r.y]));
  const acc = knnDecodability(emb, labels, { dim: 2 }).accuracy;
  assert(acc >= 0.95, `decodability on the embedding ${acc}`);
});

Deno.test("umap: bad settings raise ConfigError naming the field", async () => {
  const { vectors, labels, dim } = data();
  const field = async (o: Record<string, unknown>) => {
    try {
      await umapEmbedding(vectors, labels, { dim, ...o });
    } catch (e) {
      assert(e instanceof ConfigError, String(e));
      return e.field;
    }
    throw new Error("expected a ConfigError");
  };
  assertEquals(await field({ nNeighbors: 90 }), "nNeighbors");
  assertEquals(await field({ minDist: -1 }), "minDist");
  assertEquals(await field({ dim: 3 }), "dim");
  assertEquals(await field({ nNeighbours: 5 }), "UmapConfig.nNeighbours");
});
