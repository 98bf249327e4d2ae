import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../assert.ts";
import {
  decodabilityByLayer,
  decodabilityRows,
  knnDecodability,
} from "../../lib/probes/decodability.ts";
import { Rng } from "../../lib/util/rng.ts";
import { ConfigError } from "../../lib/util/validate.ts";

/** n points per class around centres sep·e_c in `dim` dims, unit Gaussian noise. */
function clusters(nPer: number, nClasses: number, dim: number, sep: number, seed = 0) {
  const rng = new Rng(seed);
  const vectors = new Float32Array(nPer * nClasses * dim);
  const labels = new Int32Array(nPer * nClasses);
  for (let i = 0; i < labels.length; i++) {
    labels[i] = i % nClasses;
    for (let t = 0; t < dim; t++) vectors[i * dim + t] = rng.normal() + (t === labels[i] ? sep : 0);
  }
  return { vectors, labels };
}

Deno.test("decodability: 1.0 on well-separated clusters, diagonal confusion", () => {
  const { vectors, labels } = clusters(50, 4, 32, 12);
  const r = knnDecodability(vectors, labels, { dim: 32 });
  assertEquals(r.accuracy, 1);
  assertEquals(r.perConcept, [1, 1, 1, 1]);
  assertEquals(r.confusion, [[50, 0, 0, 0], [0, 50, 0, 0], [0, 0, 50, 0], [0, 0, 0, 50]]);
  assertEquals(r.majorityRate, 0.25);
});

Deno.test("decodability: ≈ chance on random labels", () => {
  const rng = new Rng(1);
  const n = 400, dim = 64;
  const vectors = rng.normalArray(n * dim);
  const labels = Array.from({ length: n }, () => rng.int(4));
  const r = knnDecodability(vectors, labels, { dim });
  assertAlmostEquals(r.accuracy, 0.25, 0.08, `accuracy ${r.accuracy}`);
  const total = r.confusion.flat().reduce((s, v) => s + v, 0);
  assertEquals(total, n);
});

Deno.test("decodability: hand-built 1-D case, per-concept accuracy and tie-breaking", () => {
  // Points on a line; k = 3.
  // idx:    0    1    2    3    4    5
  // x:      0    1    2   10   11   30
  // label:  0    0    1    1    1    0
  const x = new Float32Array([0, 1, 2, 10, 11, 30]);
  const labels = [0, 0, 1, 1, 1, 0];
  const r = knnDecodability(x, labels, { dim: 1, k: 3 });
  // 0: nn 1(0),2(1),3(1) → 1 ✗; 1: nn 0(0),2(1),3(1) → 1 ✗; 2: nn 1(0),0(0),3(1) → 0 ✗;
  // 3: nn 4(1),2(1),1(0) → 1 ✓; 4: nn 3(1),2(1),1(0) → 1 ✓; 5: nn 4,3,2 → 1 ✗.
  assertEquals(Array.from(r.predictions), [1, 1, 0, 1, 1, 1]);
  assertAlmostEquals(r.accuracy, 2 / 6, 1e-12);
  assertEquals(r.perConcept, [0, 2 / 3]);
  assertEquals(r.confusion, [[0, 3], [1, 2]]);

  // Ties in votes go to the nearest neighbour's class among the tied classes.
  const z = new Float32Array([0, 1, -2, 5]);
  const zl = [0, 1, 2, 2];
  assertEquals(knnDecodability(z, zl, { dim: 1, k: 2 }).predictions[0], 1); // 1 vs 2: nearest is 1
  assertEquals(knnDecodability(z, zl, { dim: 1, k: 3 }).predictions[0], 2); // 2 has two votes
  // Equidistant neighbours are ordered by index: point 0's 1-NN among 1 (label 2), 3 (label 1).
  const y = new Float32Array([0, 1, 3, -1]);
  assertEquals(knnDecodability(y, [0, 2, 1, 1], { dim: 1, k: 1 }).predictions[0], 2);
  assertEquals(knnDecodability(y, [0, 2, 1, 1], { dim: 1, k: 2 }).predictions[0], 2);
});

Deno.test("decodability: by layer, rows, validation", () => {
  const sep = clusters(20, 3, 8, 15, 2);
  const rng = new Rng(3);
  const noise = rng.normalArray(60 * 8);
  const byLayer = decodabilityByLayer([noise, sep.vectors], sep.labels, { dim: 8, k: 5 });
  assertEquals(byLayer.map((l) => l.layer), [1, 2]);
  assert(byLayer[0].accuracy < 0.6 && byLayer[1].accuracy === 1);
  const rows = decodabilityRows(byLayer, { conceptNames: ["a", "b", "c"] });
  assertEquals(rows.length, 2 * 4);
  assertEquals(rows[4], { layer: 2, concept: "all", accuracy: 1 });
  assertEquals(rows[5].concept, "a");
  const field = (fn: () => unknown) => (assertThrows(fn, ConfigError) as ConfigError).field;
  assertEquals(field(() => knnDecodability(noise, sep.labels, { dim: 8, k: 60 })), "k");
  assertEquals(field(() => knnDecodability(noise, sep.labels, { dim: 7 })), "dim");
  assertEquals(
    field(() => knnDecodability(noise.subarray(0, 16), [0, -1], { dim: 8, k: 1 })),
    "labels",
  );
  assertEquals(
    field(() => knnDecodability(noise, sep.labels, { dim: 8, nClasses: 2 })),
    "nClasses",
  );
});
