/**
 * Executes every notebook headless (Jupyter nbconvert with the Deno kernel).
 *
 *   deno task notebooks            # full presets; writes the executed notebooks back in place
 *   deno task notebooks --smoke    # fast smoke presets (TOOLKIT_SMOKE=1); outputs go to a temp dir
 *   deno task notebooks --only 02  # notebooks whose file name contains "02"
 *
 * Prints one line per notebook and a final `notebooks: N passed, N failed` line. Without Jupyter
 * (a bare machine) it says so, counts every notebook as skipped and exits 0.
 */
import { loadBlas, NO_BLAS_WARNING } from "../lib/backend/blas.ts";
import { numberFlag, parseFlags, runMain } from "../lib/util/cli.ts";
import { envFlag } from "../lib/util/env.ts";

/** Debian packages that run Deno notebooks headless (PyPI is not needed). */
const JUPYTER_APT = "jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel";

/** The executable on PATH, or null (no spawning, so a missing Jupyter is not an error). */
function onPath(name: string): string | null {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (!dir) continue;
    try {
      const st = Deno.statSync(`${dir}/${name}`);
      if (st.isFile) return `${dir}/${name}`;
    } catch { /* not here */ }
  }
  return null;
}

await runMain(async () => {
  const flags = parseFlags(Deno.args, {
    smoke: {
      type: "boolean",
      default: false,
      help: "smoke presets; do not overwrite the notebooks",
    },
    only: { type: "string", default: "", help: "run only notebooks whose name contains this" },
    timeout: { type: "string", default: "1800", help: "per-cell timeout in seconds" },
  }, { usage: "deno task notebooks [--smoke] [--only NN] [--timeout S]" });
  const timeout = numberFlag("timeout", flags.timeout, 1800, { integer: true, min: 1 });
  const dir = new URL("../notebooks/", import.meta.url).pathname;
  const names = [...Deno.readDirSync(dir)].map((e) => e.name)
    .filter((n) => n.endsWith(".ipynb") && n.includes(flags.only)).sort();

  async function run(cmd: string[], env: Record<string, string> = {}) {
    const p = new Deno.Command(cmd[0], {
      args: cmd.slice(1),
      env,
      stdout: "piped",
      stderr: "piped",
    });
    const out = await p.output();
    const stdout = new TextDecoder().decode(out.stdout);
    return { ok: out.success, stdout, text: stdout + new TextDecoder().decode(out.stderr) };
  }

  // `deno test --quiet` hides the backend's own warning: repeat it where it is seen.
  if (envFlag("TOOLKIT_BLAS", true) && !loadBlas()) console.log(NO_BLAS_WARNING);
  if (!onPath("jupyter") || !onPath("jupyter-nbconvert")) {
    console.log(
      `notebooks: skipped ${names.length} notebook(s): Jupyter is not installed here ` +
        `(to run them: apt-get install -y ${JUPYTER_APT})`,
    );
    console.log(`notebooks: 0 passed, 0 failed, ${names.length} skipped`);
    return;
  }
  // The kernelspec stores the absolute path of this deno binary: (re)install it on each machine.
  const spec = await run(["jupyter", "kernelspec", "list", "--json"]);
  if (!spec.ok) throw new Error(`jupyter kernelspec list failed: ${spec.text.slice(-500)}`);
  const kernels = JSON.parse(spec.stdout).kernelspecs ?? {};
  const argv0: string | undefined = kernels.deno?.spec?.argv?.[0];
  if (!argv0 || argv0 !== Deno.execPath()) {
    const inst = await run([Deno.execPath(), "jupyter", "--install", "--force"]);
    if (!inst.ok) throw new Error(`deno jupyter --install failed: ${inst.text.slice(-500)}`);
  }

  const outDir = flags.smoke ? await Deno.makeTempDir({ prefix: "notebooks-" }) : dir;
  let passed = 0, failed = 0;
  for (const name of names) {
    const t0 = performance.now();
    const res = await run([
      "jupyter",
      "nbconvert",
      "--to",
      "notebook",
      "--execute",
      `--ExecutePreprocessor.timeout=${timeout}`,
      "--ExecutePreprocessor.kernel_name=deno",
      "--output-dir",
      outDir,
      "--output",
      name,
      `${dir}${name}`,
    ], { NO_COLOR: "1", TOOLKIT_QUIET: "1", ...(flags.smoke ? { TOOLKIT_SMOKE: "1" } : {}) });
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    if (res.ok) {
      passed++;
      console.log(`ok   notebook ${name} (${secs} s)`);
    } else {
      failed++;
      console.log(`FAIL notebook ${name} (${secs} s)\n${res.text.slice(-4000)}`);
    }
  }
  console.log(`notebooks: ${passed} passed, ${failed} failed`);
  if (failed) Deno.exit(1);
});
