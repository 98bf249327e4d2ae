import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../assert.ts";
import {
  type BaselineRow,
  DEFAULT_LASSO_ALPHAS,
  regressionBaselines,
} from "../../lib/probes/baselines.ts";
import { SparseRegressionTask } from "../../lib/tasks/sparse_regression.ts";
import type { RegressionBatch } from "../../lib/tasks/regression_batch.ts";
import { interleaveRegressionTokens } from "../../lib/tasks/regression_batch.ts";
import { ConfigError } from "../../lib/util/validate.ts";
import { linearTargets } from "../tasks/linear_targets.ts";

const task = new SparseRegressionTask({ seed: 3 });
const test = task.testSet({ size: 400 });
const rows = regressionBaselines(test, { bases: task.bases, normaliser: task.normaliser });
const at = (method: string, k: number, r: BaselineRow[] = rows) =>
  r.find((x) => x.method === method && x.k === k && x.concept === "all")!;

Deno.test("baselines: one row per (k, method), k = 0 … nPoints−1, normalised by r", () => {
  assertEquals(rows.length, 20 * 4);
  for (const r of rows) assertAlmostEquals(r.mseNormalised, r.mse / 4, 1e-12);
  for (const m of ["oracle", "leastSquares", "lasso"]) {
    assertAlmostEquals(
      at(m, 0).mse,
      at("zero", 0).mse,
      1e-12,
      "no examples: every method predicts 0",
    );
  }
  for (let k = 0; k < 20; k++) {
    const z = at("zero", k).mseNormalised;
    assert(z > 0.7 && z < 1.4, `zero baseline ≈ 1 at k=${k}: ${z}`);
    assert(DEFAULT_LASSO_ALPHAS.includes(at("lasso", k).alpha!), "alpha from the grid");
    assertEquals(at("oracle", k).alpha, null);
  }
});

Deno.test("baselines: oracle ≈ noise after r examples, 16-dim LS needs ~16, Lasso in between", () => {
  // Theory for Gaussian designs: MSE = σ²(1 + p/(k − p − 1)) with p = 4 (oracle) or 16 (LS).
  for (const k of [8, 12, 19]) {
    const theory = 0.01 * (1 + 4 / (k - 5));
    assertAlmostEquals(
      at("oracle", k).mse,
      theory,
      0.5 * theory,
      `oracle k=${k}: ${at("oracle", k).mse}`,
    );
  }
  assert(at("leastSquares", 8).mseNormalised > 0.3, "LS far from solved at k=8");
  assert(at("leastSquares", 12).mseNormalised > 0.15, "LS far from solved at k=12");
  assert(
    at("leastSquares", 19).mseNormalised < 0.05,
    `LS solved at k=19: ${at("leastSquares", 19).mseNormalised}`,
  );
  for (const k of [6, 8, 12]) {
    const [o, l, s] = [at("oracle", k).mse, at("lasso", k).mse, at("leastSquares", k).mse];
    assert(o < l && l < s, `k=${k}: oracle ${o} < lasso ${l} < LS ${s}`);
  }
});

/** A noise-free batch: xs and ws from the task, ys recomputed as wᵀx exactly. */
function noiseFree(b: RegressionBatch): RegressionBatch {
  const ys = Float32Array.from(linearTargets(b));
  return { ...b, ys, tokens: interleaveRegressionTokens(b.xs, ys, b) };
}

Deno.test("baselines: exact recovery without noise (oracle from k = r, LS from k = D)", () => {
  const t = new SparseRegressionTask({ noiseStd: 0, seed: 9 });
  const b = noiseFree(t.sample(30));
  const r = regressionBaselines(b, {
    bases: t.bases,
    normaliser: 4,
    methods: ["oracle", "leastSquares"],
  });
  for (let k = 4; k < 20; k++) assert(at("oracle", k, r).mseNormalised < 1e-8, `oracle k=${k}`);
  assert(at("oracle", 3, r).mseNormalised > 1e-3, "oracle k=3 underdetermined");
  for (let k = 16; k < 20; k++) assert(at("leastSquares", k, r).mseNormalised < 1e-6, `LS k=${k}`);
  assert(at("leastSquares", 15, r).mseNormalised > 1e-3, "LS k=15 underdetermined");
});

Deno.test("baselines: minimum-norm LS with one example predicts y₁·(x₁·x_q)/‖x₁‖²", () => {
  const x1 = [1, 2, 0], xq = [3, 1, 1], y1 = 2;
  const xs = new Float32Array([...x1, ...xq]);
  const ys = new Float32Array([y1, 0]);
  const b: RegressionBatch = {
    batch: 1,
    nPoints: 2,
    dim: 3,
    xs,
    ys,
    ws: new Float32Array(3),
    concepts: new Int32Array(1),
    tokens: interleaveRegressionTokens(xs, ys, { batch: 1, nPoints: 2, dim: 3 }),
  };
  const r = regressionBaselines(b, { methods: ["leastSquares"], ks: [1], normaliser: 1 });
  const pred = y1 * (3 + 2) / 5;
  assertAlmostEquals(r[0].mse, pred ** 2, 1e-8); // target y_q = 0
});

Deno.test("baselines: per-concept rows, all-alpha rows, validation", () => {
  const r = regressionBaselines(test, {
    bases: task.bases,
    normaliser: 4,
    ks: [5, 10],
    perConcept: true,
    allAlphas: true,
  });
  const perC = r.filter((x) => x.method === "zero" && x.k === 5 && x.concept !== "all");
  assertEquals(perC.length, 4);
  assertEquals(perC.reduce((s, x) => s + x.n, 0), 400);
  const pooled = perC.reduce((s, x) => s + x.mse * x.n, 0) / 400;
  assertAlmostEquals(pooled, at("zero", 5, r).mse, 1e-9);
  assertEquals(r.filter((x) => x.method === "lasso" && x.k === 10 && !x.alphaChosen).length, 4);
  const chosen = at("lasso", 10, r);
  for (const x of r.filter((x) => x.method === "lasso" && x.k === 10 && !x.alphaChosen)) {
    assert(x.mse >= chosen.mse, "the chosen α is the best on the batch");
  }
  // Without bases the oracle is left out by default, and asking for it fails.
  assert(!regressionBaselines(test, { ks: [3] }).some((x) => x.method === "oracle"));
  const field = (fn: () => unknown) => (assertThrows(fn, ConfigError) as ConfigError).field;
  assertEquals(field(() => regressionBaselines(test, { methods: ["oracle"] })), "bases");
  assertEquals(field(() => regressionBaselines(test, { ks: [20] })), "ks");
  assertEquals(field(() => regressionBaselines(test, { lassoAlphas: [-1] })), "lassoAlphas");
  // deno-lint-ignore no-explicit-any
  assertEquals(field(() => regressionBaselines(test, { methods: ["ridge" as any] })), "methods");
});
