/**
 * One process per run: an exclusive lock file next to a run's checkpoint, so that the same run
 * started twice at once does not train twice. The file holds the owner's pid and host; a lock
 * whose process is gone (on this host) is stale and taken over.
 *
 * @module
 */
import { UsageError } from "../util/cli.ts";

/** Who holds a lock (the lock file's content). */
export interface LockOwner {
  pid: number;
  host: string;
  /** ISO date the lock was taken. */
  since: string;
}

/** A held lock; `release()` removes the file (idempotent). */
export interface RunLock {
  path: string;
  release(): void;
}

function hostname(): string {
  try {
    return Deno.hostname();
  } catch {
    return "unknown";
  }
}

/** Whether a pid is alive on this host (Linux: /proc; elsewhere assumed alive). */
function pidAlive(pid: number): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      try {
        Deno.statSync("/proc/self");
        return false; // /proc exists, the pid does not
      } catch {
        return true;
      }
    }
    return true;
  }
}

function readOwner(path: string): LockOwner | null {
  try {
    const o = JSON.parse(Deno.readTextFileSync(path));
    return typeof o?.pid === "number" ? o as LockOwner : null;
  } catch {
    return null;
  }
}

function tryCreate(path: string): boolean {
  let f: Deno.FsFile;
  try {
    f = Deno.openSync(path, { write: true, createNew: true });
  } catch (e) {
    if (e instanceof Deno.errors.AlreadyExists) return false;
    throw e;
  }
  const owner: LockOwner = { pid: Deno.pid, host: hostname(), since: new Date().toISOString() };
  f.writeSync(new TextEncoder().encode(JSON.stringify(owner)));
  f.close();
  return true;
}

/**
 * Takes the lock `path` (created exclusively). When another live process holds it, throws a
 * `UsageError` naming that process — or, with `wait`, polls until it is free. A lock left by a
 * dead process on this host is removed and taken.
 *
 * @example
 * ```ts
 * const lock = await lockRun("results/checkpoints/run.safetensors.lock", { label: "run" });
 * try {
 *   // … train …
 * } finally {
 *   lock.release();
 * }
 * ```
 */
export async function lockRun(
  path: string,
  opts: { wait?: boolean; label?: string; pollMs?: number } = {},
): Promise<RunLock> {
  const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : ".";
  await Deno.mkdir(dir, { recursive: true });
  const host = hostname();
  let said = false;
  let unreadable = 0;
  while (true) {
    if (tryCreate(path)) break;
    const owner = readOwner(path);
    if (owner === null) {
      // Being written this instant, or garbage left by a crash: give it a moment, then take it.
      if (++unreadable < 5) {
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      Deno.removeSync(path);
      continue;
    }
    unreadable = 0;
    if (owner.host === host && owner.pid !== Deno.pid && !pidAlive(owner.pid)) {
      console.error(`[toolkit] removing stale lock ${path} (pid ${owner.pid} is gone)`);
      try {
        Deno.removeSync(path);
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      }
      continue;
    }
    const who = `pid ${owner.pid} on host ${owner.host} since ${owner.since}`;
    if (!opts.wait) {
      throw new UsageError(
        `run ${
          opts.label ?? path
        } is being trained by another process (${who}; lock ${path}): wait for it to finish, or pass --wait`,
      );
    }
    if (!said) console.error(`[toolkit] waiting for run ${opts.label ?? path}: trained by ${who}`);
    said = true;
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 2000));
  }
  let held = true;
  return {
    path,
    release() {
      if (!held) return;
      held = false;
      const o = readOwner(path);
      if (o && o.pid === Deno.pid && o.host === host) {
        try {
          Deno.removeSync(path);
        } catch { /* already gone */ }
      }
    },
  };
}
