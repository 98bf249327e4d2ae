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
 * Progress (fit, bootstrap resamples) goes to stderr.
 */
import { markdownTable } from "../lib/plot/mod.ts";
import {
  COARSE_APPROACH3_GRID,
  dataFitTableRows,
  EPOCH_APPROACH3_GRID,
  fitScalingDataset,
  readScalingCsv,
} from "../lib/scaling/mod.ts";
import { Progress } from "../lib/train/progress.ts";
import { choiceFlag, FileError, numberFlag, parseFlags, runMain } from "../lib/util/cli.ts";
import { ConfigError } from "../lib/util/validate.ts";
import { envFlag } from "../lib/util/env.ts";

await runMain(async () => {
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
  const grid = choiceFlag("grid", flags.grid, ["epoch", "coarse"]);
  const starts = choiceFlag("bootstrap-starts", flags["bootstrap-starts"], ["warm", "grid"]);
  const dropHighest = numberFlag("drop-highest-loss", flags["drop-highest-loss"], 0, {
    integer: true,
    min: 0,
  });
  const delta = numberFlag("delta", flags.delta, 1e-3, { min: 0, exclusiveMin: true });
  const samples = numberFlag("bootstrap", flags.bootstrap, 200, { integer: true, min: 2 });
  const level = numberFlag("level", flags.level, 0.95, { min: 0, max: 1, exclusiveMin: true });
  const seed = numberFlag("seed", flags.seed, 0, { integer: true });
  let text: string;
  try {
    text = await Deno.readTextFile(flags.data);
  } catch (e) {
    const problem = e instanceof Deno.errors.NotFound
      ? "not found"
      : `unreadable (${(e as Error).message})`;
    throw new FileError(
      flags.data,
      problem,
      "pass a CSV of training runs to --data (e.g. fixtures/chinchilla_fig4_points.csv)",
    );
  }
  const columns = {
    n: flags["n-column"],
    d: flags["d-column"],
    flop: flags["flop-column"],
    loss: flags["loss-column"],
  };
  let points;
  try {
    points = readScalingCsv(text, columns);
  } catch (e) {
    // A missing column: name the flag that asked for it.
    const flag = e instanceof ConfigError && e.field === "column"
      ? (Object.entries(columns).find(([, v]) => v === e.got)?.[0])
      : undefined;
    if (flag) {
      throw new ConfigError(
        `${flag}-column`,
        `a column of ${flags.data}: ${(e as ConfigError).allowed}`,
        e instanceof ConfigError ? e.got : "",
      );
    }
    throw e;
  }
  if (dropHighest >= points.loss.length) {
    throw new ConfigError(
      "drop-highest-loss",
      `fewer than the ${points.loss.length} points of ${flags.data}`,
      flags["drop-highest-loss"],
    );
  }
  const gridStarts = grid === "coarse" ? COARSE_APPROACH3_GRID : EPOCH_APPROACH3_GRID;
  let bar: Progress | null = null;
  const { summary } = fitScalingDataset(points, {
    dropHighestLoss: dropHighest,
    fit: { grid: gridStarts, delta },
    bootstrap: { samples, level, seed, starts },
  }, {
    onStage: (stage) => {
      if (envFlag("TOOLKIT_QUIET", false)) return;
      if (stage === "fit") {
        console.error(
          `[scaling:fit] fitting ${
            points.loss.length - dropHighest
          } points from the ${grid} grid of starts…`,
        );
      }
      if (stage === "bootstrap") {
        bar = new Progress(samples, {
          label: "scaling:fit bootstrap",
          everySeconds: Deno.stderr.isTerminal() ? 0.2 : 2,
        });
      }
      if (stage === "envelope") (bar as Progress | null)?.done();
    },
    onSample: (done) => (bar as Progress | null)?.update(done),
  });
  if (flags.json) console.log(JSON.stringify(summary, null, 2));
  else {
    console.log(
      `${summary.points} points (${summary.dropped} dropped), ${summary.starts} starts, ` +
        `${summary.bootstrap.samples} bootstrap resamples (${summary.bootstrap.starts} starts)\n`,
    );
    console.log(markdownTable(dataFitTableRows(summary)));
    const a = summary.envelope.exponent;
    console.log(
      `\nlowest-loss-per-compute-bin envelope: ${
        Number.isFinite(a)
          ? `N_opt ∝ C^${a.toFixed(3)}`
          : "n/a (the points fall in fewer than two compute bins)"
      }`,
    );
  }
});
