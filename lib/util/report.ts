/**
 * The shape every paper's quick reproduction returns, so `deno task reproduce` can write one
 * report for all of them, and the helpers that compare our numbers with the paper's.
 *
 * @module
 */
import type { ResultsStore } from "../store/results.ts";

/** One line of a "what matched" table: our number beside the paper's. */
export interface Comparison {
  quantity: string;
  ours: number | string;
  paper: number | string;
  /** "match", "close", "differs", or "n/a" (qualitative). */
  verdict: "match" | "close" | "differs" | "n/a";
  note?: string;
}

/** One paper's section of the reproduction report. */
export interface ReportSection {
  title: string;
  /** Markdown body: what was run, at what scale, what was seen. */
  markdown: string;
  /** Paths of the SVG figures written. */
  figures: string[];
  comparisons: Comparison[];
}

/** Options every `reproduce` entry point takes. */
export interface ReproduceOptions {
  /** Where figures go (e.g. `results/figures`). */
  outDir: string;
  /** `smoke`: seconds, for tests and CI; `quick`: the default `deno task reproduce` scale. */
  preset: "smoke" | "quick";
  store: ResultsStore;
  seed?: number;
}

/**
 * Compares a number with the paper's: `match` within `rel` relative error, `close` within
 * 3·`rel`, else `differs`.
 *
 * @example
 * ```ts
 * compare("N_opt exponent (non-embedding)", 0.77, 0.78, { rel: 0.03 }); // verdict "match"
 * ```
 */
export function compare(
  quantity: string,
  ours: number,
  paper: number,
  opts: { rel?: number; note?: string } = {},
): Comparison {
  const rel = opts.rel ?? 0.05;
  const err = Math.abs(ours - paper) / Math.max(Math.abs(paper), 1e-300);
  const verdict = err <= rel ? "match" : err <= 3 * rel ? "close" : "differs";
  return {
    quantity,
    ours: +ours.toPrecision(4),
    paper,
    verdict,
    ...(opts.note ? { note: opts.note } : {}),
  };
}
