/**
 * The command-line contract (CONTRIBUTING.md, "Command line"), end to end: every task, run with
 * each kind of bad input, exits 2 with exactly one stderr line `error: <field>: …` naming the
 * field, no "Uncaught", and leaves its results directory untouched (no database, no file).
 */
import { assert, assertEquals } from "../assert.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const EMPTY_CKPT = await Deno.makeTempDir({ prefix: "no-config-" }); // a "checkpoint" without config.json

/** [task file (+ positional command), args, the field the line must name]. */
const CASES: [string, string[], string][] = [
  // icl:train
  ["icl_train.ts", ["--bogus"], "flag"],
  ["icl_train.ts", ["--preset", "nope"], "preset"],
  ["icl_train.ts", ["--seed", "abc"], "seed"],
  ["icl_train.ts", ["--steps", "0"], "steps"],
  ["icl_train.ts", ["--steps", "1.5"], "steps"],
  ["icl_train.ts", ["--set", "{model:1}"], "set"],
  ["icl_train.ts", ["--set", '{"model":{"nLayer":2}}'], "model.nLayer"],
  ["icl_train.ts", ["smoke"], "arguments"],
  ["icl_train.ts", ["--variant", "nine"], "variant"],
  ["icl_train.ts", ["--backend", "tpu"], "backend"],
  ["icl_train.ts", ["--max-minutes", "-1"], "max-minutes"],
  ["icl_train.ts", ["--json=1"], "json"],
  ["icl_train.ts", ["--preset"], "preset"],
  ["icl_train.ts", ["--extend-from", "X", "--branch-from", "X"], "branch-from"],
  // icl:report
  ["icl_report.ts", ["--bogus"], "flag"],
  ["icl_report.ts", ["extra"], "arguments"],
  ["icl_report.ts", ["--import", "missing.sqlite"], "missing.sqlite"],
  // icl:patch
  ["icl_patch.ts", ["--bogus"], "flag"],
  ["icl_patch.ts", [], "run"],
  ["icl_patch.ts", ["--run", "no-such-run"], "run"],
  ["icl_patch.ts", ["--run", "x", "--layers", "a"], "layers"],
  ["icl_patch.ts", ["--run", "x", "--backend", "tpu"], "backend"],
  ["icl_patch.ts", ["x"], "arguments"],
  // icl:lm
  ["icl_lm.ts", ["--bogus"], "flag"],
  ["icl_lm.ts", ["--preset", "huge"], "preset"],
  ["icl_lm.ts", ["--seed", "abc"], "seed"],
  ["icl_lm.ts", ["--seed", "-1"], "seed"],
  ["icl_lm.ts", ["smoke"], "arguments"],
  ["icl_lm.ts", ["--checkpoint", EMPTY_CKPT], `${EMPTY_CKPT}/config.json`],
  // resource:*
  ["resource.ts", ["single", "--bogus"], "flag"],
  ["resource.ts", ["single", "--preset", "nope"], "preset"],
  ["resource.ts", ["single", "--preset", "smoke", "--threshold=-1"], "threshold"],
  ["resource.ts", ["single", "--threshold", "abc"], "threshold"],
  ["resource.ts", ["single", "--workers", "0"], "workers"],
  ["resource.ts", ["single", "--seeds", "1,a"], "seeds"],
  ["resource.ts", ["single", "extra"], "arguments"],
  ["resource.ts", ["nope"], "command"],
  ["resource.ts", [], "command"],
  // reproduce
  ["reproduce.ts", ["--bogus"], "flag"],
  ["reproduce.ts", ["--preset", "paper"], "preset"],
  ["reproduce.ts", ["--only", "nope"], "only"],
  ["reproduce.ts", ["--backend", "tpu"], "backend"],
  ["reproduce.ts", ["scaling"], "arguments"],
  // scaling:fit
  ["scaling_fit.ts", ["--bogus"], "flag"],
  ["scaling_fit.ts", [], "data"],
  ["scaling_fit.ts", ["--data", "missing.csv"], "missing.csv"],
  [
    "scaling_fit.ts",
    ["--data", "fixtures/chinchilla_fig4_points.csv", "--bootstrap", "1"],
    "bootstrap",
  ],
  ["scaling_fit.ts", ["--data", "fixtures/chinchilla_fig4_points.csv", "--level", "2"], "level"],
  ["scaling_fit.ts", ["--data", "fixtures/chinchilla_fig4_points.csv", "--grid", "fine"], "grid"],
  [
    "scaling_fit.ts",
    ["--data", "fixtures/chinchilla_fig4_points.csv", "--drop-highest-loss", "x"],
    "drop-highest-loss",
  ],
  [
    "scaling_fit.ts",
    ["--data", "fixtures/chinchilla_fig4_points.csv", "--n-column", "nope"],
    "n-column",
  ],
  ["scaling_fit.ts", ["data.csv"], "arguments"],
  // scaling:reconcile
  ["scaling_reconcile.ts", ["--bogus"], "flag"],
  ["scaling_reconcile.ts", ["--omega", "abc"], "omega"],
  ["scaling_reconcile.ts", ["--row14b", "x"], "row14b"],
  ["scaling_reconcile.ts", ["extra"], "arguments"],
  // scaling:sweep
  ["scaling_sweep.ts", ["--bogus"], "flag"],
  ["scaling_sweep.ts", ["--preset", "nope"], "preset"],
  ["scaling_sweep.ts", ["--shard", "3/2"], "shard"],
  ["scaling_sweep.ts", ["--shard", "x"], "shard"],
  ["scaling_sweep.ts", ["--budgets", "abc"], "budgets"],
  ["scaling_sweep.ts", ["--lr", "-1"], "lr"],
  ["scaling_sweep.ts", ["--seeds", "1.5"], "seeds"],
  ["scaling_sweep.ts", ["--sizes", "1x8"], "sizes"],
  ["scaling_sweep.ts", ["--schedule", "linear"], "schedule"],
  ["scaling_sweep.ts", ["smoke"], "arguments"],
  // bench
  ["bench.ts", ["--bogus"], "flag"],
  ["bench.ts", ["--steps", "0"], "steps"],
  ["bench.ts", ["--backend", "tpu"], "backend"],
  ["bench.ts", ["--torch-device", "tpu"], "torch-device"],
  ["bench.ts", ["--configs", "4x128"], "configs"],
  ["bench.ts", ["extra"], "arguments"],
  // notebooks
  ["notebooks.ts", ["--bogus"], "flag"],
  ["notebooks.ts", ["--timeout", "0"], "timeout"],
  ["notebooks.ts", ["01"], "arguments"],
  // runs:export, runs:list
  ["runs_export.ts", ["--bogus"], "flag"],
  ["runs_export.ts", ["--checkpoint", "all"], "checkpoint"],
  ["runs_list.ts", ["--bogus"], "flag"],
  ["runs_list.ts", ["extra"], "arguments"],
  // the sweep layer
  ["sweep_status.ts", ["--bogus"], "flag"],
  ["sweep_status.ts", ["extra"], "arguments"],
  ["sweep_merge.ts", ["--bogus"], "flag"],
  ["icl_sweep.ts", ["--bogus"], "flag"],
  ["icl_sweep.ts", ["extra"], "arguments"],
  ["scaling_sweep.ts", ["--slurm", "--mem", "-1G"], "mem"],
];

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    out.push(e.name);
    if (e.isDirectory) out.push(...(await files(`${dir}/${e.name}`)).map((n) => `${e.name}/${n}`));
  }
  return out;
}

async function runCase([task, args, field]: [string, string[], string]) {
  const results = await Deno.makeTempDir({ prefix: "contract-" });
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `tasks/${task}`, ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1", TOOLKIT_QUIET: "1", TOOLKIT_RESULTS: results, TOOLKIT_DEBUG: "0" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  // Deno itself may say it waits for another deno process's lock on node_modules: not ours.
  const stderr = new TextDecoder().decode(out.stderr).trimEnd().split("\n")
    .filter((l) => !l.startsWith("Blocking waiting for file lock")).join("\n");
  const left = await files(results);
  await Deno.remove(results, { recursive: true });
  return { what: `${task} ${args.join(" ")}`, code: out.code, stderr, left, field };
}

Deno.test(`every task refuses each kind of bad input with one line and exit 2, writing nothing (${CASES.length} cases)`, async () => {
  const outcomes = [];
  // Concurrently, 4 at a time: each case ends before any work, but a process costs ~0.3 s.
  for (let i = 0; i < CASES.length; i += 4) {
    outcomes.push(...await Promise.all(CASES.slice(i, i + 4).map(runCase)));
  }
  const bad = outcomes.filter((o) =>
    o.code !== 2 || o.stderr.split("\n").length !== 1 ||
    !o.stderr.startsWith(`error: ${o.field}`) ||
    o.stderr.includes("Uncaught") || o.left.length > 0
  );
  assertEquals(
    bad.map((o) =>
      `${o.what} → exit ${o.code}, files [${o.left.join(", ")}]: ${o.stderr.slice(0, 400)}`
    ),
    [],
  );
  await Deno.remove(EMPTY_CKPT, { recursive: true });
});

Deno.test("an internal failure is one line and exit 1; --debug adds the stack trace", async () => {
  const script = await Deno.makeTempFile({ suffix: ".ts" });
  const cli = new URL("../../lib/util/cli.ts", import.meta.url).href;
  await Deno.writeTextFile(
    script,
    `import { runMain } from "${cli}";\nawait runMain(() => { throw new TypeError("boom"); });\n`,
  );
  const run = async (...args: string[]) => {
    const o = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", script, ...args],
      env: { NO_COLOR: "1" },
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(o.stderr).trimEnd().split("\n")
      .filter((l) => !l.startsWith("Blocking waiting for file lock")).join("\n");
    return { code: o.code, stderr };
  };
  const plain = await run();
  assertEquals(plain.code, 1);
  assertEquals(plain.stderr.split("\n").length, 1, plain.stderr);
  assert(
    plain.stderr.startsWith("error: TypeError: boom") && !plain.stderr.includes("Uncaught"),
    plain.stderr,
  );
  const debug = await run("--debug");
  assertEquals(debug.code, 1);
  assert(debug.stderr.split("\n").length > 2 && debug.stderr.includes("at "), debug.stderr);
  await Deno.remove(script);
});
