/**
 * Sweeps of resource-model runs — tasks × depths × widths × α × seeds — stored one run per
 * combination in the results database, so a rerun skips finished runs and a killed run resumes
 * from its last checkpoint. Runs go to `workers` Web Workers in parallel (default 1: in this
 * thread), and progress goes to stderr.
 *
 * @module
 */
import { configHash, type ResultsStore } from "../store/results.ts";
import { ConfigError } from "../util/validate.ts";
import { resolveResourceTrainConfig, type ResourceTrainConfig } from "./config.ts";
import { type ResourceCheckpoint, type RunOutcome, trainRun } from "./train.ts";
import { toyTask, type ToyTaskSpec } from "./toy_tasks.ts";
import { envFlag } from "../util/env.ts";

/** A grid of runs. Every combination of the arrays is one run of `train` with those values. */
export interface SweepConfig {
  /** Stored as experiment `resource-<name>`. */
  name: string;
  tasks: ToyTaskSpec[];
  alphas: number[];
  seeds: number[];
  /** Hidden layers. */
  depths: number[];
  /** Neurons per hidden layer. */
  widths: number[];
  /** Everything else of the training config (steps, points, λ, …). */
  train: Partial<ResourceTrainConfig>;
}

/** The run configs of a sweep, validated (a bad field throws `ConfigError` naming it). */
export function sweepConfigs(sweep: SweepConfig): ResourceTrainConfig[] {
  for (const f of ["tasks", "alphas", "seeds", "depths", "widths"] as const) {
    if (!Array.isArray(sweep[f]) || sweep[f].length === 0) {
      throw new ConfigError(f, "a non-empty array", sweep[f]);
    }
  }
  if (typeof sweep.name !== "string" || !/^[a-z0-9_-]+$/.test(sweep.name)) {
    throw new ConfigError("name", "lower-case letters, digits, - and _", sweep.name);
  }
  const out: ResourceTrainConfig[] = [];
  for (const task of sweep.tasks) {
    for (const depth of sweep.depths) {
      for (const width of sweep.widths) {
        for (const alpha of sweep.alphas) {
          for (const seed of sweep.seeds) {
            out.push(
              resolveResourceTrainConfig({ ...sweep.train, task, depth, width, alpha, seed }),
            );
          }
        }
      }
    }
  }
  return out;
}

/**
 * Makes a results store wait (up to 30 s) for a lock held by another process writing to the same
 * file, instead of failing with "database is locked" (several experiments share one database).
 *
 * @example
 * ```ts
 * import { openResults } from "toolkit";
 *
 * storeWaitsForLocks(openResults());
 * ```
 */
export function storeWaitsForLocks(store: ResultsStore) {
  store.db.exec("pragma busy_timeout = 30000");
}

/** A short human-readable name of a run. */
export function runName(c: ResourceTrainConfig): string {
  return `${toyTask(c.task).name} d=${c.depth} w=${c.width} a=${c.alpha} s=${c.seed}`;
}

interface Job {
  config: ResourceTrainConfig;
  runId?: string;
  resume?: ResourceCheckpoint;
}

/** Where a run's checkpoints and metrics go. */
interface RunHooks {
  onCheckpoint: (c: ResourceCheckpoint) => void;
  onLog?: (step: number, m: Record<string, number>) => void;
}

/** A Web Worker that trains the jobs it is given one after another (started once per lane). */
function workerLane() {
  const w = new Worker(new URL("./sweep_worker.ts", import.meta.url).href, { type: "module" });
  const run = (job: Job, hooks: RunHooks) =>
    new Promise<RunOutcome>((resolve, reject) => {
      w.onmessage = (e: MessageEvent) => {
        const d = e.data;
        if (d.type === "checkpoint") hooks.onCheckpoint(d.checkpoint);
        else if (d.type === "log") hooks.onLog?.(d.step, d.metrics);
        else if (d.type === "done") resolve(d.outcome);
        else reject(new Error(d.message));
      };
      w.onerror = (e) => {
        e.preventDefault();
        reject(new Error(e.message));
      };
      w.postMessage({ config: job.config, resume: job.resume });
    });
  return { run, close: () => w.terminate() };
}

/**
 * Runs (or loads) every run of a sweep and returns their outcomes in grid order.
 *
 * With a `store`, each run is `resource-<name>` / `<run name>` keyed by its full config: a
 * finished run is loaded instead of retrained, an unfinished one resumes from its checkpoint.
 * `progress` (default: unless `TOOLKIT_QUIET=1`) prints one line per run to stderr.
 *
 * @example
 * ```ts
 * import { openResults } from "toolkit";
 *
 * const runs = await runSweep(
 *   { name: "demo", tasks: [{ kind: "single" }], alphas: [1, 8], seeds: [0], depths: [1], widths: [100], train: { steps: 500 } },
 *   { store: openResults(":memory:") },
 * );
 * ```
 */
export async function runSweep(
  sweep: SweepConfig,
  opts: { store?: ResultsStore; workers?: number; progress?: boolean } = {},
): Promise<RunOutcome[]> {
  const configs = sweepConfigs(sweep);
  const workers = opts.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1) {
    throw new ConfigError("workers", "an integer >= 1", workers);
  }
  const progress = opts.progress ?? !envFlag("TOOLKIT_QUIET", false);
  const { store } = opts;
  if (store) storeWaitsForLocks(store);
  const experiment = `resource-${sweep.name}`;
  const results: (RunOutcome | undefined)[] = configs.map(() => undefined);
  const jobs: (Job & { index: number })[] = [];
  configs.forEach((config, index) => {
    if (!store) return void jobs.push({ config, index });
    const runId = store.startRun({ experiment, name: runName(config), config });
    const stored = store.run(runId)?.status === "done"
      ? store.artifact(runId, "outcome")
      : undefined;
    if (stored) return void (results[index] = { ...stored, config });
    const resume = store.artifact<ResourceCheckpoint | null>(runId, "checkpoint") ?? undefined;
    if (resume) store.truncateMetrics(runId, resume.step);
    jobs.push({ config, index, runId, resume });
  });
  const t0 = performance.now();
  let done = 0;
  const log = (s: string) => progress && console.error(`[resource ${sweep.name}] ${s}`);
  if (configs.length > jobs.length) {
    log(`${configs.length - jobs.length}/${configs.length} runs loaded from the store`);
  }
  const finish = (job: Job & { index: number }, out: RunOutcome) => {
    results[job.index] = out;
    if (store && job.runId) {
      const { config: _c, ...rest } = out;
      store.setArtifact(job.runId, "outcome", rest);
      store.setArtifact(job.runId, "checkpoint", null);
      store.finishRun(job.runId, {
        testLoss: out.testLoss,
        testMse: out.testMse,
        trainMse: out.trainMse,
        seconds: out.seconds,
      });
    }
    done++;
    const el = (performance.now() - t0) / 1000;
    const eta = (el / done) * (jobs.length - done);
    log(
      `${done}/${jobs.length} ${runName(job.config)}: mse ${out.testLoss.toExponential(2)} ` +
        `(${out.seconds.toFixed(1)} s; elapsed ${el.toFixed(0)} s, eta ${eta.toFixed(0)} s)`,
    );
  };
  // Every run was opened above; its provenance clock starts when it starts training.
  const startClock = (job: Job) => store && job.runId && store.startClock(job.runId);
  const hooks = (job: Job): RunHooks => ({
    onCheckpoint: (c) => store && job.runId && store.setArtifact(job.runId, "checkpoint", c),
    onLog: store && job.runId ? (step, m) => store.logMetrics(job.runId!, step, m) : undefined,
  });
  if (jobs.length) {
    log(`${jobs.length} runs to train${workers > 1 ? ` on ${workers} workers` : ""}`);
  }
  if (workers === 1) {
    for (const job of jobs) {
      startClock(job);
      finish(job, trainRun(job.config, { resume: job.resume, ...hooks(job) }));
    }
  } else {
    let next = 0;
    const lane = async () => {
      const worker = workerLane();
      try {
        while (next < jobs.length) {
          const job = jobs[next++];
          startClock(job);
          finish(job, await worker.run(job, hooks(job)));
        }
      } finally {
        worker.close();
      }
    };
    await Promise.all(Array.from({ length: Math.min(workers, jobs.length) }, lane));
  }
  return results as RunOutcome[];
}

/**
 * Whether every run of a sweep is finished in a store (locally or in the committed archive), so
 * that {@link runSweep} would only read: how reports choose the stored `cpu` grids over
 * retraining the quick ones.
 *
 * @example
 * ```ts
 * import { openResults } from "toolkit";
 * import { presetSweep } from "./mod.ts";
 *
 * if (sweepStored(openResults(), presetSweep("single", "cpu"))) console.log("cpu grid stored");
 * ```
 */
export function sweepStored(store: ResultsStore, sweep: SweepConfig): boolean {
  return sweepRunIds(sweep).every((id) => store.run(id)?.status === "done");
}

/**
 * The stored run ids of a sweep's runs, in grid order (what {@link runSweep} stores under).
 *
 * @example
 * ```ts
 * import { presetSweep } from "./mod.ts";
 *
 * const ids = sweepRunIds(presetSweep("single", "cpu"));
 * ```
 */
export function sweepRunIds(sweep: SweepConfig): string[] {
  const experiment = `resource-${sweep.name}`;
  return sweepConfigs(sweep).map((config) =>
    `${experiment}-${runName(config)}-${configHash(config)}`
  );
}
