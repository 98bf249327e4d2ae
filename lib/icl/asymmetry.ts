/**
 * The asymmetry experiment: in Garg et al.'s token layout y is written into coordinate 0 of its
 * token — the read-in column that x's coordinate 0 also uses — so the basis holding coordinate 0
 * is the only one the data single out; the other bases are exchangeable. Moving coordinate 0
 * into another basis (`task.bases`) or giving y its own input dimension (`task.yToken:
 * "separate"`) tests whether that basis is the one that splits off first.
 *
 * @module
 */
import type { ResultsStore } from "../store/results.ts";
import { median } from "../numeric/stats.ts";
import { transformerShape } from "../model/config.ts";
import type { IclConfig } from "./config.ts";
import { groupRuns } from "./group.ts";
import { conceptTestScale, encodedEpochs, firstSeparation, iclEvals } from "./report.ts";
import { iclTask } from "./task.ts";

/**
 * The concept whose basis holds coordinate 0 — y's coordinate in the shared token layout — or
 * null when y has its own input dimension (or no basis holds coordinate 0).
 *
 * @example
 * ```ts
 * import { iclConfig } from "toolkit/icl";
 *
 * yConcept(iclConfig("cpu")); // 0
 * yConcept(iclConfig("cpu", { task: { yToken: "separate" } })); // null
 * ```
 */
export function yConcept(cfg: IclConfig): number | null {
  if (cfg.task?.yToken === "separate") return null;
  const bases = iclTask(cfg).bases;
  const k = bases?.findIndex((b) => b.includes(0)) ?? -1;
  return k >= 0 ? k : null;
}

/** One run of the asymmetry experiment, as measured. */
export interface AsymmetryRow {
  run: string;
  seed: number;
  /** Model shape, `layers×dModel×heads`. */
  model: string;
  /** The concept that shares y's coordinate (null: none). */
  yConcept: number | null;
  /** Last evaluated epoch. */
  epoch: number;
  /** Epoch at which the run left the initial plateau (mean relative MSE first below 0.9; null: not yet). */
  escapeEpoch: number | null;
  /**
   * During the concept-agnostic phase (the evaluations between the escape and the first lead, or
   * all after the escape when no concept leads): the concept with the highest MSE on average.
   */
  worstAgnostic: number | null;
  /** The first concept to lead the others (MSE below ¾ of their median), and when. */
  firstLead: { epoch: number; concept: number } | null;
  /**
   * The first concept whose decodability reaches 0.9 (`encodedEpochs`), and when: a split shows
   * in the representation before (or without) a lead in MSE.
   */
  firstEncoded: { epoch: number; concept: number } | null;
  /** Does the first lead (else, the agnostic-phase ordering) single out y's concept? */
  followsY: boolean | null;
  /** Final MSE per concept relative to its own test E[y²]. */
  finalMse: number[];
}

/**
 * Measures each stored run for the asymmetry experiment: which concept shares y's coordinate,
 * which one is worst while all are learned together, and which one splits off first.
 *
 * @example
 * ```ts
 * import { openResults } from "toolkit";
 *
 * console.table(asymmetryRows(openResults(), ["icl_synthetic-cpu-fourBases-seed1-y-in-B1-…"]));
 * ```
 */
export function asymmetryRows(store: ResultsStore, ids: string[]): AsymmetryRow[] {
  return ids.map((id) => {
    const run = store.run(id);
    if (!run) throw new Error(`no run ${id}`);
    const cfg = run.config as IclConfig;
    const scale = conceptTestScale(cfg);
    const evals = iclEvals(store, id);
    const rel = evals.map((e) => e.mse.perConcept.map((m, c) => m / scale[c]));
    const epochs = evals.map((e) => e.epoch);
    const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
    const escape = rel.findIndex((r) => mean(r) < 0.9);
    const lead = firstSeparation(epochs, rel);
    const end = lead ? epochs.indexOf(lead.epoch) : rel.length;
    const phase = escape < 0 ? [] : rel.slice(escape, Math.max(escape + 1, end));
    const K = rel[0]?.length ?? 0;
    let worst: number | null = null;
    if (phase.length) {
      const avg = Array.from({ length: K }, (_, c) => mean(phase.map((r) => r[c] / median(r))));
      worst = avg.indexOf(Math.max(...avg));
    }
    const enc = encodedEpochs(evals);
    let firstEncoded: AsymmetryRow["firstEncoded"] = null;
    enc.forEach((epoch, concept) => {
      if (epoch !== null && (!firstEncoded || epoch < firstEncoded.epoch)) {
        firstEncoded = { epoch, concept };
      }
    });
    const y = yConcept(cfg);
    const followsY = y === null
      ? null
      : lead
      ? lead.concept === y
      : worst === null
      ? null
      : worst === y;
    return {
      run: run.name,
      seed: cfg.seed,
      model: transformerShape(cfg.model),
      yConcept: y,
      epoch: epochs.at(-1) ?? 0,
      escapeEpoch: escape < 0 ? null : epochs[escape],
      worstAgnostic: worst,
      firstLead: lead,
      firstEncoded,
      followsY,
      finalMse: rel.at(-1) ?? [],
    };
  });
}

/** The asymmetry experiment's answer for one recipe over its seeds. */
export interface AsymmetrySummary {
  /** The recipe's runs, by seed. */
  runs: AsymmetryRow[];
  /** Model shape, `layers×dModel×heads`. */
  model: string;
  /** The concept that shares y's coordinate (null: y has its own input dimension). */
  yConcept: number | null;
  /** The earliest of the runs' last evaluated epochs: how far every seed has been followed. */
  epoch: number;
  /** How many seeds had a concept lead, and how many of those leads were y's concept. */
  leads: { any: number; y: number };
  /** How many seeds had a concept encoded (decodability ≥ 0.9), and how many of those were y's. */
  encoded: { any: number; y: number };
  /** Median epoch of the first lead over the seeds that had one (null: none did). */
  medianLeadEpoch: number | null;
  /** How many seeds had y's concept worst while all were learned together (of those escaped). */
  worstIsY: { y: number; of: number };
}

/**
 * The asymmetry experiment over seeds: the runs among `ids` grouped by recipe (everything but the
 * seed and the steps; of a seed's runs — a run and its extension — the one followed furthest),
 * each group summarised — which concept leads first in how many seeds, when, and how often y's
 * concept is the worst while all are learned together. Groups with fewer than
 * `opts.minSeeds` seeds (default 2) are left out; the per-run table is {@link asymmetryRows}.
 *
 * @example
 * ```ts
 * import { openResults } from "toolkit";
 *
 * const store = openResults();
 * const ids = store.runs({ experiment: "icl_synthetic" }).map((r) => r.id);
 * for (const s of asymmetrySummary(store, ids)) console.log(s.model, s.yConcept, s.leads);
 * ```
 */
export function asymmetrySummary(
  store: ResultsStore,
  ids: string[],
  opts: { minSeeds?: number } = {},
): AsymmetrySummary[] {
  const minSeeds = opts.minSeeds ?? 2;
  return groupRuns(store, ids, { free: "seed" })
    .map((g) => furthestPerSeed(asymmetryRows(store, g)))
    .filter((rows) => rows.length >= minSeeds)
    .map((rows) => {
      const y = rows[0].yConcept;
      const leads = rows.flatMap((r) => (r.firstLead ? [r.firstLead] : []));
      const encoded = rows.flatMap((r) => (r.firstEncoded ? [r.firstEncoded] : []));
      const escaped = rows.filter((r) => r.worstAgnostic !== null);
      return {
        runs: rows,
        model: rows[0].model,
        yConcept: y,
        epoch: Math.min(...rows.map((r) => r.epoch)),
        leads: { any: leads.length, y: leads.filter((l) => l.concept === y).length },
        encoded: { any: encoded.length, y: encoded.filter((l) => l.concept === y).length },
        medianLeadEpoch: leads.length ? median(leads.map((l) => l.epoch)) : null,
        worstIsY: { y: escaped.filter((r) => r.worstAgnostic === y).length, of: escaped.length },
      };
    });
}

/**
 * The over-seeds table as the report, `deno task reproduce` and notebook 01 print it: per recipe,
 * each seed's last epoch, first MSE lead and first encoded concept, and the counts that answer
 * the question (how often the first to split is y's basis; how often y's basis is the worst while
 * all are learned together).
 *
 * @example
 * ```ts
 * import { openResults } from "toolkit";
 *
 * const store = openResults();
 * const ids = store.runs({ experiment: "icl_synthetic" }).map((r) => r.id);
 * console.table(asymmetrySummaryTable(asymmetrySummary(store, ids)));
 * ```
 */
export function asymmetrySummaryTable(
  summaries: AsymmetrySummary[],
): Record<string, string | number>[] {
  const at = (x: { epoch: number; concept: number } | null) =>
    x ? `${x.concept} at ${Math.round(x.epoch)}` : "none";
  const ofY = (s: AsymmetrySummary, y: number, of: number) =>
    s.yConcept === null ? "–" : `${y} of ${of}`;
  return summaries.map((s) => ({
    model: s.model,
    "y shares basis": s.yConcept ?? "none (own dim)",
    seeds: s.runs.map((r) => r.seed).join(", "),
    "followed to epoch": s.runs.map((r) => Math.round(r.epoch)).join(", "),
    "first MSE lead per seed": s.runs.map((r) => at(r.firstLead)).join("; "),
    "first encoded (CD ≥ 0.9) per seed": s.runs.map((r) => at(r.firstEncoded)).join("; "),
    "leads that are y's basis": ofY(s, s.leads.y, s.leads.any),
    "encoded first that are y's basis": ofY(s, s.encoded.y, s.encoded.any),
    "y's basis worst while together": ofY(s, s.worstIsY.y, s.worstIsY.of),
  }));
}

/** One row per seed, the run evaluated furthest, by seed. */
function furthestPerSeed(rows: AsymmetryRow[]): AsymmetryRow[] {
  const best = new Map<number, AsymmetryRow>();
  for (const r of rows) if (r.epoch > (best.get(r.seed)?.epoch ?? -1)) best.set(r.seed, r);
  return [...best.values()].sort((a, b) => a.seed - b.seed);
}
