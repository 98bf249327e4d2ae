import { assert, assertEquals } from "../assert.ts";

Deno.test("deno task icl:lm --preset smoke --json prints the summary's shape", async () => {
  const dir = await Deno.makeTempDir();
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "tasks/icl_lm.ts",
      "--preset",
      "smoke",
      "--json",
      "--db",
      ":memory:",
      "--ckpt-dir",
      dir,
      "--backend",
      "wasm",
    ],
    cwd: new URL("../..", import.meta.url).pathname,
    env: { TOOLKIT_QUIET: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert(out.success, stderr.slice(-2000));
  const j = JSON.parse(new TextDecoder().decode(out.stdout));
  for (const task of ["pos", "bitwise"]) {
    assert(
      Number.isInteger(j.td_layer[task]) && j.td_layer[task] >= 1 && j.td_layer[task] <= 3,
      `td_layer.${task}`,
    );
    assert(task in j.r2, `r2.${task}`);
    assert(
      j.r2[task] === null || (j.r2[task] >= 0 && j.r2[task] <= 1),
      `r2.${task} in [0, 1] or null (NaN)`,
    );
    const concepts = Object.keys(j.accuracy_per_concept[task]);
    assertEquals(concepts.length, 7);
    assert(concepts.includes("Null"));
    for (const g of ["well_separated", "overlapping"]) {
      assertEquals(typeof j.intervention[task][g].positive, "number");
      assertEquals(typeof j.intervention[task][g].negative, "number");
    }
    for (const arm of ["first", "last"]) {
      assertEquals(typeof j.finetune[arm].tasks[task].td, "number");
      assertEquals(typeof j.finetune[arm].tasks[task].accuracy, "number");
    }
  }
  assertEquals(j.finetune.first.layers, [1]);
  assertEquals(j.finetune.last.layers, [3]);
  assertEquals(j.model.nLayers, 3);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a bad flag value names its field", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "tasks/icl_lm.ts", "--preset", "huge", "--json"],
    cwd: new URL("../..", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert(!out.success);
  assert(new TextDecoder().decode(out.stderr).includes('error: preset: got "huge"'));
});
