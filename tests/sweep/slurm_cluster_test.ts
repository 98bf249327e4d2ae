// Sweeps on a real single-node Slurm cluster (tests/sweep/slurm_cluster.ts): a smoke scaling
// sweep and a smoke resource grid submitted as job arrays end with a merged store equal to the
// same sweep run locally; a shard cancelled with scancel is named by the merge and trained by
// the re-submit; bad flags fail before submission. Skips (with a line saying why) where Slurm is
// not installed; CI installs it (.ci/run).
import { assert, assertEquals } from "../assert.ts";
import { DatabaseSync } from "node:sqlite";
import {
  prepareSlurmSweep,
  resourceGridCells,
  SLURM_ENDED_STATES,
  slurmCommand,
  slurmJobStates,
  slurmSweepStatuses,
  submitSlurmSweep,
} from "../../lib/sweep/mod.ts";
import { slurmSkipReason, startSlurmCluster } from "./slurm_cluster.ts";
import { runTask } from "./run_task.ts";

const skip = slurmSkipReason();
if (skip) console.log(`skipping the Slurm cluster tests: ${skip}`);

async function task(args: string[], results: string) {
  const out = await runTask(args, results);
  if (out.code !== 0) {
    throw new Error(`${args.join(" ")} exited ${out.code}\n${out.stdout}\n${out.stderr}`);
  }
  return out;
}

/** Waits until Slurm reports the job ended; returns its state. */
async function waitFor(job: string, timeoutMs = 240_000): Promise<string> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    const s = (await slurmJobStates([job])).get(job);
    if (s && (SLURM_ENDED_STATES as readonly string[]).includes(s)) return s;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`job ${job} did not end within ${timeoutMs / 1000} s`);
}

/**
 * What must agree between a local and a Slurm run: every run's id, status, config, summary and
 * artifacts (less wall times, checkpoints and provenance) and every metric value.
 */
function snapshot(path: string) {
  const db = new DatabaseSync(path, { readOnly: true });
  const timeless = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(timeless) : v && typeof v === "object"
      ? Object.fromEntries(
        Object.entries(v).filter(([k]) => !["seconds", "msPerStep"].includes(k)).map((
          [k, x],
        ) => [k, timeless(x)]),
      )
      : v;
  try {
    const runs = db.prepare(
      "select id, experiment, name, config, status, summary from runs order by id",
    ).all()
      .map((r) => ({
        ...r,
        config: JSON.parse(String(r.config)),
        summary: timeless(JSON.parse(String(r.summary))),
      }));
    const metrics = db.prepare(
      "select run_id, step, name, value from metrics order by run_id, step, name",
    ).all()
      .map((r) => ({ ...r }));
    const artifacts = db.prepare(
      "select run_id, name, value from artifacts where name not in ('provenance', 'checkpoint') order by run_id, name",
    ).all().map((r) => ({ ...r, value: timeless(JSON.parse(String(r.value))) }));
    return { runs, metrics, artifacts };
  } finally {
    db.close();
  }
}

const jobId = (out: string, what: "array" | "merge") =>
  new RegExp(`submitted ${what} job (\\d+)`).exec(out)?.[1];

Deno.test({
  name: "sweeps as Slurm job arrays on a real single-node cluster",
  ignore: skip !== null,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    const cluster = await startSlurmCluster();
    const dir = await Deno.makeTempDir({ prefix: "neurolearn-sweep-" });
    try {
      await t.step(
        "a smoke scaling sweep merged from 2 array tasks equals the local run",
        async () => {
          const args = ["tasks/scaling_sweep.ts", "--preset", "smoke", "--figures", ""];
          await task(
            [...args, "--db", `${dir}/local-scaling/results.sqlite`],
            `${dir}/local-scaling`,
          );
          const sub = await task([
            ...args,
            "--db",
            `${dir}/slurm-scaling/results.sqlite`,
            "--shards",
            "2",
            "--submit",
          ], dir);
          const merge = jobId(sub.stdout, "merge")!;
          assert(jobId(sub.stdout, "array") && merge, sub.stdout);
          assertEquals(await waitFor(merge), "COMPLETED");
          const local = snapshot(`${dir}/local-scaling/results.sqlite`);
          assertEquals(local.runs.length, 6);
          assertEquals(snapshot(`${dir}/slurm-scaling/results.sqlite`), local);
          // Re-submitting a finished sweep submits nothing.
          const again = await task([
            ...args,
            "--db",
            `${dir}/slurm-scaling/results.sqlite`,
            "--submit",
          ], dir);
          assert(again.stdout.includes("nothing to submit"), again.stdout);
        },
      );

      const grid = ["tasks/resource.ts", "single", "--preset", "smoke"];
      await t.step(
        "a smoke resource grid merged from array tasks equals the local run",
        async () => {
          await task(
            [...grid, "--db", `${dir}/local-resource/results.sqlite`],
            `${dir}/local-resource`,
          );
          const sub = await task([
            ...grid,
            "--db",
            `${dir}/slurm-resource/results.sqlite`,
            "--submit",
          ], dir);
          assertEquals(await waitFor(jobId(sub.stdout, "merge")!), "COMPLETED");
          const local = snapshot(`${dir}/local-resource/results.sqlite`);
          assertEquals(local.runs.length, 3);
          assertEquals(snapshot(`${dir}/slurm-resource/results.sqlite`), local);
        },
      );

      await t.step(
        "a shard cancelled with scancel is named by the merge and trained by the re-submit",
        async () => {
          const store = `${dir}/cancel/results.sqlite`;
          // What `--submit` plans, submitted held so the cancel surely comes first.
          const p = prepareSlurmSweep({
            kind: "resource-single",
            script: "tasks/resource.ts",
            args: ["single", "--preset", "smoke"],
            summaryArgs: ["single", "--preset", "smoke"],
            cells: resourceGridCells({ experiment: "single", preset: "smoke" }),
            store,
          });
          assertEquals(p.pending, [1, 2, 3]);
          const jobs = await submitSlurmSweep(p, { hold: true });
          // While its shards are queued, the same command does not submit them twice.
          const twice = await task([...grid, "--db", store, "--submit"], dir);
          assert(
            twice.stdout.includes("not re-submitted: shards 1,2,3") &&
              twice.stdout.includes("nothing new to submit"),
            twice.stdout,
          );
          assertEquals((await slurmCommand("scancel", [`${jobs.arrayJob}_2`])).code, 0);
          assertEquals((await slurmCommand("scontrol", ["release", jobs.arrayJob!])).code, 0);
          assertEquals(await waitFor(jobs.mergeJob!), "FAILED"); // the merge exits 1 while cells are missing
          const log = await Deno.readTextFile(`${p.dir}/logs/merge-${jobs.mergeJob}.log`);
          assert(log.includes("2/3 cells done"), log);
          // A task cancelled while pending leaves no record in Slurm (without accounting): the
          // store tells that it never ran.
          assert(
            /shard 2 missing( \(Slurm: CANCELLED\))?: 1 of 1 cells unfinished: x\^2 d=1 w=30 a=32 s=0/
              .test(log),
            log,
          );
          const [st] = await slurmSweepStatuses(`${dir}/cancel`);
          assertEquals([st.merged, st.failed, st.failedCells], [2, 1, ["x^2 d=1 w=30 a=32 s=0"]]);
          // The same command again: only shard 2 goes into the array.
          const sub = await task([...grid, "--db", store, "--submit"], dir);
          assert(
            sub.stdout.includes("shards to run: 2") && sub.stdout.includes("(shards 2)"),
            sub.stdout,
          );
          assertEquals(await waitFor(jobId(sub.stdout, "merge")!), "COMPLETED");
          assertEquals(snapshot(store), snapshot(`${dir}/local-resource/results.sqlite`));
          const [after] = await slurmSweepStatuses(`${dir}/cancel`);
          assertEquals([after.merged, after.failed], [3, 0]);
        },
      );

      await t.step(
        "a cell killed mid-training with scancel is reported, then resumed by the re-submit",
        async () => {
          // One d4 model, 80 steps (~5 s), checkpointed every 4 steps = its logging interval, so the
          // resumed run logs the same loss windows as an uninterrupted one.
          const args = [
            "tasks/scaling_sweep.ts",
            "--preset",
            "smoke",
            "--sizes",
            "1x4x1",
            "--budgets",
            "6.2e9",
            "--figures",
            "",
          ];
          await task([...args, "--db", `${dir}/local-kill/results.sqlite`], `${dir}/local-kill`);
          const store = `${dir}/kill/results.sqlite`;
          const sub = await task([...args, "--db", store, "--submit"], dir);
          const array = jobId(sub.stdout, "array")!, merge = jobId(sub.stdout, "merge")!;
          const sweepDir = /array script: (\S+)\/array\.sbatch/.exec(sub.stdout)![1];
          const shardDb = `${sweepDir}/shards/1/results.sqlite`;
          const lastStep = () => {
            try {
              const db = new DatabaseSync(shardDb, { readOnly: true });
              try {
                return Number(
                  (db.prepare("select max(step) as s from metrics").get() as { s: number | null })
                    .s ?? 0,
                );
              } finally {
                db.close();
              }
            } catch {
              return 0;
            }
          };
          const t0 = Date.now();
          while (lastStep() < 12 && Date.now() - t0 < 120_000) {
            await new Promise((r) => setTimeout(r, 200));
          }
          assert(lastStep() >= 12, "the cell did not start training");
          assertEquals((await slurmCommand("scancel", [`${array}_1`])).code, 0);
          assertEquals(await waitFor(merge), "FAILED");
          const log = await Deno.readTextFile(`${sweepDir}/logs/merge-${merge}.log`);
          assert(
            /shard 1 failed \(Slurm: CANCELLED\): 1 of 1 cells unfinished: L1-d4-C6\.20e\+9-s0-cosine/
              .test(log),
            log,
          );
          const killedAt = lastStep();
          const again = await task([...args, "--db", store, "--submit"], dir);
          assert(again.stdout.includes("shards to run: 1"), again.stdout);
          assertEquals(await waitFor(jobId(again.stdout, "merge")!), "COMPLETED");
          // Two processes trained the run: the second from where the first was killed.
          const db = new DatabaseSync(store, { readOnly: true });
          const prov = JSON.parse(
            String(
              (db.prepare("select value from artifacts where name = 'provenance'").get() as {
                value: string;
              }).value,
            ),
          );
          db.close();
          assertEquals(prov.length, 2);
          assert(prov[1].fromStep > 0 && prov[1].fromStep <= killedAt, JSON.stringify(prov));
          assertEquals(snapshot(store), snapshot(`${dir}/local-kill/results.sqlite`));
        },
      );

      await t.step("bad Slurm flags fail before submission", async () => {
        const before = (await slurmCommand("squeue", ["-h", "-o", "%i"])).stdout;
        for (const bad of ["--mem=-1G", "--gres=gpu:two:1:x"]) {
          const r = await new Deno.Command(Deno.execPath(), {
            args: ["run", "-A", ...grid, "--results", `${dir}/bad`, "--submit", bad],
            stdout: "piped",
            stderr: "piped",
          }).output();
          assertEquals(r.code, 2);
          const lines = new TextDecoder().decode(r.stderr).trim().split("\n")
            .filter((l) => !l.startsWith("Blocking waiting for file lock"));
          assertEquals(lines.length, 1, lines.join("\n"));
        }
        assertEquals((await slurmCommand("squeue", ["-h", "-o", "%i"])).stdout, before);
      });
    } finally {
      await cluster.stop();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
      await Deno.remove(cluster.dir, { recursive: true }).catch(() => {});
    }
  },
});
