import { assertEquals, assertThrows } from "../assert.ts";
import { interleaveRegressionTokens, resolveConcepts } from "../../lib/tasks/regression_batch.ts";
import { Rng } from "../../lib/util/rng.ts";
import { ConfigError } from "../../lib/util/validate.ts";

Deno.test("interleaveRegressionTokens: hand-built case", () => {
  // batch 1, 2 points, dim 3
  const xs = new Float32Array([1, 2, 3, 4, 5, 6]);
  const ys = new Float32Array([7, 8]);
  const t = interleaveRegressionTokens(xs, ys, { batch: 1, nPoints: 2, dim: 3 });
  assertEquals(Array.from(t), [1, 2, 3, 7, 0, 0, 4, 5, 6, 8, 0, 0]);
  assertThrows(
    () => interleaveRegressionTokens(xs, ys, { batch: 2, nPoints: 2, dim: 3 }),
    ConfigError,
  );
});

Deno.test("resolveConcepts: uniform, forced, per-sequence, invalid", () => {
  const u = resolveConcepts(1000, 3, undefined, new Rng(0));
  assertEquals(new Set(u).size, 3);
  assertEquals(Array.from(resolveConcepts(3, 3, 1, new Rng(0))), [1, 1, 1]);
  assertEquals(Array.from(resolveConcepts(2, 3, [2, 0], new Rng(0))), [2, 0]);
  assertThrows(() => resolveConcepts(2, 3, -1, new Rng(0)), ConfigError, "concepts");
  assertThrows(() => resolveConcepts(2, 3, [0, 1.5], new Rng(0)), ConfigError, "concepts");
});

Deno.test("interleaveRegressionTokens: y in its own, last input dimension when tokens are wider", () => {
  const xs = new Float32Array([1, 2, 3, 4, 5, 6]);
  const ys = new Float32Array([7, 8]);
  const t = interleaveRegressionTokens(xs, ys, { batch: 1, nPoints: 2, dim: 3, tokenDim: 4 });
  assertEquals(Array.from(t), [1, 2, 3, 0, 0, 0, 0, 7, 4, 5, 6, 0, 0, 0, 0, 8]);
});
