import { assert, assertAlmostEquals, assertThrows } from "../assert.ts";
import { ConfigError } from "../../lib/util/validate.ts";
import { minimizeLbfgs } from "../../lib/numeric/lbfgs.ts";

/** n-dimensional Rosenbrock: Σ 100 (x_{i+1} − x_i²)² + (1 − x_i)², minimum 0 at (1, …, 1). */
function rosenbrock(x: Float64Array, g: Float64Array): number {
  let f = 0;
  g.fill(0);
  for (let i = 0; i < x.length - 1; i++) {
    const a = x[i + 1] - x[i] * x[i], b = 1 - x[i];
    f += 100 * a * a + b * b;
    g[i] += -400 * a * x[i] - 2 * b;
    g[i + 1] += 200 * a;
  }
  return f;
}

Deno.test("minimizeLbfgs: 2-D Rosenbrock from (−1.2, 1) reaches (1, 1)", () => {
  const r = minimizeLbfgs(rosenbrock, [-1.2, 1]);
  assert(r.converged, r.message);
  assertAlmostEquals(r.x[0], 1, 1e-6);
  assertAlmostEquals(r.x[1], 1, 1e-6);
  assert(r.f < 1e-12, `f = ${r.f}`);
  assert(r.iterations < 100, `${r.iterations} iterations`);
});

Deno.test("minimizeLbfgs: 10-D Rosenbrock from alternating start", () => {
  const x0 = Array.from({ length: 10 }, (_, i) => (i % 2 ? 1 : -1.2));
  const r = minimizeLbfgs(rosenbrock, x0);
  for (const v of r.x) assertAlmostEquals(v, 1, 1e-5);
});

Deno.test("minimizeLbfgs: ill-conditioned quadratic, and the iteration cap is reported", () => {
  const q = (x: Float64Array, g: Float64Array) => {
    g[0] = 2 * (x[0] - 3), g[1] = 2e4 * (x[1] + 1);
    return (x[0] - 3) ** 2 + 1e4 * (x[1] + 1) ** 2;
  };
  const r = minimizeLbfgs(q, [0, 0]);
  assertAlmostEquals(r.x[0], 3, 1e-7);
  assertAlmostEquals(r.x[1], -1, 1e-7);
  const capped = minimizeLbfgs(rosenbrock, [-1.2, 1], { maxIterations: 3 });
  assert(!capped.converged && capped.message === "iteration cap" && capped.iterations === 3);
});

Deno.test("minimizeLbfgs: bad options fail with ConfigError naming the field", () => {
  assertThrows(() => minimizeLbfgs(rosenbrock, [0, 0], { memory: 0 }), ConfigError, "memory");
  assertThrows(() => minimizeLbfgs(rosenbrock, [0, 0], { c2: 1e-6 }), ConfigError, "c2");
  assertThrows(
    () => minimizeLbfgs(rosenbrock, [0, 0], { tol: 1 } as never),
    ConfigError,
    "lbfgs.tol",
  );
});
