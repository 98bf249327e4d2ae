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

Deno.test("grid-override flags: --fns keeps max(0,x) whole; a bad value names its flag", async () => {
  const r = await cli(
    "functions",
    "--preset",
    "smoke",
    "--json",
    "--db",
    ":memory:",
    "--fns",
    "max(0,x),x^2",
    "--alphas",
    "4",
    "--depths",
    "1",
    "--steps",
    "50",
  );
  assertEquals(r.code, 0, r.stderr);
  assertEquals(Object.keys(JSON.parse(r.stdout).groups), ["max(0,x) depth 1", "x^2 depth 1"]);
  const bad = await cli("functions", "--db", ":memory:", "--fns", "x^9");
  assertEquals(bad.code, 2);
  assert(bad.stderr.includes("fns: got"), bad.stderr);
  const wrong = await cli("single", "--db", ":memory:", "--betas", "0.9");
  assertEquals(wrong.code, 2);
  assert(wrong.stderr.includes("betas"), wrong.stderr);
});
