import { assert } from "./assert.ts";

// mod.ts must work when imported by URL from a project without our deno.json (no import map):
// library code must use full npm: specifiers. A scratch folder with no deno.json proves it. A
// subpath (deno.json `exports`, e.g. "./icl") is its folder's mod.ts, imported the same way.
Deno.test("mod.ts and a subpath import and train from a scratch folder with no deno.json", async () => {
  const dir = await Deno.makeTempDir();
  const url = new URL("../mod.ts", import.meta.url).href;
  const exports = JSON.parse(
    await Deno.readTextFile(new URL("../deno.json", import.meta.url)),
  ).exports as Record<string, string>;
  const icl = new URL(exports["./icl"], new URL("../", import.meta.url)).href;
  await Deno.writeTextFile(
    `${dir}/main.ts`,
    `
    import { initBackend, RegressionTransformer, countParams, Rng } from "${url}";
    import { iclConfig, iclRunName } from "${icl}";
    await initBackend({ backend: "wasm", quiet: true });
    const m = new RegressionTransformer({ nLayers: 1, dModel: 8, nHeads: 2, inputDim: 2, maxLen: 4 });
    const r = new Rng(0);
    const l = m.loss({ batch: 1, nPoints: 2, dim: 2, tokens: r.normalArray(8), ys: r.normalArray(2) });
    console.log("OK", countParams(m.params).total, l.dataSync()[0] > 0);
    console.log(iclRunName(iclConfig("cpu", { seed: 1 }), { preset: "cpu" }));`,
  );
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-config", "main.ts"],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert(
    out.success && text.includes("OK") && text.includes("cpu-fourBases-seed1"),
    new TextDecoder().decode(out.stderr).slice(-3000),
  );
});
