import { assert, assertEquals } from "../assert.ts";

async function cli(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../../tasks/resource.ts", import.meta.url).pathname, ...args],
    env: { TOOLKIT_QUIET: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

Deno.test("resource:single --json prints alphas, neurons, mse, slope, slope_ci", async () => {
  const r = await cli("single", "--preset", "smoke", "--json", "--db", ":memory:");
  assertEquals(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assertEquals(Object.keys(j), ["alphas", "neurons", "mse", "slope", "slope_ci"]);
  assertEquals(j.alphas, [1, 32, 512]);
  assertEquals(j.neurons.length, 3);
  assertEquals(j.mse.length, 3);
  assert(typeof j.slope === "number" && j.slope_ci.length === 2);
});

Deno.test("resource:parallel --json adds per-β groups and ratios; a bad preset names the flag", async () => {
  const r = await cli(
    "parallel",
    "--preset",
    "smoke",
    "--json",
    "--db",
    ":memory:",
    "--seeds",
    "1",
  );
  assertEquals(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  for (const k of ["alphas", "neurons", "mse", "slope", "slope_ci", "groups", "ratios"]) {
    assert(k in j, k);
  }
  const bad = await cli("single", "--preset", "huge", "--db", ":memory:");
  assert(bad.code === 2 && bad.stderr.includes('error: preset: got "huge"'), bad.stderr);
});
