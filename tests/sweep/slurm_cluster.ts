/**
 * A real single-node Slurm cluster on this machine for tests: writes a `slurm.conf` for the local
 * host (no cgroups, no accounting, everything under a temp folder, its own munge socket and
 * ports), starts munged, slurmctld and slurmd, waits until `sinfo` shows the node idle, and stops
 * the three daemons by their pids afterwards. Needs root (CI and the build machines run as root)
 * and Debian's `slurm-wlm` + `munge` (`apt-get install -y slurm-wlm munge`); where they are
 * missing {@link slurmSkipReason} says so and the tests skip.
 *
 * @module
 */

/** A running test cluster. */
export interface SlurmTestCluster {
  /** The temp folder holding the config, state, logs and the munge socket. */
  dir: string;
  /** Path of the generated slurm.conf (exported as SLURM_CONF while the cluster runs). */
  conf: string;
  /** The node's name (the short host name). */
  node: string;
  /** Stops the daemons (by their pid files); `dir` stays for its logs until the caller removes it. */
  stop(): Promise<void>;
}

const BINARIES = ["/usr/sbin/munged", "/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/bin/sbatch"];

/**
 * Why the Slurm tests cannot run here, or null when they can (the binaries exist, we are root).
 *
 * @example
 * ```ts
 * const skip = slurmSkipReason();
 * if (skip) console.log(`skipping Slurm tests: ${skip}`);
 * ```
 */
export function slurmSkipReason(): string | null {
  for (const b of BINARIES) {
    try {
      Deno.statSync(b);
    } catch {
      return `${b} not found (apt-get install -y slurm-wlm munge)`;
    }
  }
  if (Deno.uid() !== 0) return "the test cluster runs its daemons as root";
  return null;
}

async function sh(
  cmd: string[],
  env?: Record<string, string>,
): Promise<{ code: number; out: string }> {
  const r = await new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    env,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout) + dec.decode(r.stderr) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function readPid(path: string): Promise<number | null> {
  try {
    const n = Number((await Deno.readTextFile(path)).trim());
    return Number.isInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts a single-node cluster (about 3–5 s) and sets `SLURM_CONF` for this process and its
 * children (sbatch, squeue and the jobs it starts). Throws with the daemons' logs when the node
 * does not become idle within `timeoutMs`.
 *
 * @example
 * ```ts
 * const cluster = await startSlurmCluster();
 * try {
 *   // sbatch … (SLURM_CONF points at the cluster)
 * } finally {
 *   await cluster.stop();
 * }
 * ```
 */
export async function startSlurmCluster(
  opts: { cpus?: number; timeoutMs?: number } = {},
): Promise<SlurmTestCluster> {
  const dir = await Deno.makeTempDir({ prefix: "neurolearn-slurm-" });
  const node = (await sh(["hostname", "-s"])).out.trim() || "localhost";
  const cpus = opts.cpus ?? navigator.hardwareConcurrency;
  const freeMb = Number(/Mem:\s+(\d+)/.exec((await sh(["free", "-m"])).out)?.[1] ?? 2048);
  const realMemory = Math.max(256, Math.floor(freeMb * 0.8));
  for (const d of ["state", "spool", "log", "munge"]) {
    await Deno.mkdir(`${dir}/${d}`, { recursive: true });
  }
  await Deno.chmod(dir, 0o755);
  // munged refuses sockets in folders others can write to and runs as the munge user.
  await sh(["chown", "munge:munge", `${dir}/munge`]);
  await Deno.chmod(`${dir}/munge`, 0o755);
  const socket = `${dir}/munge/munge.socket`;
  const [ctldPort, dPort] = [freePort(), freePort()];
  const conf = `${dir}/slurm.conf`;
  await Deno.writeTextFile(
    conf,
    [
      `ClusterName=neurolearn-test`,
      `SlurmctldHost=${node}(127.0.0.1)`,
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${dPort}`,
      `SlurmUser=root`,
      `SlurmdUser=root`,
      `AuthType=auth/munge`,
      `CredType=cred/munge`,
      `AuthInfo=socket=${socket}`,
      `ProctrackType=proctrack/linuxproc`,
      `TaskPlugin=task/none`,
      `JobAcctGatherType=jobacct_gather/none`,
      `AccountingStorageType=accounting_storage/none`,
      `SelectType=select/cons_tres`,
      `SelectTypeParameters=CR_Core`,
      `ReturnToService=2`,
      `MpiDefault=none`,
      `SchedulerType=sched/backfill`,
      `SchedulerParameters=sched_interval=2`,
      `MinJobAge=600`,
      `StateSaveLocation=${dir}/state`,
      `SlurmdSpoolDir=${dir}/spool`,
      `SlurmctldPidFile=${dir}/slurmctld.pid`,
      `SlurmdPidFile=${dir}/slurmd.pid`,
      `SlurmctldLogFile=${dir}/log/slurmctld.log`,
      `SlurmdLogFile=${dir}/log/slurmd.log`,
      `NodeName=${node} NodeAddr=127.0.0.1 CPUs=${cpus} RealMemory=${realMemory} State=UNKNOWN`,
      `PartitionName=debug Nodes=${node} Default=YES MaxTime=INFINITE State=UP`,
      "",
    ].join("\n"),
  );
  const mungePid = `${dir}/munge/munged.pid`;
  const started: string[] = [];
  const stop = async () => {
    for (const pidFile of [`${dir}/slurmd.pid`, `${dir}/slurmctld.pid`, mungePid]) {
      const pid = await readPid(pidFile);
      if (pid === null || !alive(pid)) continue;
      try {
        Deno.kill(pid, "SIGTERM");
      } catch { /* already gone */ }
      for (let i = 0; i < 50 && alive(pid); i++) await sleep(100);
      if (alive(pid)) {
        try {
          Deno.kill(pid, "SIGKILL");
        } catch { /* already gone */ }
      }
    }
    if (Deno.env.get("SLURM_CONF") === conf) Deno.env.delete("SLURM_CONF");
  };
  try {
    const m = await sh([
      "runuser",
      "-u",
      "munge",
      "--",
      "/usr/sbin/munged",
      `--socket=${socket}`,
      `--pid-file=${mungePid}`,
      `--log-file=${dir}/munge/munged.log`,
      `--seed-file=${dir}/munge/munged.seed`,
    ]);
    if (m.code !== 0) throw new Error(`munged failed: ${m.out}`);
    started.push("munged");
    const env = { SLURM_CONF: conf };
    // -i: ignore any saved state (a fresh temp folder has none anyway).
    const c = await sh(["/usr/sbin/slurmctld", "-f", conf, "-i"], env);
    if (c.code !== 0) throw new Error(`slurmctld failed: ${c.out}`);
    const d = await sh(["/usr/sbin/slurmd", "-f", conf], env);
    if (d.code !== 0) throw new Error(`slurmd failed: ${d.out}`);
    Deno.env.set("SLURM_CONF", conf);
    const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
    let state = "";
    while (Date.now() < deadline) {
      state = (await sh(["sinfo", "-h", "-N", "-o", "%T"], env)).out.trim();
      if (/^idle/.test(state)) return { dir, conf, node, stop };
      await sleep(300);
    }
    const logs = await Promise.all(
      ["log/slurmctld.log", "log/slurmd.log"].map((f) =>
        Deno.readTextFile(`${dir}/${f}`).catch(() => "")
      ),
    );
    throw new Error(`the node did not become idle (sinfo: ${state})\n${logs.join("\n")}`);
  } catch (e) {
    await stop();
    throw e;
  }
}
