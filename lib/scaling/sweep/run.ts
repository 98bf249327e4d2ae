/**
 * Paper 2 §4, the small-scale experiment: train small causal language models (GPT-2
 * vocabulary, context 16, a real English corpus) for every (size, compute budget, seed), then
 * find the compute-optimal sizes and fit N_opt ∝ C^a with total and with non-embedding
 * parameter counting (paper: a ≈ 0.49 and ≈ 0.74).
 *
 * One stored run per (size, budget, seed) in the results database (experiment
 * `scaling_sweep`), checkpointed while it trains, skipped once done: a killed sweep resumes
 * where it stopped, and the analysis reads the database. Counting: N_T = every parameter (tied
 * embedding once, position embeddings included); N_\E = N_T minus the token and position
 * embeddings (Kaplan's N; biases and LayerNorm gains are kept, unlike Kaplan's 12·L·d²).
 *
 * @module
 */
import { tf } from "../../deps.ts";
import { initBackend } from "../../backend/backend.ts";
import { LanguageModel } from "../../model/language_model.ts";
import { countParams } from "../../model/params.ts";
import { checkpointDir, checkpointPath as runCheckpointPath } from "../../store/paths.ts";
import { configHash, openResults, type ResultsStore } from "../../store/results.ts";
import { GPT2_VOCAB_SIZE } from "../../text/gpt2.ts";
import type { TokenWindows } from "../../text/windows.ts";
import { train, type TrainConfig } from "../../train/trainer.ts";
import { compare, type Comparison } from "../../util/report.ts";
import { shardMask } from "../../sweep/shard.ts";
import {
  analyzeSweep,
  optimumTokens,
  seedIntervals,
  sizeJackknife,
  type SweepAnalysis,
  type SweepJackknifeRow,
  type SweepOptimumTokens,
  type SweepPoint,
  type SweepSeedIntervals,
} from "./analysis.ts";
import { type ScalingSweepConfig, scalingSweepConfig, type SweepModelShape } from "./config.ts";
import { loadSweepTokens, SweepBatches, type SweepTokens, validationWindows } from "./data.ts";
import { lmWindowLoss } from "./loss.ts";
import { envFlag } from "../../util/env.ts";

/**
 * The exponents of the paper's §4 experiment (Pearce & Song 2024): N_opt ∝ C^a with a ≈ 0.49
 * for total and ≈ 0.74 for non-embedding counting.
 */
export const PAPER_SWEEP_EXPONENTS = Object.freeze({ total: 0.49, nonEmbedding: 0.74 });

/** A model shape with its parameter counts. */
export interface SweepSizeInfo extends SweepModelShape {
  total: number;
  nonEmbedding: number;
  /** Token + position embeddings. */
  embedding: number;
}

/** The stored summary of one finished run. */
export interface SweepRunSummary {
  runId: string;
  size: number;
  budget: number;
  seed: number;
  nTotal: number;
  nNonEmbedding: number;
  steps: number;
  /** Tokens trained on: steps·B·T (the budget rounded to whole steps). */
  tokens: number;
  /** 6·N_T·tokens. */
  compute: number;
  /** Passes over the training stream. */
  epochs: number;
  /** Mean validation cross-entropy (nats per token) on the held-out windows. */
  valLoss: number;
  /** Mean training loss of the last logging window. */
  trainLoss: number;
  msPerStep: number;
  seconds: number;
}

/** What {@link runScalingSweep} returns. */
export interface ScalingSweepResult {
  preset: string;
  config: ScalingSweepConfig;
  sizes: SweepSizeInfo[];
  /** Finished runs of this config (all of them unless `analyzeOnly` found gaps). */
  runs: SweepRunSummary[];
  /** Runs of the grid not finished (only with `analyzeOnly`). */
  missing: number;
  analysis: SweepAnalysis;
  /** The exponents with each size left out in turn (how much one size moves them). */
  jackknife: SweepJackknifeRow[];
  /** Each seed's own exponents and their spread over seeds (intervals need ≥ 2 seeds). */
  seeds: SweepSeedIntervals;
  /** Work done by this call: runs and optimizer steps trained (0 when everything was stored). */
  trained: { runs: number; steps: number };
  corpus: { name: string; trainTokens: number; validationTokens: number; evalTokens: number };
  /** Wall time of this call. */
  seconds: number;
}

/** Options of {@link runScalingSweep}. */
export interface RunScalingSweepOptions {
  /** Preset name (recorded in the result). Default "cpu". */
  preset?: string;
  /** Results database. Default `openResults()` (closed again at the end). */
  store?: ResultsStore;
  /** Only read stored runs; train nothing. Default false. */
  analyzeOnly?: boolean;
  /**
   * Train only this shard's runs (1-based `index` of `count`): run `count` processes with
   * different indices on the same database to use several cores (tfjs-wasm runs one thread).
   * Runs are dealt to shards by tokens, largest first, so shards take about equally long.
   */
  shard?: { index: number; count: number };
  /** Progress lines on stderr. Default true (silenced by TOOLKIT_QUIET=1). */
  progress?: boolean;
  /** Where checkpoints go. Default `<results>/checkpoints/<experiment>`. */
  checkpointDir?: string;
  /** Token cache directory. Default `<results>/cache`. */
  cacheDir?: string;
}

/**
 * Runs (or resumes) the sweep and analyses it. Finished runs are read from the database, not
 * retrained.
 *
 * @example
 * ```ts
 * import { scalingSweepConfig } from "toolkit/scaling";
 *
 * const res = await runScalingSweep(scalingSweepConfig("smoke"), { preset: "smoke" });
 * console.log(res.analysis.fits.total?.exponent, res.analysis.fits.nonEmbedding?.exponent);
 * ```
 */
export async function runScalingSweep(
  config: ScalingSweepConfig,
  opts: RunScalingSweepOptions = {},
): Promise<ScalingSweepResult> {
  const cfg = scalingSweepConfig("cpu", config);
  const t0 = performance.now();
  await initBackend({ quiet: opts.progress === false });
  const store = opts.store ?? openResults();
  try {
    const { tokens, val } = await sweepData(cfg, opts.cacheDir);
    const { sizes, cells: grid } = sweepPlan(cfg);
    const log = sweepLog(opts.progress);
    const runs: SweepRunSummary[] = [];
    const mine = shardOf(grid, opts.shard);
    const pending = grid.filter((g, i) => mine[i] && store.run(g.runId)?.status !== "done");
    const totalTokens = pending.reduce((a, g) => a + g.steps * cfg.batchSize * cfg.context, 0);
    let doneTokens = 0, trainSecs = 0, trainedSteps = 0, trainedRuns = 0;
    const stored = grid.filter((g) => store.run(g.runId)?.status === "done").length;
    log(
      `[sweep] ${grid.length} runs, ${stored} stored` +
        (opts.analyzeOnly
          ? " (analysis only)"
          : `, ${pending.length} to train (${(totalTokens / 1e6).toFixed(2)}M tokens)`),
    );
    const batchesBySeed = new Map<number, SweepBatches>();
    for (const [i, g] of grid.entries()) {
      const stored = store.run(g.runId);
      if (stored?.status === "done") {
        // The stored index is of the sizes list the run was trained under (e.g. a --sizes
        // subset); the run id names the shape, so re-index it in this grid.
        runs.push({ ...(stored.summary as SweepRunSummary), size: g.size });
        continue;
      }
      if (opts.analyzeOnly || !mine[i]) continue;
      const summary = await trainRun(cfg, g, {
        store,
        batches: batchesOfSeed(batchesBySeed, tokens, cfg, g.seed),
        val,
        tokens,
        checkpointDir: opts.checkpointDir,
        progress: opts.progress,
      });
      runs.push(summary);
      trainedRuns++, trainedSteps += summary.steps;
      doneTokens += summary.tokens, trainSecs += summary.seconds;
      const eta = doneTokens > 0 ? ((totalTokens - doneTokens) * trainSecs) / doneTokens : NaN;
      log(`[sweep] ${trainedRuns}/${pending.length} ${g.name}: ${runProgress(summary, eta)}`);
    }
    return sweepResult(cfg, {
      preset: opts.preset,
      sizes,
      runs,
      missing: grid.length - runs.length,
    }, {
      trained: { runs: trainedRuns, steps: trainedSteps },
      tokens,
      val,
      t0,
    });
  } finally {
    if (!opts.store) store.close();
  }
}

// The sweep's data: the corpus's tokens (cached) and the fixed validation windows.
async function sweepData(
  cfg: ScalingSweepConfig,
  cacheDir: string | undefined,
): Promise<{ tokens: SweepTokens; val: TokenWindows }> {
  const tokens = await loadSweepTokens(
    {
      name: cfg.corpus,
      categories: cfg.corpusCategories,
      validationFraction: cfg.validationFraction,
    },
    { cacheDir },
  );
  const val = validationWindows(tokens.validation, {
    context: cfg.context,
    count: cfg.evalWindows,
  });
  return { tokens, val };
}

// Progress lines go to stderr unless progress is off or TOOLKIT_QUIET=1.
function sweepLog(progress: boolean | undefined): (s: string) => void {
  return progress !== false && !envFlag("TOOLKIT_QUIET", false)
    ? (s: string) => console.error(s)
    : () => {};
}

// The batch stream of a seed, made once and shared by the runs of that seed.
function batchesOfSeed(
  bySeed: Map<number, SweepBatches>,
  tokens: SweepTokens,
  cfg: ScalingSweepConfig,
  seed: number,
): SweepBatches {
  let batches = bySeed.get(seed);
  if (!batches) {
    batches = new SweepBatches(tokens.train, {
      context: cfg.context,
      batchSize: cfg.batchSize,
      seed,
    });
    bySeed.set(seed, batches);
  }
  return batches;
}

/** One finished run for the progress log: loss, steps, speed, and the sweep's ETA. */
function runProgress(summary: SweepRunSummary, eta: number): string {
  return `val loss ${summary.valLoss.toFixed(4)}` +
    ` (${summary.steps} steps, ${summary.msPerStep.toFixed(0)} ms/step, ${
      summary.seconds.toFixed(0)
    } s)` +
    ` ETA ${Number.isFinite(eta) ? `${Math.round(eta)} s` : "?"}`;
}

/** The sweep's result from its runs: the IsoFLOP analysis, the jackknife, the corpus sizes. */
function sweepResult(
  cfg: ScalingSweepConfig,
  grid: Pick<ScalingSweepResult, "sizes" | "runs" | "missing"> & { preset?: string },
  o: {
    trained: ScalingSweepResult["trained"];
    tokens: SweepTokens;
    val: TokenWindows;
    /** When the sweep started (performance.now()): seconds count to the end of the analysis. */
    t0: number;
  },
): ScalingSweepResult {
  const { sizes, runs, missing } = grid;
  const { tokens, val } = o;
  const points: SweepPoint[] = runs.map((r) => ({
    size: r.size,
    nTotal: r.nTotal,
    nNonEmbedding: r.nNonEmbedding,
    budget: r.budget,
    tokens: r.tokens,
    loss: r.valLoss,
    seed: r.seed,
  }));
  return {
    preset: grid.preset ?? "cpu",
    config: cfg,
    sizes,
    runs,
    missing,
    analysis: analyzeSweep(points, { minSizes: cfg.minSizesPerProfile }),
    jackknife: sizeJackknife(points, { minSizes: cfg.minSizesPerProfile }),
    seeds: seedIntervals(points, { minSizes: cfg.minSizesPerProfile }),
    trained: o.trained,
    corpus: {
      name: tokens.corpus.name,
      trainTokens: tokens.train.length,
      validationTokens: tokens.validation.length,
      evalTokens: val.targetTokens,
    },
    seconds: (performance.now() - o.t0) / 1000,
  };
}

/** One cell of the grid: a run to train (or already stored). */
export interface SweepPlanCell {
  runId: string;
  name: string;
  size: number;
  info: SweepSizeInfo;
  budget: number;
  seed: number;
  steps: number;
  /** steps·B·T. */
  tokens: number;
  /** What identifies the run (its id is a hash of this). */
  config: Record<string, unknown>;
}

/**
 * The grid's cells with their token counts: D = C_T / (6·N_T) rounded to whole steps of B·T
 * tokens (at least one step).
 *
 * @example
 * ```ts
 * import { scalingSweepConfig } from "toolkit/scaling";
 *
 * const cfg = scalingSweepConfig("smoke");
 * sweepTokens(cfg, 1e6, cfg.budgets[0]); // tokens of a 1M-parameter model at the first budget
 * ```
 */
export function sweepTokens(
  cfg: Pick<ScalingSweepConfig, "batchSize" | "context">,
  nTotal: number,
  budget: number,
): { steps: number; tokens: number } {
  const perStep = cfg.batchSize * cfg.context;
  const steps = Math.max(1, Math.round(budget / (6 * nTotal) / perStep));
  return { steps, tokens: steps * perStep };
}

/**
 * The sweep's plan: each size's parameter counts and every (size, budget, seed) run with its
 * steps and its id in the results database, less the cells beyond `maxTokensPerParam`. A run's
 * id depends on its shape, budget, seed and training settings, not on the rest of the grid, so
 * grids that share cells (`cpu` and `cpu-wide`, or a `--sizes` subset) share their runs. Needs a
 * tfjs backend (it builds each model once to count its parameters).
 *
 * @example
 * ```ts
 * import { scalingSweepConfig } from "toolkit/scaling";
 *
 * const { sizes, cells } = sweepPlan(scalingSweepConfig("cpu"));
 * console.log(sizes.map((s) => s.total), cells.length);
 * ```
 */
export function sweepPlan(
  config: ScalingSweepConfig,
): { sizes: SweepSizeInfo[]; cells: SweepPlanCell[] } {
  const cfg = scalingSweepConfig("cpu", config);
  const sizes = cfg.sizes.map((s) => sizeInfo(s, cfg.context));
  const cells: SweepPlanCell[] = [];
  for (const budget of cfg.budgets) {
    for (const seed of cfg.seeds) {
      sizes.forEach((info, size) => {
        const { steps, tokens } = sweepTokens(cfg, info.total, budget);
        if (cfg.maxTokensPerParam > 0 && tokens / info.total > cfg.maxTokensPerParam) return;
        const shape = { nLayers: info.nLayers, dModel: info.dModel, nHeads: info.nHeads };
        const config = {
          v: 1,
          shape,
          budget,
          seed,
          vocab: GPT2_VOCAB_SIZE,
          context: cfg.context,
          batchSize: cfg.batchSize,
          lr: cfg.lr,
          schedule: cfg.schedule,
          warmupFraction: cfg.warmupFraction,
          betas: cfg.betas,
          clipNorm: cfg.clipNorm,
          evalWindows: cfg.evalWindows,
          corpusCategories: cfg.corpusCategories,
          validationFraction: cfg.validationFraction,
          // Brown (the default) is left out, so the archived runs keep their ids.
          ...(cfg.corpus === "brown" ? {} : { corpus: cfg.corpus }),
        };
        const name = `L${shape.nLayers}-d${shape.dModel}-C${
          budget.toExponential(2)
        }-s${seed}-${cfg.schedule}${cfg.corpus === "brown" ? "" : `-${cfg.corpus}`}`;
        cells.push({
          runId: `${cfg.experiment}-${name}-${configHash(config)}`,
          name,
          size,
          info,
          budget,
          seed,
          steps,
          tokens,
          config,
        });
      });
    }
  }
  return { sizes, cells };
}

/**
 * The seeds whose whole grid (every cell of `config` with that seed) is finished in the store,
 * sorted — local runs and archived ones alike. Use it to analyse every complete seed of a
 * stored sweep (`--analyze-only` does). Needs a tfjs backend (it plans the grid).
 *
 * @example
 * ```ts
 * import { openResults } from "toolkit";
 * import { scalingSweepConfig } from "toolkit/scaling";
 *
 * const cfg = scalingSweepConfig("cpu-wide");
 * const seeds = completeSeeds(cfg, openResults()); // [0] with the archive alone
 * ```
 */
export function completeSeeds(
  config: ScalingSweepConfig,
  store: Pick<ResultsStore, "run" | "runs">,
): number[] {
  const cfg = scalingSweepConfig("cpu", config);
  const candidates = new Set<number>();
  for (const r of store.runs({ experiment: cfg.experiment, status: "done" })) {
    const seed = r.config?.seed;
    if (Number.isInteger(seed) && seed >= 0) candidates.add(seed);
  }
  return [...candidates].sort((a, b) => a - b).filter((seed) =>
    sweepPlan({ ...cfg, seeds: [seed] }).cells.every((c) => store.run(c.runId)?.status === "done")
  );
}

/** Which cells a shard trains: dealt largest-first to the least-loaded shard (deterministic). */
function shardOf(grid: SweepPlanCell[], shard?: { index: number; count: number }): boolean[] {
  return shardMask(grid.map((g) => g.tokens), shard);
}

function sizeInfo(shape: SweepModelShape, context: number): SweepSizeInfo {
  const model = new LanguageModel({ vocabSize: GPT2_VOCAB_SIZE, maxLen: context, ...shape }, {
    seed: 0,
  });
  const c = countParams(model.params);
  model.dispose();
  return { ...shape, total: c.total, nonEmbedding: c.nonEmbedding, embedding: c.embedding };
}

async function trainRun(
  cfg: ScalingSweepConfig,
  g: SweepPlanCell,
  ctx: {
    store: ResultsStore;
    batches: SweepBatches;
    val: TokenWindows;
    tokens: SweepTokens;
    checkpointDir?: string;
    progress?: boolean;
  },
): Promise<SweepRunSummary> {
  const t0 = performance.now();
  const { store, batches, val } = ctx;
  store.startRun({ experiment: cfg.experiment, name: g.name, config: g.config, id: g.runId });
  const model = new LanguageModel(
    {
      vocabSize: GPT2_VOCAB_SIZE,
      maxLen: cfg.context,
      nLayers: g.info.nLayers,
      dModel: g.info.dModel,
      nHeads: g.info.nHeads,
    },
    { seed: g.seed },
  );
  const counts = countParams(model.params);
  const dir = ctx.checkpointDir ?? checkpointDir(cfg.experiment);
  await Deno.mkdir(dir, { recursive: true });
  const checkpointPath = runCheckpointPath(g.runId, dir);
  const B = cfg.batchSize;
  let valLoss = NaN;
  try {
    const res = await train(model, runTrainConfig(cfg, g), {
      batch: (step) => batches.batch(step),
      loss: (w) => lmWindowLoss(model, w, B),
      evaluate: async () => ({
        val_loss: valLoss = await validationLoss(model, val, cfg.evalBatch),
      }),
      store,
      runId: g.runId,
      checkpointPath,
      progress: ctx.progress,
      label: g.name,
    });
    if (!Number.isFinite(valLoss)) {
      // Killed after the last checkpoint but before the run was marked done: evaluate now.
      valLoss = await validationLoss(model, val, cfg.evalBatch);
      store.logMetrics(g.runId, g.steps, { val_loss: valLoss });
    }
    const trainLoss = res.history.length
      ? res.finalLoss
      : store.metrics(g.runId, { name: "train_loss" }).at(-1)?.value ?? NaN;
    const summary = runSummary(cfg, g, counts, ctx.tokens, {
      valLoss,
      trainLoss,
      msPerStep: res.msPerStep,
      seconds: (performance.now() - t0) / 1000,
    });
    store.finishRun(g.runId, summary);
    if (!cfg.keepCheckpoints) await Deno.remove(checkpointPath).catch(() => {});
    return summary;
  } finally {
    model.dispose();
  }
}

// A cell's trainer settings: the sweep's optimiser, warm-up as a fraction of the cell's steps,
// about 20 logging points.
function runTrainConfig(cfg: ScalingSweepConfig, g: SweepPlanCell): Partial<TrainConfig> {
  return {
    steps: g.steps,
    lr: cfg.lr,
    betas: cfg.betas,
    clipNorm: cfg.clipNorm,
    schedule: cfg.schedule,
    warmupSteps: Math.round(cfg.warmupFraction * g.steps),
    logEvery: Math.min(100, Math.max(1, Math.round(g.steps / 20))),
    checkpointEvery: cfg.checkpointEvery,
  };
}

// A finished cell's stored summary: its size and budget, tokens, compute (6·N·D), epochs, losses.
function runSummary(
  cfg: ScalingSweepConfig,
  g: SweepPlanCell,
  counts: { total: number; nonEmbedding: number },
  corpus: SweepTokens,
  measured: Pick<SweepRunSummary, "valLoss" | "trainLoss" | "msPerStep" | "seconds">,
): SweepRunSummary {
  const tokens = g.steps * cfg.batchSize * cfg.context;
  return {
    runId: g.runId,
    size: g.size,
    budget: g.budget,
    seed: g.seed,
    nTotal: counts.total,
    nNonEmbedding: counts.nonEmbedding,
    steps: g.steps,
    tokens,
    compute: 6 * counts.total * tokens,
    epochs: tokens / (corpus.train.length - 1),
    ...measured,
  };
}

/**
 * Mean next-token cross-entropy (nats) of a model over windows, in chunks of `batch` windows.
 *
 * @example
 * ```ts
 * import type { LanguageModel } from "toolkit";
 * import { type SweepTokens, validationWindows } from "toolkit/scaling";
 *
 * declare const model: LanguageModel, tokens: SweepTokens;
 * const loss = await validationLoss(model, validationWindows(tokens.validation, { context: 16, count: 256 }), 32);
 * ```
 */
export async function validationLoss(
  model: LanguageModel,
  windows: TokenWindows,
  batch: number,
): Promise<number> {
  let sum = 0;
  for (let r = 0; r < windows.n; r += batch) {
    const rows = Math.min(batch, windows.n - r);
    const chunk = windows.data.subarray(r * windows.width, (r + rows) * windows.width);
    const loss = tf.tidy(() => lmWindowLoss(model, chunk, rows));
    sum += (await loss.data())[0] * rows;
    loss.dispose();
  }
  return sum / windows.n;
}

/** The JSON of `deno task scaling:sweep --json` (see {@link sweepSummary}). */
export interface ScalingSweepSummary {
  preset: string;
  schedule: ScalingSweepConfig["schedule"];
  budgets: ScalingSweepConfig["budgets"];
  sizes: SweepSizeInfo[];
  /** One row per finished run: validation loss and wall time per step. */
  runs: {
    size: number;
    budget: number;
    seed: number;
    steps: number;
    tokens: number;
    epochs: number;
    loss: number;
    msPerStep: number;
  }[];
  missing: number;
  optimal: SweepAnalysis["optimal"]["total"];
  optimalNonEmbedding: SweepAnalysis["optimal"]["nonEmbedding"];
  /** Fitted exponents of N_opt ∝ C^a (null where too few points to fit). */
  exponent: {
    total: number | null;
    nonEmbedding: number | null;
    nonEmbeddingIsoFlop: number | null;
  };
  fits: SweepAnalysis["fits"];
  /**
   * Per budget: N_T,opt, D_opt = C_T/(6·N_T,opt), D/N_T and passes over the training text
   * (the `optimal` rows; edge minima are bounds).
   */
  optimumTokens: SweepOptimumTokens[];
  jackknife: SweepJackknifeRow[];
  seeds: SweepSeedIntervals;
  paper: { total: number; nonEmbedding: number };
  corpus: ScalingSweepResult["corpus"];
  trained: ScalingSweepResult["trained"];
  seconds: number;
}

/**
 * The sweep's result as the JSON of `deno task scaling:sweep --json`.
 *
 * @example
 * ```ts
 * import { scalingSweepConfig } from "toolkit/scaling";
 *
 * console.log(JSON.stringify(sweepSummary(await runScalingSweep(scalingSweepConfig("smoke")))));
 * ```
 */
export function sweepSummary(r: ScalingSweepResult): ScalingSweepSummary {
  const a = r.analysis;
  const exp = (f: { exponent: number } | null) => f?.exponent ?? null;
  return {
    preset: r.preset,
    schedule: r.config.schedule,
    budgets: r.config.budgets,
    sizes: r.sizes,
    runs: r.runs.map((x) => ({
      size: x.size,
      budget: x.budget,
      seed: x.seed,
      steps: x.steps,
      tokens: x.tokens,
      epochs: x.epochs,
      loss: x.valLoss,
      msPerStep: x.msPerStep,
    })),
    missing: r.missing,
    optimal: a.optimal.total,
    optimalNonEmbedding: a.optimal.nonEmbedding,
    exponent: {
      total: exp(a.fits.total),
      nonEmbedding: exp(a.fits.nonEmbedding),
      nonEmbeddingIsoFlop: exp(a.fits.nonEmbeddingIsoFlop),
    },
    fits: a.fits,
    optimumTokens: optimumTokens(a.optimal.total, r.corpus.trainTokens),
    jackknife: r.jackknife,
    seeds: r.seeds,
    paper: { ...PAPER_SWEEP_EXPONENTS },
    corpus: r.corpus,
    trained: r.trained,
    seconds: r.seconds,
  };
}

/**
 * Ours versus the paper's §4 exponents (match within 10%, close within 30%).
 *
 * @example
 * ```ts
 * import { showTable } from "toolkit";
 *
 * declare const result: ScalingSweepResult;
 * await showTable(sweepComparisons(result) as never);
 * ```
 */
export function sweepComparisons(r: ScalingSweepResult): Comparison[] {
  const range = (k: "total" | "nonEmbedding") => {
    const xs = r.jackknife.map((j) => j[k]).filter((x): x is number => x !== null);
    return xs.length
      ? `; leave-one-size-out ${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`
      : "";
  };
  const seeds = (k: "total" | "nonEmbedding") => {
    const s = r.seeds[k];
    return s
      ? `; ${s.n} seeds: ${s.min.toFixed(2)}–${s.max.toFixed(2)}, 95% t-interval ${
        s.ci[0].toFixed(2)
      }–${s.ci[1].toFixed(2)}`
      : "; one seed";
  };
  const note = (k?: "total" | "nonEmbedding") =>
    `small-scale sweep, preset ${r.preset}, ${r.runs.length} runs` +
    (k ? range(k) + seeds(k) : "");
  const row = (
    q: string,
    fit: { exponent: number; n: number } | null,
    paper: number,
    n: string,
  ): Comparison =>
    fit
      ? compare(q, fit.exponent, paper, { rel: 0.1, note: `${n}; ${fit.n} interior minima` })
      : { quantity: q, ours: "n/a (fewer than 2 interior minima)", paper, verdict: "n/a", note: n };
  const f = r.analysis.fits;
  return [
    row(
      "§4 sweep: N_opt ∝ C^a, total counting",
      f.total,
      PAPER_SWEEP_EXPONENTS.total,
      note("total"),
    ),
    row(
      "§4 sweep: N_opt ∝ C^a, non-embedding counting",
      f.nonEmbedding,
      PAPER_SWEEP_EXPONENTS.nonEmbedding,
      note("nonEmbedding"),
    ),
    row(
      "§4 sweep: non-embedding, IsoFLOPs at fixed C_\\E",
      f.nonEmbeddingIsoFlop,
      PAPER_SWEEP_EXPONENTS.nonEmbedding,
      note(),
    ),
  ];
}
