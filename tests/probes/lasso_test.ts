import { assert, assertAllClose, assertThrows } from "../assert.ts";
import { fitLasso, LassoPath } from "../../lib/probes/lasso.ts";
import { choleskySolveInPlace } from "../../lib/numeric/linalg.ts";
import { Rng } from "../../lib/util/rng.ts";
import { ConfigError } from "../../lib/util/validate.ts";

Deno.test("choleskySolveInPlace solves a small SPD system", () => {
  const A = new Float64Array([4, 2, 0, 2, 3, 1, 0, 1, 2]);
  const b = new Float64Array([2, 4, 3]);
  choleskySolveInPlace(A, b, 3); // solution of [[4,2,0],[2,3,1],[0,1,2]] x = [2,4,3]
  assertAllClose(Array.from(b), [0, 1, 1], 1e-12);
});

Deno.test("fitLasso: soft-thresholding on an orthonormal design", () => {
  // X = √2·I (n = 2) so XᵀX/n = I and w = S(Xᵀy/n, α).
  const s = Math.SQRT2;
  const ws = fitLasso([s, 0, 0, s], [1, -0.2], { dim: 2, alphas: [0.1, 0.5, 0] });
  const c = [s / 2, -0.2 * s / 2];
  const soft = (v: number, a: number) => Math.sign(v) * Math.max(0, Math.abs(v) - a);
  assertAllClose(Array.from(ws[0]), [soft(c[0], 0.1), soft(c[1], 0.1)], 1e-12);
  assertAllClose(Array.from(ws[1]), [soft(c[0], 0.5), 0], 1e-12);
  assertAllClose(Array.from(ws[2]), c, 1e-9);
});

/** Max violation of the Lasso KKT conditions: |g_j| ≤ α, and g_j = α·sign(w_j) where w_j ≠ 0. */
function kktViolation(X: Float64Array, y: number[], w: Float64Array, alpha: number, d: number) {
  const n = y.length;
  let worst = 0;
  for (let j = 0; j < d; j++) {
    let g = 0;
    for (let i = 0; i < n; i++) {
      let pred = 0;
      for (let u = 0; u < d; u++) pred += X[i * d + u] * w[u];
      g += X[i * d + j] * (y[i] - pred) / n;
    }
    worst = Math.max(
      worst,
      w[j] === 0 ? Math.max(0, Math.abs(g) - alpha) : Math.abs(g - alpha * Math.sign(w[j])),
    );
  }
  return worst;
}

Deno.test("fitLasso: KKT conditions hold for every α, under- and over-determined", () => {
  const rng = new Rng(2);
  const alphas = [1, 0.1, 0.01, 0.001, 1e-4];
  for (const n of [3, 8, 15, 16, 25]) {
    for (let rep = 0; rep < 10; rep++) {
      const d = 16;
      const X = Float64Array.from(rng.normalArray(n * d));
      const wTrue = rng.normalArray(d).map((v, j) => (j < 4 ? v : 0));
      const y = Array.from({ length: n }, (_, i) => {
        let s = 0.1 * rng.normal();
        for (let j = 0; j < d; j++) s += X[i * d + j] * wTrue[j];
        return s;
      });
      const ws = fitLasso(X, y, { dim: d, alphas });
      ws.forEach((w, a) => {
        const v = kktViolation(X, y, w, alphas[a], d);
        assert(v < 1e-9, `n=${n} α=${alphas[a]}: KKT violation ${v}`);
      });
      // Sparsity shrinks with α.
      const nnz = ws.map((w) => w.filter((v) => v !== 0).length);
      assert(nnz[0] <= nnz[4], `nnz ${nnz}`);
    }
  }
});

Deno.test("LassoPath: incremental points equal a fresh fit; α ≥ max|Xᵀy/n| gives 0", () => {
  const rng = new Rng(3);
  const d = 5, n = 9;
  const X = Float64Array.from(rng.normalArray(n * d));
  const y = Array.from(rng.normalArray(n));
  const path = new LassoPath(d);
  const out = [new Float64Array(d), new Float64Array(d)];
  for (let i = 0; i < n; i++) path.addPoint(X, y[i], i * d);
  path.solve([1e6, 0.05], out);
  assert(out[0].every((v) => v === 0));
  assertAllClose(
    Array.from(out[1]),
    Array.from(fitLasso(X, y, { dim: d, alphas: [0.05] })[0]),
    1e-12,
  );
  assertThrows(() => fitLasso(X, y, { dim: 4, alphas: [0.1] }), ConfigError, "dim");
});
