/**
 * Says in words where a set of stored runs came from — for reports that must name the runs each
 * verdict rests on.
 *
 * @module
 */
import type { ResultsStore } from "./results.ts";
import { summarizeProvenance } from "./provenance.ts";

/**
 * A markdown list: one line per run with its source (local or the committed archive), steps,
 * code commit(s), backend, machine, wall time and the command that made it.
 *
 * @example
 * ```ts
 * import { openResults } from "toolkit";
 *
 * console.log(runsProvenanceMarkdown(openResults(), ["icl_synthetic-cpu-fourBases-seed1-6d9465e5"]));
 * ```
 */
export function runsProvenanceMarkdown(store: ResultsStore, ids: string[]): string {
  if (ids.length === 0) return "";
  const lines = ids.map((id) => {
    const run = store.run(id);
    const p = summarizeProvenance(store.provenance(id));
    const where = run?.source === "archive" ? "archived" : "local";
    if (p.segments === 0) return `- \`${id}\` (${where}; ${run?.status}): provenance not recorded`;
    const hours = p.wallSeconds >= 3600
      ? `${(p.wallSeconds / 3600).toFixed(1)} h`
      : `${Math.round(p.wallSeconds / 60)} min`;
    return `- \`${id}\` (${where}; ${run?.status}): ${hours} over ${p.segments} segment(s), commit ${
      p.commits.join(", ")
    }, ` +
      `${p.backends.join("; ")} on ${p.machines.join("; ")}; \`${p.command}\``;
  });
  return ["Runs and their provenance:", ...lines].join("\n");
}

/**
 * One sentence for a group of runs (a sweep): how many, from where, made by which command(s),
 * at which commit(s), on which machine(s), in how much wall time.
 *
 * @example
 * ```ts
 * import { openResults } from "toolkit";
 *
 * declare const sweepRunIds: string[];
 * console.log(runsProvenanceSentence(openResults(), sweepRunIds));
 * ```
 */
export function runsProvenanceSentence(store: ResultsStore, ids: string[]): string {
  const runs = ids.map((id) => store.run(id)).filter((r) => r !== undefined);
  const archived = runs.filter((r) => r.source === "archive").length;
  const segs = ids.flatMap((id) => store.provenance(id));
  const p = summarizeProvenance(segs);
  const where = archived === runs.length
    ? "the committed archive"
    : archived === 0
    ? "this machine's results"
    : `${archived} archived, ${runs.length - archived} local`;
  if (segs.length === 0) return `${runs.length} runs from ${where} (provenance not recorded).`;
  const hours = (p.wallSeconds / 3600).toFixed(2);
  const commands = [...new Set(segs.map((s) => s.command))];
  return `${runs.length} runs from ${where}: ${hours} h of training wall time, commit ${
    p.commits.join(", ")
  }, ` +
    `${p.backends.join("; ")} on ${p.machines.join("; ")}; made by \`${
      commands.slice(0, 2).join("`, `")
    }\`` +
    (commands.length > 2 ? ` and ${commands.length - 2} more commands` : "") + ".";
}
