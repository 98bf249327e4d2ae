/**
 * Paper 3 (resource model) experiments from the command line.
 *
 *   deno task resource:single [--preset smoke|quick|cpu|paper] [--seeds 0,1,2] [--json] [--workers N]
 *   deno task resource:parallel | resource:sequential | resource:functions   (same flags)
 *   deno run -A tasks/resource.ts width | parity | chinchilla                 (beyond the paper)
 *
 * Grid overrides (each replaces the preset's value; used for the ablations of notebook 03):
 * `--alphas 1,2,4`, `--betas 0.9,0.95` (parallel), `--fns "x^3,x^2"` (functions), `--depths 1`,
 * `--widths 40`, `--steps 40000`, `--points 1000`, `--fresh` (a fresh batch every step).
 *
 * Runs go to the results database of `--results DIR` (default `$TOOLKIT_RESULTS` or results/;
 * the deprecated `--db FILE`, `:memory:` for none), one per (task, α, seed): a rerun skips stored runs, a killed one resumes. Progress goes to stderr; `--json`
 * prints `{"alphas", "neurons", "mse", "slope", "slope_ci", …}` on stdout.
 */
import { openResults } from "../lib/store/results.ts";
import { useResults } from "../lib/store/paths.ts";
import {
  parseShard,
  resourceGridCells,
  runResourceShard,
  runSlurmCommand,
  SLURM_FLAGS,
  slurmRequested,
} from "../lib/sweep/mod.ts";
import { markdownTable } from "../lib/plot/display.ts";
import { numberFlag, parseFlags, RESULTS_FLAGS, runMain } from "../lib/util/cli.ts";
import { ConfigError } from "../lib/util/validate.ts";
import {
  chinchillaLink,
  type Experiment,
  EXPERIMENTS,
  type Preset,
  PRESETS,
  presetSweep,
  resolveAllocationConfig,
  runExperiment,
  runParity,
  SMOKE_PARITY,
  type SweepConfig,
  type TargetName,
  TARGETS,
} from "../lib/resource/mod.ts";
import { sweepConfigs } from "../lib/resource/sweep.ts";

const COMMANDS = [...EXPERIMENTS, "parity", "chinchilla"];
await runMain(async () => {
  const flags = parseFlags(Deno.args, {
    preset: { type: "string", default: "cpu", help: PRESETS.join(" | ") },
    seeds: { type: "string", default: "", help: "comma-separated seeds (default: the preset's)" },
    json: { type: "boolean", default: false, help: "print the result as JSON on stdout" },
    workers: { type: "string", default: "1", help: "parallel workers" },
    threshold: { type: "string", default: "0.001", help: "allocation threshold on |weights|" },
    alphas: { type: "string", default: "", help: "comma-separated α (default: the preset's)" },
    betas: { type: "string", default: "", help: "parallel task: comma-separated β" },
    fns: { type: "string", default: "", help: "functions: comma-separated targets" },
    depths: { type: "string", default: "", help: "comma-separated hidden-layer counts" },
    widths: { type: "string", default: "", help: "comma-separated hidden widths" },
    steps: { type: "string", default: "", help: "Adam steps per run (default: the preset's)" },
    points: { type: "string", default: "", help: "training points (per step with --fresh)" },
    fresh: { type: "boolean", default: false, help: "draw a fresh training batch every step" },
    ...RESULTS_FLAGS,
    shard: {
      type: "string",
      default: "",
      help: "i/n: train only shard i of n of the grid (no summary)",
    },
    ...SLURM_FLAGS,
  }, {
    usage: `deno run -A tasks/resource.ts ${COMMANDS.join("|")} [flags]`,
    positionals: { name: "command", allowed: COMMANDS, min: 1, max: 1 },
  });

  const command = flags._[0];
  const preset = flags.preset as Preset;
  if (!(PRESETS as readonly string[]).includes(preset)) {
    throw new ConfigError("preset", PRESETS.join(", "), preset);
  }
  const seeds = flags.seeds
    ? flags.seeds.split(",").map((s) => numberFlag("seeds", s, 0, { integer: true, min: 0 }))
    : undefined;
  const list = (name: string, value: string, opts: Parameters<typeof numberFlag>[3]) =>
    value ? value.split(",").map((v) => numberFlag(name, v, 0, opts)) : undefined;
  const overrides: Partial<Omit<SweepConfig, "name">> = {};
  if (seeds) overrides.seeds = seeds;
  const alphas = list("alphas", flags.alphas, { min: 0, exclusiveMin: true });
  if (alphas) overrides.alphas = alphas;
  const betas = list("betas", flags.betas, { min: 0, exclusiveMin: true, max: 0.999999 });
  if (betas) {
    if (command !== "parallel") throw new ConfigError("betas", "only with parallel", flags.betas);
    overrides.tasks = betas.map((beta) => ({ kind: "parallel", beta }));
  }
  if (flags.fns) {
    if (command !== "functions") throw new ConfigError("fns", "only with functions", flags.fns);
    // Commas inside a name ("max(0,x)") do not split it.
    const fns = flags.fns.split(/,(?![^(]*\))/).map((f) => f.trim());
    for (const f of fns) {
      if (!(f in TARGETS)) throw new ConfigError("fns", Object.keys(TARGETS).join(", "), f);
    }
    overrides.tasks = fns.map((fn) => ({ kind: "function", fn: fn as TargetName }));
  }
  const depths = list("depths", flags.depths, { integer: true, min: 1 });
  if (depths) overrides.depths = depths;
  const widths = list("widths", flags.widths, { integer: true, min: 1 });
  if (widths) overrides.widths = widths;
  const train: Record<string, unknown> = {};
  if (flags.steps) train.steps = numberFlag("steps", flags.steps, 0, { integer: true, min: 1 });
  if (flags.points) train.points = numberFlag("points", flags.points, 0, { integer: true, min: 2 });
  if (flags.fresh) train.freshSamples = true;
  if (Object.keys(train).length) overrides.train = train;
  const gridOverrides = Object.keys(overrides).length ? overrides : undefined;
  const workers = numberFlag("workers", flags.workers, 1, { integer: true, min: 1 });
  const threshold = numberFlag("threshold", flags.threshold, 1e-3, { min: 0 });
  resolveAllocationConfig({ threshold });
  // The whole sweep config is checked before the store opens.
  if ((EXPERIMENTS as readonly string[]).includes(command)) {
    sweepConfigs(presetSweep(command as Experiment, preset, gridOverrides));
  }
  const { db } = useResults(flags);
  const gridCommand = (EXPERIMENTS as readonly string[]).includes(command);
  if (slurmRequested(flags) || flags.shard) {
    if (!gridCommand) throw new ConfigError("command", EXPERIMENTS.join(", "), command);
    const grid = {
      experiment: command as Experiment,
      preset,
      overrides: gridOverrides,
    };
    if (slurmRequested(flags)) {
      Deno.exit(
        await runSlurmCommand(flags, {
          kind: `resource-${command}`,
          script: "tasks/resource.ts",
          args: Deno.args,
          drop: { workers: true },
          summaryArgs: [],
          cells: () => resourceGridCells(grid),
          store: db,
        }),
      );
    }
    const shard = parseShard(flags.shard);
    const shardStore = openResults(db);
    const n = await runResourceShard(grid, shard, { store: shardStore });
    shardStore.close();
    console.error(`[resource ${command}] shard ${flags.shard}: ${n} runs stored`);
    Deno.exit(0);
  }
  const store = openResults(db);
  const t0 = performance.now();
  let json: Record<string, unknown>;
  let table = "";
  try {
    if (command === "chinchilla") {
      const { rows: _r, ...link } = await chinchillaLink();
      json = link;
    } else if (command === "parity") {
      const r = await runParity(preset === "smoke" ? SMOKE_PARITY : {}, { store });
      json = {
        widths: r.widths.map((w) => w.width),
        loss: r.widths.map((w) => w.loss),
        learned: r.widths.map((w) => w.learned),
        slope: r.slope.slope,
        slope_ci: r.slope.ci,
        predicted: r.predicted,
        learned_slope: r.learnedSlope,
      };
    } else {
      const s = await runExperiment(command as Experiment, {
        preset,
        store,
        workers,
        allocation: { threshold },
        overrides: gridOverrides,
      });
      json = s.json;
      table = markdownTable(s.rows, {
        columns: Object.keys(s.rows[0]).filter((k) => s.rows.some((r) => r[k] !== null)),
      });
    }
  } finally {
    store.close();
  }
  if (flags.json) console.log(JSON.stringify(json));
  else {
    if (table) console.log(table + "\n");
    console.log(JSON.stringify(json, null, 1));
  }
  console.error(`[resource ${command}] ${((performance.now() - t0) / 1000).toFixed(1)} s`);
});
