/**
 * Summarises every stored run of paper 1's synthetic experiment.
 *
 *   deno task icl:report            # a table
 *   deno task icl:report --json     # {"runs": [{seed, final_mse_per_concept, ...}], "asymmetryBySeeds": [...]}
 *   deno task icl:report --figures  # also writes SVG figures per run to results/figures/
 *   deno task icl:report --all --import gpu/results.sqlite   # first copy in runs made elsewhere
 *   deno task icl:report --all --longest   # one row per run name: the run trained furthest
 *
 * Reads `--results DIR` (default `$TOOLKIT_RESULTS` or results/).
 */
import { openResults, summarizeProvenance, useResults } from "../lib/store/mod.ts";
import {
  asymmetrySummary,
  asymmetrySummaryTable,
  ICL_EXPERIMENT,
  longestIclRun,
  phaseTrends,
  summarizeIclRun,
  trendHours,
  writeIclFigures,
} from "../lib/icl/mod.ts";
import { markdownTable } from "../lib/plot/mod.ts";
import { FileError, parseFlags, RESULTS_FLAGS, runMain } from "../lib/util/cli.ts";

await runMain(async () => {
  const f = parseFlags(Deno.args, {
    json: { type: "boolean", default: false, help: "print JSON" },
    figures: { type: "boolean", default: false, help: "write SVG figures per run" },
    ...RESULTS_FLAGS,
    all: { type: "boolean", default: false, help: "include unfinished runs" },
    import: {
      type: "string",
      default: "",
      help: "a results database made elsewhere: copy its runs in first",
    },
    longest: {
      type: "boolean",
      default: false,
      help: "one run per name: the one trained furthest (extended runs keep their name)",
    },
  }, { usage: "deno task icl:report [flags]" });
  if (f.import) {
    try {
      if (!Deno.statSync(f.import).isFile) throw new Error("not a file");
    } catch {
      throw new FileError(
        f.import,
        "no such database file",
        "pass the path of a results.sqlite made elsewhere to --import",
      );
    }
  }
  const { dir, db } = useResults(f);
  const store = openResults(db);
  if (f.import) {
    console.error(
      `imported ${
        store.importRuns(f.import, { experiment: ICL_EXPERIMENT }).length
      } runs from ${f.import}`,
    );
  }
  const stored = store.runs({ experiment: ICL_EXPERIMENT });
  const runs = stored
    .filter((r) => f.all || r.status === "done")
    .filter((r) => !f.longest || longestIclRun(store, r.name) === r.id);
  const summaries = runs.flatMap((r) => {
    try {
      const p = summarizeProvenance(store.provenance(r.id));
      // Where the numbers come from: this machine's database or the committed archive, and how made.
      const provenance = {
        source: r.source,
        command: p.command,
        commits: p.commits,
        backends: p.backends,
        machines: p.machines,
        wallSeconds: p.wallSeconds,
        segments: p.segments,
      };
      const [trend] = phaseTrends(store, [r.id]);
      return [{ name: r.name, ...summarizeIclRun(store, r.id), provenance, trend }];
    } catch {
      return [];
    }
  });
  if (f.figures) {
    for (const r of runs) await writeIclFigures(store, r.id, `${dir}/figures/icl_${r.name}`);
  }
  // The asymmetry experiment over seeds: which basis leads first, per recipe with two or more
  // seeds. Every stored run counts, not only finished ones: a paused run's evaluations are as
  // good, and its seed's furthest run is the one that answers.
  const bySeeds = asymmetrySummary(store, stored.map((r) => r.id));
  if (f.json) {
    console.log(JSON.stringify({
      runs: summaries,
      asymmetryBySeeds: bySeeds.map((s) => ({
        model: s.model,
        yConcept: s.yConcept,
        seeds: s.runs.map((r) => r.seed),
        epoch: s.epoch,
        epochs: s.runs.map((r) => r.epoch),
        firstLeads: s.runs.map((r) => r.firstLead),
        firstEncoded: s.runs.map((r) => r.firstEncoded),
        leads: s.leads,
        encoded: s.encoded,
        medianLeadEpoch: s.medianLeadEpoch,
        worstIsY: s.worstIsY,
        runs: s.runs.map((r) => r.run),
      })),
    }));
  } else {
    const fmt = (a: (number | null)[]) =>
      a.map((x) => (x === null ? "–" : +x.toPrecision(3))).join(" / ");
    console.log(markdownTable(summaries.map((s) => ({
      run: s.name,
      source: s.provenance.source ?? "local",
      steps: s.steps,
      "final MSE per concept": fmt(s.final_mse_per_concept),
      "÷ own test E[y²]": fmt(s.final_mse_per_concept_own),
      "last-prediction MSE": +s.final_mse_last.toPrecision(3),
      oracle: +s.oracle_mse.toPrecision(3),
      "CD best layer": s.cd_best_layer,
      "CD per concept": fmt(s.cd_final_per_concept),
      "drop epochs": fmt(s.drop_epochs_per_concept),
      "first lead (epoch: concept)": s.first_separation
        ? `${+s.first_separation.epoch.toPrecision(3)}: ${s.first_separation.concept}`
        : "–",
      "hours to 2.2 × oracle (trend)": trendHours(s.trend),
    }))));
    if (bySeeds.length) {
      console.log(
        "\nWhich basis splits off first, over seeds (runs that differ only in seed and steps):\n",
      );
      console.log(markdownTable(asymmetrySummaryTable(bySeeds)));
    }
  }
  store.close();
});
