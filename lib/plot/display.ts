import { toSVG } from "./render.ts";
import type { Row, VegaLiteSpec } from "./specs.ts";

const jupyter = () =>
  // deno-lint-ignore no-explicit-any
  (Deno as any).jupyter as
    | { display: (bundle: Record<string, unknown>, opts?: { raw?: boolean }) => Promise<void> }
    | undefined;

/**
 * Shows a figure in a Jupyter notebook (Deno kernel): a Vega-Lite bundle for JupyterLab plus an
 * SVG for the classic notebook and nbconvert. Outside Jupyter it does nothing, so the same
 * notebook code runs in scripts. Returns nothing, so a cell ending in `await show(…)` does not
 * store the SVG a second time as its result (use `toSVG` for the text).
 *
 * Display is explicit because the Deno kernel sometimes drops a cell's last-expression result.
 *
 * @example
 * ```ts
 * import { lineChart } from "toolkit";
 *
 * const rows = [{ step: 1, loss: 2.3 }, { step: 2, loss: 1.9 }];
 * await show(lineChart(rows, { x: "step", y: "loss" }));
 * ```
 */
export async function show(spec: VegaLiteSpec): Promise<void> {
  const j = jupyter();
  if (!j) return;
  const svg = await toSVG(spec);
  await j.display({
    "application/vnd.vegalite.v5+json": spec,
    "image/svg+xml": svg,
    "text/plain": `[figure: ${spec.title ?? "Vega-Lite"}]`,
  }, { raw: true });
}

function cell(v: unknown): string {
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toPrecision(4);
  return String(v ?? "");
}

/**
 * Formats rows as a Markdown table (used by reports and by {@link showTable}).
 *
 * @example
 * ```ts
 * console.log(markdownTable([{ what: "alpha", ours: 0.34, paper: 0.34 }]));
 * ```
 */
export function markdownTable(rows: Row[], opts: { columns?: string[] } = {}): string {
  if (rows.length === 0) return "(no rows)";
  const cols = opts.columns ?? Object.keys(rows[0]);
  const head = `| ${cols.join(" | ")} |\n| ${cols.map(() => "---").join(" | ")} |`;
  return head + "\n" + rows.map((r) => `| ${cols.map((c) => cell(r[c])).join(" | ")} |`).join("\n");
}

/**
 * Shows rows as a table in Jupyter (HTML and Markdown), or prints it outside Jupyter.
 *
 * @example
 * ```ts
 * await showTable([{ what: "exponent", ours: 0.74, paper: 0.73 }]);
 * ```
 */
export async function showTable(rows: Row[], opts: { columns?: string[]; title?: string } = {}) {
  const md = (opts.title ? `**${opts.title}**\n\n` : "") + markdownTable(rows, opts);
  const j = jupyter();
  if (!j) {
    console.log(md);
    return;
  }
  const cols = opts.columns ?? Object.keys(rows[0] ?? {});
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  const html = (opts.title ? `<b>${esc(opts.title)}</b>` : "") + "<table><tr>" +
    cols.map((c) => `<th>${esc(c)}</th>`).join("") + "</tr>" +
    rows.map((r) => "<tr>" + cols.map((c) => `<td>${esc(cell(r[c]))}</td>`).join("") + "</tr>")
      .join("") +
    "</table>";
  await j.display({ "text/html": html, "text/markdown": md, "text/plain": md }, { raw: true });
}
