import { assert, assertAlmostEquals, assertEquals } from "../assert.ts";

const root = new URL("../../", import.meta.url).pathname;

async function runTask(script: string, args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${root}tasks/${script}`, ...args],
    cwd: root,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("scaling:reconcile --json prints omega and the exponents of both sets and countings", async () => {
  const r = await runTask("scaling_reconcile.ts", ["--json"]);
  assertEquals(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assertEquals(typeof j.omega, "number");
  for (const set of ["epoch", "chinchilla"]) {
    for (const counting of ["nonEmbedding", "total"]) {
      assertEquals(typeof j[set][counting].exponent, "number");
    }
  }
  assertAlmostEquals(j.epoch.nonEmbedding.exponent, 0.78, 0.01);
  assertAlmostEquals(j.chinchilla.nonEmbedding.exponent, 0.74, 0.01);
  assertAlmostEquals(j.epoch.total.exponent, 0.51, 0.01);
});

Deno.test("scaling:fit: JSON shape on a CSV; a bad CSV fails naming the row and the column", async () => {
  const dir = await Deno.makeTempDir({ prefix: "scaling-fit-" });
  try {
    const rows = ["params,tokens,L"];
    for (const n of [1e7, 1e8, 1e9]) {
      for (const d of [1e9, 1e10, 1e11]) {
        rows.push(`${n},${d},${1.69 + 406.4 / n ** 0.34 + 410.7 / d ** 0.28}`);
      }
    }
    await Deno.writeTextFile(`${dir}/ok.csv`, rows.join("\n"));
    const cols = ["--n-column", "params", "--d-column", "tokens", "--loss-column", "L"];
    const ok = await runTask("scaling_fit.ts", [
      "--data",
      `${dir}/ok.csv`,
      ...cols,
      "--grid",
      "coarse",
      "--bootstrap",
      "5",
      "--json",
    ]);
    assertEquals(ok.code, 0, ok.stderr);
    const j = JSON.parse(ok.stdout);
    for (const k of ["A", "B", "E", "alpha", "beta", "a"]) assertEquals(typeof j[k], "number", k);
    assertEquals(j.ci.alpha.length, 2);
    assertAlmostEquals(j.alpha, 0.34, 0.02);
    await Deno.writeTextFile(`${dir}/bad.csv`, rows.slice(0, 3).join("\n") + "\n1e9,1e10,oops\n");
    const bad = await runTask("scaling_fit.ts", ["--data", `${dir}/bad.csv`, ...cols]);
    assertEquals(bad.code, 2);
    assert(
      bad.stderr.includes('row 4, column \\"L\\"') || bad.stderr.includes('row 4, column "L"'),
      bad.stderr,
    );
    const missing = await runTask("scaling_fit.ts", ["--data", `${dir}/ok.csv`]);
    assertEquals(missing.code, 2);
    assert(missing.stderr.includes("Model Size"), missing.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
