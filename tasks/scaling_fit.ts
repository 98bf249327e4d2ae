/**
 * Fits the Chinchilla law L(N, D) = E + A/N^α + B/D^β to a CSV of training runs with Epoch AI's
 * Approach-3 procedure (Huber δ = 1e-3 on log loss, L-BFGS from a grid of starts), with
 * bootstrap intervals.
 *
 *   deno task scaling:fit --data fixtures/chinchilla_fig4_points.csv --drop-highest-loss 5
 *   deno task scaling:fit --data runs.csv --n-column params --d-column tokens --loss-column loss --json
 *
 * Prints {"A", "B", "E", "alpha", "beta", "a", "ci": {...}, ...} with --json, else a table. A
 * bad CSV (missing column, empty, non-numeric or non-positive value) fails naming row and column.
 */
import { markdownTable } from "../lib/plot/mod.ts";
import {
  COARSE_APPROACH3_GRID,
  dataFitTableRows,
  EPOCH_APPROACH3_GRID,
  fitScalingDataset,
  readScalingCsv,
} from "../lib/scaling/mod.ts";
import { numberFlag, parseFlags } from "../lib/util/cli.ts";
import { checkOneOf, ConfigError } from "../lib/util/validate.ts";

try {
  const flags = parseFlags(Deno.args, {
    data: { type: "string", default: "", help: "CSV file of training runs (required)" },
    "drop-highest-loss": {
      type: "string",
      default: "0",
      help: "drop the K highest-loss points (Epoch: 5)",
    },
    json: { type: "boolean", default: false, help: "print JSON" },
    "n-column": { type: "string", default: "Model Size", help: "model-size column" },
    "d-column": { type: "string", default: "", help: "tokens column (empty: D = FLOP/(6N))" },
    "flop-column": { type: "string", default: "Training FLOP", help: "training-FLOP column" },
    "loss-column": { type: "string", default: "loss", help: "loss column" },
    bootstrap: { type: "string", default: "200", help: "bootstrap resamples" },
    "bootstrap-starts": {
      type: "string",
      default: "warm",
      help: "warm (full-data optimum) | grid",
    },
    level: { type: "string", default: "0.95", help: "confidence level of the intervals" },
    seed: { type: "string", default: "0", help: "bootstrap seed" },
    grid: {
      type: "string",
      default: "epoch",
      help: "starting grid: epoch (4,500 starts) | coarse (108)",
    },
    delta: { type: "string", default: "0.001", help: "Huber δ on log loss" },
  }, { usage: "deno task scaling:fit --data FILE.csv [--drop-highest-loss K] [--json]" });
  if (!flags.data) throw new ConfigError("data", "a CSV file path", flags.data);
  checkOneOf(flags, "grid", ["epoch", "coarse"]);
  let text: string;
  try {
    text = await Deno.readTextFile(flags.data);
  } catch (e) {
    throw new ConfigError("data", "a readable file", `${flags.data} (${(e as Error).message})`);
  }
  const points = readScalingCsv(text, {
    n: flags["n-column"],
    d: flags["d-column"],
    flop: flags["flop-column"],
    loss: flags["loss-column"],
  });
  const { summary } = fitScalingDataset(points, {
    dropHighestLoss: numberFlag("drop-highest-loss", flags["drop-highest-loss"], 0),
    fit: {
      grid: flags.grid === "coarse" ? COARSE_APPROACH3_GRID : EPOCH_APPROACH3_GRID,
      delta: numberFlag("delta", flags.delta, 1e-3),
    },
    bootstrap: {
      samples: numberFlag("bootstrap", flags.bootstrap, 200),
      level: numberFlag("level", flags.level, 0.95),
      seed: numberFlag("seed", flags.seed, 0),
      starts: flags["bootstrap-starts"] as "warm" | "grid",
    },
  });
  if (flags.json) console.log(JSON.stringify(summary, null, 2));
  else {
    console.log(
      `${summary.points} points (${summary.dropped} dropped), ${summary.starts} starts, ` +
        `${summary.bootstrap.samples} bootstrap resamples (${summary.bootstrap.starts} starts)\n`,
    );
    console.log(markdownTable(dataFitTableRows(summary)));
    console.log(
      `\nlowest-loss-per-compute-bin envelope: N_opt ∝ C^${summary.envelope.exponent.toFixed(3)}`,
    );
  }
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  console.error(`error: ${e.message}`);
  Deno.exit(2);
}
