import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../assert.ts";
import {
  DEFAULT_REGRESSION_FAMILIES,
  regressionFamiliesConfig,
  RegressionFamiliesTask,
  regressionFamilyScale,
  regressionFamilySecondMoment,
} from "../../lib/tasks/regression_families.ts";
import { ConfigError } from "../../lib/util/validate.ts";
import { linearTargets } from "./linear_targets.ts";

Deno.test("regression families: y follows each family's link, noise σ = 0.1", () => {
  const task = new RegressionFamiliesTask({ seed: 5 });
  assertEquals(task.conceptNames, ["linear", "sparse", "leakyRelu", "quadratic"]);
  const b = task.perConceptSet(50);
  const D = 16, a = 0.01;
  const scale = [
    1 / 4,
    1 / 2,
    Math.sqrt(2 / ((1 + a * a) * D)),
    1 / Math.sqrt(3 * (D * D + 2 * D)),
  ];
  const f = [
    (z: number) => scale[0] * z,
    (z: number) => scale[1] * z,
    (z: number) => scale[2] * (z >= 0 ? z : a * z),
    (z: number) => scale[3] * z * z,
  ];
  const z = linearTargets(b);
  let se = 0;
  for (let s = 0; s < b.batch; s++) {
    const c = b.concepts[s];
    for (let j = 0; j < D; j++) {
      const w = b.ws[s * D + j];
      if (c === 1) assert((j < 4) === (w !== 0), `sparse family: dim ${j} w ${w}`);
      else assert(w !== 0, "dense w");
    }
    for (let p = 0; p < b.nPoints; p++) {
      se += (b.ys[s * b.nPoints + p] - f[c](z[s * b.nPoints + p])) ** 2;
    }
  }
  const n = z.length;
  assertAlmostEquals(se / n, 0.01, 0.001, `residual variance ${se / n}`);
});

Deno.test("regression families: normalised E[y²] ≈ 1 per family; exact moments", () => {
  const task = new RegressionFamiliesTask({ seed: 6, noiseStd: 0 });
  assertEquals(task.conceptNormalisers, [1, 1, 1, 1]);
  const b = task.perConceptSet(1500);
  const sums = [0, 0, 0, 0];
  for (let s = 0; s < b.batch; s++) {
    for (let p = 0; p < 20; p++) sums[b.concepts[s]] += b.ys[s * 20 + p] ** 2 / (1500 * 20);
  }
  const tol = [0.06, 0.08, 0.06, 0.2]; // the quadratic family is heavy-tailed
  sums.forEach((m, c) => assertAlmostEquals(m, 1, tol[c], `family ${c}: E[y²] = ${m}`));
  const raw = { ...DEFAULT_REGRESSION_FAMILIES, normalise: false };
  assertEquals(regressionFamilySecondMoment("linear", raw), 16);
  assertEquals(regressionFamilySecondMoment("sparse", raw), 4);
  assertAlmostEquals(regressionFamilySecondMoment("leakyRelu", raw), 8.0008, 1e-9);
  assertEquals(regressionFamilySecondMoment("quadratic", raw), 864);
  assertEquals(regressionFamilyScale("linear", DEFAULT_REGRESSION_FAMILIES), 0.25);
  assertEquals(regressionFamilyScale("quadratic", raw), 1);
  const unnorm = new RegressionFamiliesTask({ normalise: false });
  assertAlmostEquals(unnorm.normaliser, (16 + 4 + 8.0008 + 864) / 4, 1e-9);
});

Deno.test("regression families: subset of families, seeds", () => {
  const t = new RegressionFamiliesTask({ families: ["quadratic", "linear"], seed: 1 });
  assertEquals(t.nConcepts, 2);
  const b = t.sample(100);
  assert(b.concepts.every((c) => c === 0 || c === 1));
  assertEquals(
    Array.from(
      new RegressionFamiliesTask({ seed: 1, families: ["quadratic", "linear"] }).sample(100).ys,
    ),
    Array.from(b.ys),
  );
});

Deno.test("regression families: bad configs raise ConfigError naming the field", () => {
  const field = (fn: () => unknown) => (assertThrows(fn, ConfigError) as ConfigError).field;
  // deno-lint-ignore no-explicit-any
  assertEquals(field(() => regressionFamiliesConfig({ families: ["cubic" as any] })), "families");
  assertEquals(field(() => regressionFamiliesConfig({ families: [] })), "families");
  assertEquals(
    field(() => regressionFamiliesConfig({ families: ["linear", "linear"] })),
    "families",
  );
  assertEquals(field(() => regressionFamiliesConfig({ leakySlope: 2 })), "leakySlope");
  assertEquals(field(() => regressionFamiliesConfig({ sparseBasis: [16] })), "sparseBasis");
  assertEquals(field(() => regressionFamiliesConfig({ dim: 0 })), "dim");
  // deno-lint-ignore no-explicit-any
  assertEquals(field(() => regressionFamiliesConfig({ normalise: "yes" as any })), "normalise");
});
