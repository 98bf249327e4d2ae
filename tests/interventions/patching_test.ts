import { tf } from "../../lib/deps.ts";
import { initBackend } from "../../lib/backend/backend.ts";
import { conceptMeans, conceptPatchHooks } from "../../lib/interventions/patching.ts";
import { ConfigError } from "../../lib/util/validate.ts";
import { assertAllClose, assertEquals, assertThrows } from "../assert.ts";

await initBackend({ backend: "cpu", quiet: true });

Deno.test("conceptMeans averages states per concept and position", () => {
  // 3 sequences, 2 positions, d = 2; labels 0, 1, 0.
  const states = Float32Array.from([1, 2, 3, 4, /**/ 10, 10, 10, 10, /**/ 3, 4, 5, 6]);
  const m = conceptMeans(states, [0, 1, 0], {
    layer: 2,
    positions: [5, 6],
    nConcepts: 2,
    dModel: 2,
  });
  assertAllClose(m.means[0][0], [2, 3], 1e-6);
  assertAllClose(m.means[0][1], [4, 5], 1e-6);
  assertAllClose(m.means[1][1], [10, 10], 1e-6);
});

Deno.test("conceptPatchHooks: replace uses the target mean; shift adds target − source", () => {
  const m = conceptMeans(Float32Array.from([1, 1, 5, 3]), [0, 1], {
    layer: 1,
    positions: [4],
    nConcepts: 2,
    dModel: 2,
  });
  const [rep] = conceptPatchHooks(m, { source: 0, target: 1, mode: "replace" });
  assertEquals(rep.mode, "replace");
  assertAllClose(rep.vector.dataSync(), [5, 3], 0);
  const [sh] = conceptPatchHooks(m, { source: 0, target: 1, mode: "shift" });
  assertEquals(sh.mode, "add");
  assertAllClose(sh.vector.dataSync(), [4, 2], 0);
  assertEquals(sh.positions, [4]);
  tf.dispose([rep.vector, sh.vector]);
});

Deno.test("conceptPatchHooks: bad mode or concept names the field", () => {
  const m = conceptMeans(Float32Array.from([1, 1, 5, 3]), [0, 1], {
    layer: 1,
    positions: [4],
    nConcepts: 2,
    dModel: 2,
  });
  assertEquals(
    (assertThrows(
      () => conceptPatchHooks(m, { source: 0, target: 1, mode: "swap" as never }),
      ConfigError,
    ) as ConfigError).field,
    "mode",
  );
  assertEquals(
    (assertThrows(
      () => conceptPatchHooks(m, { source: 0, target: 2, mode: "add" }),
      ConfigError,
    ) as ConfigError)
      .field,
    "target",
  );
});
