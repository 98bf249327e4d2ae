import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertNotEquals,
  assertThrows,
} from "../assert.ts";
import {
  DEFAULT_SPARSE_REGRESSION,
  OVERLAPPING_BASIS_GROUPS,
  overlappingBases,
  SPARSE_REGRESSION_VARIANTS,
  sparseRegressionBases,
  sparseRegressionConfig,
  sparseRegressionNormaliser,
  SparseRegressionTask,
} from "../../lib/tasks/sparse_regression.ts";
import type { RegressionBatch } from "../../lib/tasks/regression_batch.ts";
import { ConfigError } from "../../lib/util/validate.ts";
import { linearTargets } from "./linear_targets.ts";

/** y − wᵀx for every point (the noise), in float64. */
function residuals(b: RegressionBatch): Float64Array {
  return linearTargets(b).map((z, i) => b.ys[i] - z);
}

function configError(fn: () => unknown): ConfigError {
  return assertThrows(fn, ConfigError) as ConfigError;
}

Deno.test("sparse regression: batch shapes and Garg et al. interleaving", () => {
  const b = new SparseRegressionTask().sample(5);
  assertEquals([b.batch, b.nPoints, b.dim], [5, 20, 16]);
  assertEquals(b.xs.length, 5 * 20 * 16);
  assertEquals(b.ys.length, 5 * 20);
  assertEquals(b.ws.length, 5 * 16);
  assertEquals(b.concepts.length, 5);
  assertEquals(b.tokens.length, 5 * 40 * 16);
  for (let s = 0; s < 5; s++) {
    for (let p = 0; p < 20; p++) {
      const xTok = b.tokens.subarray(((s * 40) + 2 * p) * 16, ((s * 40) + 2 * p + 1) * 16);
      const yTok = b.tokens.subarray(((s * 40) + 2 * p + 1) * 16, ((s * 40) + 2 * p + 2) * 16);
      assertEquals(
        Array.from(xTok),
        Array.from(b.xs.subarray((s * 20 + p) * 16, (s * 20 + p + 1) * 16)),
      );
      assertEquals(yTok[0], b.ys[s * 20 + p]);
      assert(yTok.subarray(1).every((v) => v === 0), "y token padded with zeros");
    }
  }
});

Deno.test("sparse regression: w is zero outside its basis and non-zero inside", () => {
  const task = new SparseRegressionTask({ seed: 4 });
  const b = task.sample(200);
  assertEquals(task.bases, [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11], [12, 13, 14, 15]]);
  for (let s = 0; s < b.batch; s++) {
    const basis = new Set(task.bases[b.concepts[s]]);
    for (let j = 0; j < 16; j++) {
      const w = b.ws[s * 16 + j];
      assert(basis.has(j) ? w !== 0 : w === 0, `seq ${s} dim ${j}: w = ${w}`);
    }
  }
});

Deno.test("sparse regression: same seed same batch, different seed or next call differs", () => {
  const a = new SparseRegressionTask({ seed: 7 }).sample(16);
  const t2 = new SparseRegressionTask({ seed: 7 });
  const b = t2.sample(16);
  assertEquals(a, b);
  assertNotEquals(Array.from(t2.sample(16).xs), Array.from(a.xs));
  const c = new SparseRegressionTask({ seed: 8 }).sample(16);
  assertNotEquals(Array.from(c.xs), Array.from(a.xs));
  assertNotEquals(Array.from(c.ws), Array.from(a.ws));
});

Deno.test("sparse regression: fixed test set of 1,000, independent of the training stream", () => {
  const task = new SparseRegressionTask({ seed: 1 });
  const t1 = task.testSet();
  task.sample(32);
  const t2 = task.testSet();
  assertEquals(t1.batch, 1000);
  assertEquals(Array.from(t1.ys), Array.from(t2.ys));
  assertNotEquals(
    Array.from(t1.ys.subarray(0, 640)),
    Array.from(new SparseRegressionTask({ seed: 1 }).sample(32).ys),
  );
  assertNotEquals(
    Array.from(new SparseRegressionTask({ seed: 2 }).testSet({ size: 10 }).ys),
    Array.from(t1.ys.subarray(0, 200)),
  );
});

Deno.test("sparse regression: noise variance ≈ 0.01, Var(y) ≈ r + σ², uniform concepts", () => {
  const task = new SparseRegressionTask({ seed: 11 });
  const b = task.sample(4000);
  const r = residuals(b);
  let m = 0, v = 0;
  for (const e of r) m += e;
  m /= r.length;
  for (const e of r) v += (e - m) ** 2;
  v /= r.length - 1;
  assertAlmostEquals(m, 0, 0.003, `noise mean ${m}`);
  assertAlmostEquals(v, 0.01, 0.0005, `noise variance ${v}`); // SE ≈ 5e-5
  let y2 = 0;
  for (const y of b.ys) y2 += y * y;
  y2 /= b.ys.length;
  assertAlmostEquals(y2, 4.01, 0.3, `E[y²] = ${y2}`);
  assertEquals(task.normaliser, 4);
  assertEquals(sparseRegressionNormaliser({ rank: 4 }), 4);
  const counts = [0, 0, 0, 0];
  for (const c of b.concepts) counts[c]++;
  for (const c of counts) assert(Math.abs(c - 1000) < 120, `concept counts ${counts}`);
});

Deno.test("sparse regression: forcing concepts, per-concept sets", () => {
  const task = new SparseRegressionTask();
  assert(task.sample(20, { concepts: 2 }).concepts.every((c) => c === 2));
  assertEquals(Array.from(task.sample(3, { concepts: [3, 0, 1] }).concepts), [3, 0, 1]);
  const p = task.perConceptSet(3);
  assertEquals(Array.from(p.concepts), [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]);
  assertEquals(Array.from(task.perConceptSet(3).xs), Array.from(p.xs));
  assertEquals(configError(() => task.sample(4, { concepts: 4 })).field, "concepts");
  assertEquals(configError(() => task.sample(4, { concepts: [0, 1] })).field, "concepts");
  assertEquals(configError(() => task.sample(0)).field, "batchSize");
});

Deno.test("sparse regression variants: 6 bases in 24 dims, 8 overlapping bases", () => {
  const six = new SparseRegressionTask(SPARSE_REGRESSION_VARIANTS.sixBases);
  assertEquals(six.bases.length, 6);
  assertEquals(six.bases[5], [20, 21, 22, 23]);
  assertEquals(six.sample(2).tokens.length, 2 * 40 * 24);

  const ov = overlappingBases();
  assertEquals(ov, [
    [0, 1, 2, 3],
    [2, 3, 4, 5],
    [4, 5, 6, 7],
    [6, 7, 0, 1],
    [8, 9, 10, 11],
    [10, 11, 12, 13],
    [12, 13, 14, 15],
    [14, 15, 8, 9],
  ]);
  const task = new SparseRegressionTask(SPARSE_REGRESSION_VARIANTS.overlapping);
  assertEquals(task.nConcepts, 8);
  const b = task.sample(100);
  for (let s = 0; s < b.batch; s++) {
    const basis = new Set(task.bases[b.concepts[s]]);
    for (let j = 0; j < 16; j++) assert(basis.has(j) || b.ws[s * 16 + j] === 0);
    // each basis lies inside its group's 8 dims
    const g = OVERLAPPING_BASIS_GROUPS[b.concepts[s]];
    assert([...basis].every((j) => Math.floor(j / 8) === g));
  }
});

Deno.test("sparse regression: bad configs raise ConfigError naming the field", () => {
  assertEquals(configError(() => new SparseRegressionTask({ nBases: 5 })).field, "bases");
  assertEquals(configError(() => new SparseRegressionTask({ nBases: 0 })).field, "nBases");
  assertEquals(configError(() => new SparseRegressionTask({ rank: 17 })).field, "rank");
  assertEquals(configError(() => new SparseRegressionTask({ noiseStd: -0.1 })).field, "noiseStd");
  assertEquals(configError(() => new SparseRegressionTask({ nPoints: 2.5 })).field, "nPoints");
  assertEquals(
    configError(() => new SparseRegressionTask({ bases: [[0, 1, 2, 3]] })).field,
    "bases",
  );
  assertEquals(
    configError(() => new SparseRegressionTask({ nBases: 1, bases: [[0, 1, 2, 16]] })).field,
    "bases",
  );
  assertEquals(
    configError(() => new SparseRegressionTask({ nBases: 1, bases: [[0, 0, 1, 2]] })).field,
    "bases",
  );
  // deno-lint-ignore no-explicit-any
  const typo = configError(() => new SparseRegressionTask({ nBase: 4 } as any));
  assertEquals(typo.field, "SparseRegressionConfig.nBase");
  const err = configError(() => sparseRegressionConfig({ nBases: 5 }));
  assert(err.message.includes("rank·nBases <= dim"), err.message);
  assertEquals(sparseRegressionBases(DEFAULT_SPARSE_REGRESSION).length, 4);
});

Deno.test("sparse regression: yToken separate widens tokens by one and leaves the data unchanged", () => {
  const shared = new SparseRegressionTask({ seed: 3 });
  const sep = new SparseRegressionTask({ seed: 3, yToken: "separate" });
  const a = shared.sample(4), b = sep.sample(4);
  assertEquals([sep.tokenDim, b.tokenDim, b.tokens.length], [17, 17, 4 * 40 * 17]);
  assertEquals(b.xs, a.xs);
  assertEquals(b.ys, a.ys);
  assertEquals(b.tokens[17 + 16], a.ys[0], "y_1 in the last coordinate of token 1");
  assertEquals(b.tokens[17], 0, "coordinate 0 of the y token is empty");
  assertThrows(() => new SparseRegressionTask({ yToken: "both" as never }), ConfigError, "yToken");
});
