/** Runs a task script (`deno run -A …`) in a subprocess with its results under `results`, quietly. */
export async function runTask(
  args: string[],
  results: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ...args],
    env: { TOOLKIT_RESULTS: results, TOOLKIT_QUIET: "1", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: r.code, stdout: dec.decode(r.stdout), stderr: dec.decode(r.stderr) };
}
