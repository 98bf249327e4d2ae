/**
 * A small CSV reader (RFC 4180 quoting) for data files such as the Chinchilla fixtures.
 *
 * @module
 */
import { ConfigError } from "./validate.ts";

/**
 * Parses CSV text into rows keyed by the header's column names (values stay strings).
 *
 * @example
 * ```ts
 * const rows = parseCsv("a,b\n1,2\n"); // [{ a: "1", b: "2" }]
 * ```
 */
export function parseCsv(text: string): Record<string, string>[] {
  const records: string[][] = [];
  let field = "", row: string[] = [], quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"', i++);
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") (row.push(field), field = "");
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field), records.push(row), row = [], field = "";
    } else field += c;
  }
  if (field !== "" || row.length) (row.push(field), records.push(row));
  const nonEmpty = records.filter((r) => r.some((v) => v.trim() !== ""));
  if (nonEmpty.length === 0) return [];
  const header = nonEmpty[0].map((h) => h.trim());
  return nonEmpty.slice(1).map((r) =>
    Object.fromEntries(header.map((h, j) => [h, (r[j] ?? "").trim()]))
  );
}

/**
 * Reads numeric columns from parsed CSV rows. A missing column, or a value that is not a
 * number (or not positive, with `positive`), fails with an error naming the row (1-based, the
 * header being row 1) and the column.
 *
 * @example
 * ```ts
 * const cols = numericColumns(parseCsv("n,loss\n10,2.5\n"), ["n", "loss"], { positive: true });
 * ```
 */
export function numericColumns(
  rows: Record<string, string>[],
  columns: string[],
  opts: { positive?: boolean } = {},
): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  const available = rows.length ? Object.keys(rows[0]) : [];
  for (const c of columns) {
    if (rows.length && !(c in rows[0])) {
      throw new ConfigError("column", `one of ${available.join(", ")}`, c);
    }
    out[c] = rows.map((r, i) => {
      const v = Number(r[c]);
      if (r[c] === "" || !Number.isFinite(v)) {
        throw new ConfigError(`row ${i + 2}, column "${c}"`, "a finite number", r[c]);
      }
      if (opts.positive && !(v > 0)) {
        throw new ConfigError(`row ${i + 2}, column "${c}"`, "a positive number", r[c]);
      }
      return v;
    });
  }
  return out;
}

/**
 * Loads a fixture shipped with the toolkit (works when imported by URL too).
 *
 * @example
 * ```ts
 * const text = await readFixture("chinchilla_fig.csv");
 * ```
 */
export async function readFixture(name: string): Promise<string> {
  const url = new URL(`../../fixtures/${name}`, import.meta.url);
  if (url.protocol === "file:") return await Deno.readTextFile(url);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`fixture ${name}: HTTP ${res.status}`);
  return await res.text();
}
