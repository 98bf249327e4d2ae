// The sweep commands' Slurm flags without a cluster: --slurm writes the scripts (no sbatch
// needed), bad resources fail before anything is written or submitted.
import { assert, assertEquals } from "../assert.ts";
import { existsSync } from "node:fs";
import { runTask as task } from "./run_task.ts";

Deno.test("bad Slurm flags fail with one line naming the field, before anything is written", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const cases: [string[], string][] = [
      [["tasks/scaling_sweep.ts", "--preset", "smoke", "--submit", "--mem=-4G"], "mem"],
      [["tasks/resource.ts", "single", "--preset", "smoke", "--submit", "--gres=gpu=1"], "gres"],
      [["tasks/icl_sweep.ts", "--presets", "smoke", "--slurm", "--time=1h"], "time"],
      [["tasks/resource.ts", "single", "--preset", "smoke", "--slurm", "--shards", "9"], "shards"],
    ];
    for (const [args, field] of cases) {
      const r = await task(args, dir);
      assertEquals(r.code, 2, r.stderr);
      const lines = r.stderr.trim().split("\n");
      assertEquals(lines.length, 1, r.stderr);
      assert(
        lines[0].startsWith(`error: ${field}: got `) && lines[0].includes("; allowed: "),
        lines[0],
      );
      assertEquals(r.stdout, "");
    }
    assert(!existsSync(`${dir}/slurm`), "nothing may be written before validation");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--slurm writes the job array and merge scripts and prints their paths", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const r = await task([
      "tasks/resource.ts",
      "single",
      "--preset",
      "smoke",
      "--slurm",
      "--mem",
      "1G",
    ], dir);
    assertEquals(r.code, 0, r.stderr);
    const array = /array script: (\S+)/.exec(r.stdout)![1];
    const merge = /merge script: (\S+)/.exec(r.stdout)![1];
    const text = await Deno.readTextFile(array);
    assert(text.includes("#SBATCH --array=1,2,3") && text.includes("#SBATCH --mem=1G"), text);
    assert(text.includes('--shard "$i/3" --results "$TOOLKIT_RESULTS"'), text);
    const exec = text.split("\n").find((l) => l.startsWith("exec "))!;
    assert(exec.includes("tasks/resource.ts single --preset smoke --shard"), exec);
    assert((await Deno.readTextFile(merge)).includes("tasks/sweep_merge.ts --plan"));
    // WebGPU ICL runs ask for a GPU by default.
    const g = await task([
      "tasks/icl_sweep.ts",
      "--presets",
      "smoke",
      "--seeds",
      "0,1",
      "--backend",
      "webgpu",
      "--slurm",
    ], dir);
    assertEquals(g.code, 0, g.stderr);
    const gpuArray = await Deno.readTextFile(/array script: (\S+)/.exec(g.stdout)![1]);
    assert(
      gpuArray.includes("#SBATCH --gres=gpu:1") && gpuArray.includes("#SBATCH --array=1,2"),
      gpuArray,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
