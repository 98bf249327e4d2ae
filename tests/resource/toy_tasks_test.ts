import { assertAlmostEquals, assertEquals, assertThrows } from "../assert.ts";
import { Rng } from "../../lib/util/rng.ts";
import { ConfigError } from "../../lib/util/validate.ts";
import { sampleToyTask, TARGETS, toyTask } from "../../lib/resource/mod.ts";
import { pointAt } from "../../lib/resource/toy_tasks.ts";

Deno.test("tasks compute their targets and intermediates", () => {
  assertEquals(toyTask({ kind: "single" }).target([0.5]), [0.25]);
  const par = toyTask({ kind: "parallel", beta: 0.75 });
  assertEquals(par.target([0.5, -1]), [0.25, 1]);
  assertEquals(par.lossWeights, [0.75, 0.25]);
  const seq = toyTask({ kind: "sequential" });
  assertAlmostEquals(seq.target([1, 0, 0.5, -0.5])[0], Math.sqrt(2), 1e-15);
  assertEquals(seq.intermediates.g([1, 0, 0.5, -0.5]), 2);
  assertAlmostEquals(
    toyTask({ kind: "function", fn: "sin^2(pi x)" }).target([0.5])[0],
    1,
    1e-15,
  );
  assertEquals(Object.keys(TARGETS).length, 10);
});

Deno.test("sampled data lie in [-1, 1] and match the target", () => {
  const task = toyTask({ kind: "parallel", beta: 0.5 });
  const d = sampleToyTask(task, 50, new Rng(0));
  for (let p = 0; p < 50; p++) {
    const x = pointAt(d, 2, p);
    for (const v of x) if (v < -1 || v >= 1) throw new Error(`x out of range: ${v}`);
    assertEquals([d.y[p], d.y[50 + p]], task.target(x));
  }
});

Deno.test("a bad task spec names its field", () => {
  assertEquals(
    (assertThrows(() => toyTask({ kind: "parallel", beta: 1.2 }), ConfigError) as ConfigError)
      .field,
    "task.beta",
  );
  assertEquals(
    (assertThrows(
      () => toyTask({ kind: "function", fn: "x^5" as never }),
      ConfigError,
    ) as ConfigError).field,
    "task.fn",
  );
  assertEquals(
    (assertThrows(() => toyTask({ kind: "triple" as never }), ConfigError) as ConfigError)
      .field,
    "task.kind",
  );
});
