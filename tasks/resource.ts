/**
 * Paper 3 (resource model) experiments from the command line.
 *
 *   deno task resource:single [--preset smoke|quick|cpu|paper] [--seeds 0,1,2] [--json] [--workers N]
 *   deno task resource:parallel | resource:sequential | resource:functions   (same flags)
 *   deno run -A tasks/resource.ts width | parity | chinchilla                 (beyond the paper)
 *
 * Runs go to the results database (`--db`, default results/results.sqlite), one per (task, α,
 * seed): a rerun skips stored runs, a killed one resumes. Progress goes to stderr; `--json`
 * prints `{"alphas", "neurons", "mse", "slope", "slope_ci", …}` on stdout.
 */
import { openResults, resultsDir } from "../lib/store/results.ts";
import {
  parseShard,
  resourceGridCells,
  runResourceShard,
  runSlurmCommand,
  SLURM_FLAGS,
  slurmRequested,
} from "../lib/sweep/mod.ts";
import { markdownTable } from "../lib/plot/display.ts";
import { numberFlag, parseFlags } from "../lib/util/cli.ts";
import { ConfigError } from "../lib/util/validate.ts";
import {
  RESOURCE_EXPERIMENTS,
  RESOURCE_PRESETS,
  resourceChinchillaLink,
  type ResourceExperiment,
  type ResourcePreset,
  runResourceExperiment,
  runResourceParity,
  SMOKE_RESOURCE_PARITY,
} from "../lib/resource/mod.ts";

const COMMANDS = [...RESOURCE_EXPERIMENTS, "parity", "chinchilla"];
const flags = parseFlags(Deno.args, {
  preset: { type: "string", default: "cpu", help: RESOURCE_PRESETS.join(" | ") },
  seeds: { type: "string", default: "", help: "comma-separated seeds (default: the preset's)" },
  json: { type: "boolean", default: false, help: "print the result as JSON on stdout" },
  workers: { type: "string", default: "1", help: "parallel workers" },
  threshold: { type: "string", default: "0.001", help: "allocation threshold on |weights|" },
  db: {
    type: "string",
    default: "",
    help: "results database (default results/results.sqlite; :memory: for none)",
  },
  shard: {
    type: "string",
    default: "",
    help: "i/n: train only shard i of n of the grid (no summary)",
  },
  ...SLURM_FLAGS,
}, { usage: `deno run -A tasks/resource.ts ${COMMANDS.join("|")} [flags]` });

const command = flags._[0];
if (!COMMANDS.includes(command)) throw new ConfigError("command", COMMANDS.join(", "), command);
const preset = flags.preset as ResourcePreset;
if (!(RESOURCE_PRESETS as readonly string[]).includes(preset)) {
  throw new ConfigError("preset", RESOURCE_PRESETS.join(", "), preset);
}
const seeds = flags.seeds
  ? flags.seeds.split(",").map((s, i) => numberFlag(`seeds[${i}]`, s, 0))
  : undefined;
const gridCommand = (RESOURCE_EXPERIMENTS as readonly string[]).includes(command);
if (slurmRequested(flags) || flags.shard) {
  if (!gridCommand) throw new ConfigError("command", RESOURCE_EXPERIMENTS.join(", "), command);
  const grid = {
    experiment: command as ResourceExperiment,
    preset,
    overrides: seeds ? { seeds } : undefined,
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
        store: flags.db || `${resultsDir()}/results.sqlite`,
      }),
    );
  }
  const shard = parseShard(flags.shard);
  const shardStore = flags.db ? openResults(flags.db) : openResults();
  const n = await runResourceShard(grid, shard, { store: shardStore });
  shardStore.close();
  console.error(`[resource ${command}] shard ${flags.shard}: ${n} runs stored`);
  Deno.exit(0);
}
const store = flags.db ? openResults(flags.db) : openResults();
const t0 = performance.now();
let json: Record<string, unknown>;
let table = "";
if (command === "chinchilla") {
  const { rows: _r, ...link } = await resourceChinchillaLink();
  json = link;
} else if (command === "parity") {
  const r = await runResourceParity(preset === "smoke" ? SMOKE_RESOURCE_PARITY : {}, { store });
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
  const s = await runResourceExperiment(command as ResourceExperiment, {
    preset,
    store,
    workers: numberFlag("workers", flags.workers, 1),
    allocation: { threshold: numberFlag("threshold", flags.threshold, 1e-3) },
    overrides: seeds ? { seeds } : undefined,
  });
  json = s.json;
  table = markdownTable(s.rows, {
    columns: Object.keys(s.rows[0]).filter((k) => s.rows.some((r) => r[k] !== null)),
  });
}
store.close();
if (flags.json) console.log(JSON.stringify(json));
else {
  if (table) console.log(table + "\n");
  console.log(JSON.stringify(json, null, 1));
}
console.error(`[resource ${command}] ${((performance.now() - t0) / 1000).toFixed(1)} s`);
