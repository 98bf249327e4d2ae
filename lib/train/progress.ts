/**
 * A progress line on stderr for long work: done/total, rate, ETA and the latest metrics.
 * Redraws in place on a terminal; elsewhere (notebooks, CI logs) prints a line at most every
 * `everySeconds` (default 10 s). Silenced by `TOOLKIT_QUIET=1`.
 *
 * @example
 * ```ts
 * const bar = new Progress(1000, { label: "train" });
 * for (let i = 1; i <= 1000; i++) bar.update(i, { loss: 0.1 });
 * bar.done();
 * ```
 */
import { envFlag } from "../util/env.ts";
export class Progress {
  #t0 = performance.now();
  #last = 0;
  #tty: boolean;
  #quiet: boolean;
  #everyMs: number;
  #start: number;

  constructor(
    readonly total: number,
    readonly opts: { label?: string; everySeconds?: number; start?: number } = {},
  ) {
    this.#tty = Deno.stderr.isTerminal();
    this.#quiet = envFlag("TOOLKIT_QUIET", false);
    this.#everyMs = (opts.everySeconds ?? (this.#tty ? 0.2 : 10)) * 1000;
    this.#start = opts.start ?? 0;
  }

  /** Reports that `done` units are finished. */
  update(done: number, metrics: Record<string, number> = {}) {
    const now = performance.now();
    if (this.#quiet || (now - this.#last < this.#everyMs && done < this.total)) return;
    this.#last = now;
    const secs = (now - this.#t0) / 1000;
    const rate = (done - this.#start) / Math.max(secs, 1e-9);
    const eta = rate > 0 ? (this.total - done) / rate : Infinity;
    const pct = ((100 * done) / this.total).toFixed(0).padStart(3);
    const m = Object.entries(metrics).map(([k, v]) => `${k} ${fmt(v)}`).join(" ");
    const line = `[${this.opts.label ?? "progress"}] ${done}/${this.total} ${pct}% ${
      rate.toFixed(1)
    }/s ETA ${fmtTime(eta)} ${m}`;
    const enc = new TextEncoder();
    Deno.stderr.writeSync(enc.encode(this.#tty ? `\r${line}\x1b[K` : `${line}\n`));
  }

  /** Ends the line. */
  done() {
    if (!this.#quiet && this.#tty) Deno.stderr.writeSync(new TextEncoder().encode("\n"));
  }
}

function fmt(v: number): string {
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toFixed(4) : v.toExponential(3);
}

function fmtTime(s: number): string {
  if (!Number.isFinite(s)) return "?";
  if (s < 60) return `${s.toFixed(0)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${Math.round(s % 60)}s`;
  return `${Math.floor(s / 3600)}h${Math.round((s % 3600) / 60)}m`;
}
