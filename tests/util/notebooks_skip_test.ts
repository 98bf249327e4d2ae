/** `deno task test` on a machine without Jupyter: the notebook step says it skipped, and passes. */
import { assert, assertEquals } from "../assert.ts";

Deno.test("tasks/notebooks.ts without jupyter on PATH: a plain skip line with the install command, exit 0", async () => {
  const emptyPath = await Deno.makeTempDir({ prefix: "no-jupyter-" });
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "tasks/notebooks.ts", "--smoke"],
    cwd: new URL("../..", import.meta.url).pathname,
    env: { PATH: emptyPath, NO_COLOR: "1" },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout),
    stderr = new TextDecoder().decode(out.stderr);
  assertEquals(out.code, 0, stderr);
  assert(!stderr.includes("Uncaught") && !stderr.includes("NotFound"), stderr);
  assert(/notebooks: skipped \d+ notebook\(s\): Jupyter is not installed/.test(stdout), stdout);
  assert(
    stdout.includes(
      "apt-get install -y jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel",
    ),
    stdout,
  );
  // The line .ci/run parses: nothing passed, nothing failed.
  assert(/^notebooks: 0 passed, 0 failed, \d+ skipped$/m.test(stdout), stdout);
  await Deno.remove(emptyPath);
});
