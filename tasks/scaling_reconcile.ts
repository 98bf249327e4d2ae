/**
 * Pearce & Song's reconciliation of the Kaplan and Chinchilla scaling laws: ω fitted to
 * Chinchilla's shapes, the frontier simulation for both coefficient sets and both countings,
 * the local exponent g, and loss–compute slopes.
 *
 *   deno task scaling:reconcile                  # readable table
 *   deno task scaling:reconcile --json           # {"omega", "epoch": {...}, "chinchilla": {...}, ...}
 *   deno task scaling:reconcile --omega paper    # simulate with the paper's ω = 47,491
 */
import { markdownTable } from "../lib/plot/mod.ts";
import {
  reconcileComparisons,
  reconcileKaplanChinchilla,
  reconcileTableRows,
} from "../lib/scaling/mod.ts";
import { choiceFlag, parseFlags, runMain } from "../lib/util/cli.ts";
import { ConfigError } from "../lib/util/validate.ts";

await runMain(async () => {
  const flags = parseFlags(Deno.args, {
    json: { type: "boolean", default: false, help: "print the summary as JSON" },
    omega: { type: "string", default: "fit", help: "ω for the simulation: fit | paper | a number" },
    row14b: {
      type: "string",
      default: "table",
      help: "14.9B row for the ω fit: table (14,940M) | authors (14,494M)",
    },
  }, {
    usage: "deno task scaling:reconcile [--json] [--omega fit|paper|N] [--row14b table|authors]",
  });
  const omega = flags.omega === "fit" || flags.omega === "paper"
    ? flags.omega
    : Number(flags.omega);
  if (
    typeof omega === "number" &&
    (!Number.isFinite(omega) || omega <= 0 || flags.omega.trim() === "")
  ) {
    throw new ConfigError("omega", "fit, paper or a number > 0", flags.omega);
  }
  const row14b = choiceFlag("row14b", flags.row14b, ["table", "authors"] as const);
  const { summary } = await reconcileKaplanChinchilla({
    omega,
    row14b,
  });
  if (flags.json) console.log(JSON.stringify(summary, null, 2));
  else {
    const f = summary.omegaFit;
    console.log(
      `ω fit (row ${f.row14b}): ${f.free.omega.toFixed(1)} · N^${
        f.free.exponent.toFixed(4)
      } (free), ` +
        `${f.fixedThird.omega.toFixed(1)} (exponent 1/3); simulation uses ω = ${
          summary.omega.toFixed(1)
        }\n`,
    );
    console.log(markdownTable(reconcileTableRows(summary)));
    console.log("\n" + markdownTable(reconcileComparisons(summary) as never));
  }
});
