/**
 * Rule-based English sentence splitting for plain text (the Brown corpus itself comes with
 * sentence boundaries; this is for other text).
 *
 * @module
 */

/** Abbreviations (lower case, without the final dot) after which a period does not end a sentence. */
const ABBREVIATIONS = new Set([
  "mr",
  "mrs",
  "ms",
  "dr",
  "prof",
  "sr",
  "jr",
  "st",
  "mt",
  "ft",
  "gen",
  "col",
  "lt",
  "capt",
  "sgt",
  "gov",
  "sen",
  "rep",
  "rev",
  "hon",
  "pres",
  "messrs",
  "mme",
  "mlle",
  "vs",
  "etc",
  "e.g",
  "i.e",
  "cf",
  "al",
  "no",
  "nos",
  "vol",
  "fig",
  "figs",
  "p",
  "pp",
  "ed",
  "eds",
  "inc",
  "co",
  "corp",
  "ltd",
  "dept",
  "univ",
  "jan",
  "feb",
  "mar",
  "apr",
  "jun",
  "jul",
  "aug",
  "sep",
  "sept",
  "oct",
  "nov",
  "dec",
  "u.s",
  "u.k",
  "a.m",
  "p.m",
  "approx",
  "ca",
]);

/**
 * Splits text into sentences: a sentence ends at `.`, `!` or `?` (plus any closing quotes or
 * brackets) followed by whitespace and an upper-case letter, digit or opening quote — unless
 * the word before the period is a known abbreviation (`Mr.`, `e.g.`, `U.S.` …) or a single
 * capital initial (`J. Smith`). Blank lines always end a sentence. Whitespace inside a
 * sentence is collapsed to single spaces.
 *
 * @example
 * ```ts
 * splitSentences('Mr. Smith arrived. "Hello!" he said. It was 5 p.m. Then he left.');
 * // ["Mr. Smith arrived.", "\"Hello!\" he said.", "It was 5 p.m. Then he left."]
 * ```
 */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const s = block.replace(/\s+/g, " ").trim();
    if (!s) continue;
    const re = /[.!?]+["'”’)\]]*(?= +["'“‘(\[]?[A-Z0-9])/g;
    let start = 0;
    for (let m = re.exec(s); m; m = re.exec(s)) {
      const end = m.index + m[0].length;
      if (m[0][0] === "." && m[0].length === 1 && isAbbreviation(s.slice(start, m.index))) continue;
      const sent = s.slice(start, end).trim();
      if (sent) out.push(sent);
      start = end;
    }
    const rest = s.slice(start).trim();
    if (rest) out.push(rest);
  }
  return out;
}

function isAbbreviation(before: string): boolean {
  const m = /(\S+)$/.exec(before);
  if (!m) return false;
  const w = m[1].replace(/^["'“‘(\[]+/, "");
  if (/^[A-Z]$/.test(w)) return true; // an initial: "J. Smith"
  return ABBREVIATIONS.has(w.toLowerCase());
}
