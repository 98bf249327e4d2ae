/**
 * Slurm's view of a sweep's jobs: `sacct` where the cluster keeps accounting, else `scontrol
 * show job` (pending, running and recently finished jobs; Slurm forgets a finished job after
 * `MinJobAge`, 300 s by default), plus `sbatch` itself.
 *
 * @module
 */

/**
 * Runs a Slurm command; `code` 127 when it is not installed.
 *
 * @example
 * ```ts
 * const { code, stdout } = await slurmCommand("squeue", ["-h", "-o", "%i %T"]);
 * ```
 */
export async function slurmCommand(
  cmd: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
    const dec = new TextDecoder();
    return { code: r.code, stdout: dec.decode(r.stdout), stderr: dec.decode(r.stderr) };
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      return { code: 127, stdout: "", stderr: `${cmd}: not found` };
    }
    throw e;
  }
}

/** Expands an array-task list such as "1-3,5" or "2-6:2%4" into task ids. */
function expandTasks(spec: string): number[] {
  const out: number[] = [];
  for (const part of spec.replace(/%\d+$/, "").split(",")) {
    const m = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part);
    if (!m) continue;
    const lo = Number(m[1]), hi = m[2] ? Number(m[2]) : lo, step = m[3] ? Number(m[3]) : 1;
    for (let t = lo; t <= hi; t += step) out.push(t);
  }
  return out;
}

/**
 * The state (PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, …) of jobs and array
 * tasks, keyed "JOB" for a plain job and "JOB_TASK" for an array task. Jobs Slurm no longer
 * knows are absent from the map.
 *
 * @example
 * ```ts
 * const states = await slurmJobStates(["1234", "1235"]);
 * states.get("1234_2"); // "CANCELLED"
 * ```
 */
export async function slurmJobStates(jobIds: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const ids = jobIds.filter(Boolean);
  if (!ids.length) return out;
  const acct = await slurmCommand("sacct", [
    "-n",
    "-P",
    "-X",
    "-j",
    ids.join(","),
    "-o",
    "JobID,State",
  ]);
  if (acct.code === 0 && acct.stdout.trim()) {
    for (const line of acct.stdout.trim().split("\n")) {
      const [id, state] = line.split("|");
      const m = /^(\d+)_\[(.+)\]$/.exec(id);
      const s = state.split(" ")[0];
      if (m) { for (const t of expandTasks(m[2])) out.set(`${m[1]}_${t}`, s); }
      else out.set(id, s);
    }
    return out;
  }
  for (const id of ids) {
    const r = await slurmCommand("scontrol", ["show", "job", "-o", id]);
    if (r.code !== 0) continue;
    for (const line of r.stdout.trim().split("\n")) {
      const f = Object.fromEntries(
        line.split(/\s+/).map((
          kv,
        ) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
      );
      const state = f.JobState;
      if (!state) continue;
      if (f.ArrayJobId && f.ArrayTaskId) {
        for (const t of expandTasks(f.ArrayTaskId)) out.set(`${f.ArrayJobId}_${t}`, state);
      } else out.set(f.JobId, state);
    }
  }
  return out;
}

/**
 * States of a job that is over (it will not train anything more).
 *
 * @example
 * ```ts
 * declare const state: string;
 * const over = (SLURM_ENDED_STATES as readonly string[]).includes(state);
 * ```
 */
export const SLURM_ENDED_STATES = [
  "COMPLETED",
  "FAILED",
  "CANCELLED",
  "TIMEOUT",
  "OUT_OF_MEMORY",
  "NODE_FAIL",
  "PREEMPTED",
  "BOOT_FAIL",
  "DEADLINE",
] as const;

/**
 * Submits a batch script with `sbatch --parsable` and returns the job id; throws with sbatch's
 * message when it refuses.
 *
 * @example
 * ```ts
 * const array = await sbatch("results/slurm/x/array.sbatch");
 * await sbatch("results/slurm/x/merge.sbatch", ["--dependency=afterany:" + array]);
 * ```
 */
export async function sbatch(script: string, extraArgs: string[] = []): Promise<string> {
  const r = await slurmCommand("sbatch", ["--parsable", ...extraArgs, script]);
  if (r.code !== 0) throw new Error(`sbatch ${script} failed: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout.trim().split(";")[0];
}
