/**
 * Paper 2 §4: the small-scale training sweep (sizes × compute budgets × seeds), resumable;
 * prints the compute-optimal sizes and the N_opt ∝ C^a exponents for total and non-embedding
 * counting, and writes figures `scaling_sweep_*.svg`.
 *
 *   deno task scaling:sweep --preset smoke --json        # seconds
 *   deno task scaling:sweep                              # cpu preset, ~30 min on 2 idle cores
 *   deno task scaling:sweep --preset cpu-wide            # cpu + a 4th budget (5 more runs)
 *   deno task scaling:sweep --preset cpu-wider           # cpu-wide + a 5th budget (4 more runs)
 *   deno task scaling:sweep --schedule constant          # the same grid with a constant lr
 *   deno task scaling:sweep --analyze-only               # read stored runs (every complete seed)
 *   deno task scaling:sweep --preset gpu --corpus brown+nlp-corpus --plan   # cells, D/N, epochs
 *   deno task scaling:sweep --preset cpu --seeds 1       # a second seed of the cpu grid
 *   deno task scaling:sweep --shard 1/2 & deno task scaling:sweep --shard 2/2   # two cores
 *
 * --json prints {"preset", "budgets", "sizes", "optimal", "exponent", "paper", ...}. A bad
 * flag or config value fails (exit 2) naming the field, before anything starts. Runs,
 * checkpoints and figures go to `--results DIR` (default `$TOOLKIT_RESULTS` or results/).
 */
import { markdownTable } from "../lib/plot/mod.ts";
import { initBackend } from "../lib/backend/backend.ts";
import {
  completeSeeds,
  runScalingSweep,
  sweepPlan,
  sweepSummary,
} from "../lib/scaling/sweep/run.ts";
import { loadSweepTokens } from "../lib/scaling/sweep/data.ts";
import {
  SCALING_SWEEP_PRESET_NAMES,
  type ScalingSweepConfig,
  scalingSweepConfig,
} from "../lib/scaling/sweep/config.ts";
import { writeSweepFigures } from "../lib/scaling/sweep/figures.ts";
import { sweepTokensMarkdown } from "../lib/scaling/sweep/report.ts";
import { openResults } from "../lib/store/results.ts";
import { useResults } from "../lib/store/paths.ts";
import {
  runSlurmCommand,
  scalingSweepCells,
  SLURM_FLAGS,
  slurmRequested,
} from "../lib/sweep/mod.ts";
import { numberFlag, parseFlags, RESULTS_FLAGS, runMain } from "../lib/util/cli.ts";
import { ConfigError } from "../lib/util/validate.ts";

function numbers(
  name: string,
  value: string,
  opts: { integer?: boolean; min?: number; exclusiveMin?: boolean } = {},
): number[] {
  const parts = value.split(",").map((s) => s.trim()).filter(Boolean);
  if (!parts.length) throw new ConfigError(name, "comma-separated numbers", value);
  return parts.map((p) => numberFlag(name, p, 0, opts));
}

function shapes(value: string): ScalingSweepConfig["sizes"] {
  return value.split(",").map((s) => {
    const m = /^(\d+)x(\d+)x(\d+)$/.exec(s.trim());
    if (!m) throw new ConfigError("sizes", "comma-separated LxDxH shapes, e.g. 1x16x2,2x32x2", s);
    return { nLayers: Number(m[1]), dModel: Number(m[2]), nHeads: Number(m[3]) };
  });
}

await runMain(async () => {
  const flags = parseFlags(Deno.args, {
    preset: { type: "string", default: "cpu", help: SCALING_SWEEP_PRESET_NAMES.join(" | ") },
    json: { type: "boolean", default: false, help: "print JSON" },
    schedule: { type: "string", default: "", help: "cosine | constant (default: the preset's)" },
    lr: { type: "string", default: "", help: "peak learning rate (default: the preset's)" },
    seeds: { type: "string", default: "", help: "comma-separated seeds, e.g. 0,1" },
    budgets: { type: "string", default: "", help: "comma-separated C_T budgets in FLOP" },
    sizes: { type: "string", default: "", help: "comma-separated LxDxH shapes" },
    batch: { type: "string", default: "", help: "windows per step" },
    corpus: {
      type: "string",
      default: "",
      help: "brown | nlp-corpus | brown+nlp-corpus (default: the preset's, brown)",
    },
    plan: {
      type: "boolean",
      default: false,
      help: "print the grid's cells (tokens, D/N_T, corpus epochs) and exit",
    },
    ...RESULTS_FLAGS,
    figures: { type: "string", default: "RESULTS/figures", help: 'figure directory ("" = none)' },
    wait: {
      type: "boolean",
      default: false,
      help: "wait for runs another process is training instead of failing",
    },
    "analyze-only": { type: "boolean", default: false, help: "read stored runs, train nothing" },
    shard: { type: "string", default: "", help: "i/n: train shard i of n (one process per core)" },
    ...SLURM_FLAGS,
  }, {
    usage: `deno task scaling:sweep [--preset ${SCALING_SWEEP_PRESET_NAMES.join("|")}] [--json]` +
      " [--schedule constant]" +
      " [--corpus brown|nlp-corpus|brown+nlp-corpus] [--seeds 0,1] [--plan]",
  });
  const over: Partial<ScalingSweepConfig> = {};
  if (flags.schedule) over.schedule = flags.schedule as ScalingSweepConfig["schedule"];
  if (flags.lr) over.lr = numberFlag("lr", flags.lr, 0, { min: 0, exclusiveMin: true });
  if (flags.seeds) over.seeds = numbers("seeds", flags.seeds, { integer: true, min: 0 });
  if (flags.budgets) {
    over.budgets = numbers("budgets", flags.budgets, { min: 0, exclusiveMin: true });
  }
  if (flags.sizes) over.sizes = shapes(flags.sizes);
  if (flags.batch) over.batchSize = numberFlag("batch", flags.batch, 0, { integer: true, min: 1 });
  if (flags.corpus) over.corpus = flags.corpus as ScalingSweepConfig["corpus"];
  let cfg = scalingSweepConfig(flags.preset, over);
  if (flags.plan) {
    await initBackend({ quiet: true });
    const tokens = await loadSweepTokens({
      name: cfg.corpus,
      categories: cfg.corpusCategories,
      validationFraction: cfg.validationFraction,
    });
    const train = tokens.train.length;
    const cells = sweepPlan(cfg).cells.map((c) => ({
      run: c.name,
      N_T: c.info.total,
      tokens: c.tokens,
      "D/N_T": +(c.tokens / c.info.total).toFixed(2),
      epochs: +(c.tokens / train).toFixed(2),
    }));
    if (flags.json) console.log(JSON.stringify({ corpus: tokens.corpus, train, cells }, null, 2));
    else {
      console.log(
        `${cfg.corpus}: ${train} training tokens, ${tokens.validation.length} validation\n`,
      );
      console.log(markdownTable(cells));
    }
    return;
  }
  const { dir, db } = useResults(flags);
  if (flags.wait) Deno.env.set("TOOLKIT_WAIT", "1");
  const figureDir = flags.figures === "RESULTS/figures" ? `${dir}/figures` : flags.figures;
  if (slurmRequested(flags)) {
    // A job array: each task trains --shard i/n into its own results folder; the merge job
    // imports them into --db and then runs this command with --analyze-only on it.
    Deno.exit(
      await runSlurmCommand(flags, {
        kind: "scaling_sweep",
        script: "tasks/scaling_sweep.ts",
        args: Deno.args,
        drop: { figures: true, "analyze-only": false },
        shardArgs: ["--figures", ""],
        summaryArgs: ["--analyze-only", "--figures", figureDir],
        cells: () => scalingSweepCells(cfg),
        store: db,
      }),
    );
  }
  let shard: { index: number; count: number } | undefined;
  if (flags.shard) {
    const m = /^(\d+)\/(\d+)$/.exec(flags.shard);
    if (!m) throw new ConfigError("shard", "i/n, e.g. 1/2", flags.shard);
    shard = { index: Number(m[1]), count: Number(m[2]) };
    if (shard.count < 1 || shard.index < 1 || shard.index > shard.count) {
      throw new ConfigError("shard", `i/n with 1 <= i <= n`, flags.shard);
    }
  }
  const store = openResults(db);
  if (flags["analyze-only"] && !flags.seeds) {
    // Every seed whose grid is complete in the store (the archive holds seed 0).
    await initBackend({ quiet: true });
    const seeds = completeSeeds(cfg, store);
    if (seeds.length) cfg = scalingSweepConfig(flags.preset, { ...over, seeds });
  }
  const result = await runScalingSweep(cfg, {
    preset: flags.preset,
    store,
    analyzeOnly: flags["analyze-only"],
    shard,
  }).finally(() => store.close());
  const figures = figureDir ? await writeSweepFigures(result, figureDir) : [];
  const summary = sweepSummary(result);
  if (flags.json) console.log(JSON.stringify({ ...summary, figures }, null, 2));
  else {
    const fmt = (x: number | null) => (x === null ? "n/a" : x.toFixed(3));
    console.log(
      `preset ${result.preset}, schedule ${cfg.schedule}, ${result.runs.length} runs stored` +
        (result.missing ? `, ${result.missing} missing` : "") +
        `, trained now: ${result.trained.runs} runs / ${result.trained.steps} steps (${
          result.seconds.toFixed(0)
        } s)\n`,
    );
    console.log(markdownTable(result.sizes.map((s) => ({ ...s }))));
    console.log(
      "\nCompute-optimal sizes (IsoFLOP parabola in log N_T at each C_T; N_\\E and C_\\E of the same optimum):\n",
    );
    console.log(markdownTable(summary.optimal.map((r) => ({ ...r }))));
    console.log("\nIsoFLOP profiles at fixed C_\\E (interpolated between runs):\n");
    console.log(markdownTable(summary.optimalNonEmbedding.map((r) => ({ ...r }))));
    console.log(
      `\nN_opt ∝ C^a: total ${fmt(summary.exponent.total)} (paper ${summary.paper.total}),` +
        ` non-embedding ${
          fmt(summary.exponent.nonEmbedding)
        } (paper ${summary.paper.nonEmbedding});` +
        ` from IsoFLOPs at fixed C_\\E: ${fmt(summary.exponent.nonEmbeddingIsoFlop)}`,
    );
    const jk = result.jackknife.map((j) => ({
      "size left out": `L${result.sizes[j.dropped].nLayers} d${result.sizes[j.dropped].dModel}`,
      "a (total)": j.total === null ? "n/a" : j.total.toFixed(3),
      "a (non-embedding)": j.nonEmbedding === null ? "n/a" : j.nonEmbedding.toFixed(3),
    }));
    console.log(`\nLeave-one-size-out exponents:\n\n${markdownTable(jk)}`);
    console.log(`\n${sweepTokensMarkdown(result)}`);
    const seedRows = result.seeds.perSeed.map((p) => ({
      seed: p.seed,
      runs: p.runs,
      "interior minima": p.interior,
      "a (total)": fmt(p.total),
      "a (non-embedding)": fmt(p.nonEmbedding),
    }));
    console.log(`\nEach seed alone:\n\n${markdownTable(seedRows)}`);
    for (const k of ["total", "nonEmbedding"] as const) {
      const s = result.seeds[k];
      console.log(
        s
          ? `${k}: ${s.mean.toFixed(3)} ± ${s.sd.toFixed(3)} over ${s.n} seeds (95% t-interval ${
            s.ci[0].toFixed(3)
          }–${s.ci[1].toFixed(3)})`
          : `${k}: no seed interval (fewer than 2 seeds with a fit)`,
      );
    }
    if (figures.length) console.log(`figures: ${figures.join(", ")}`);
  }
});
