import { assertEquals } from "../assert.ts";
import { splitSentences } from "../../lib/text/sentences.ts";
import { detokenize, parseBrownFile } from "../../lib/text/brown.ts";

Deno.test("splitSentences: punctuation, abbreviations, initials, quotes, blank lines", () => {
  assertEquals(
    splitSentences('Mr. Smith arrived. "Hello!" he said. It was 5 p.m. Then he left.'),
    ["Mr. Smith arrived.", '"Hello!" he said.', "It was 5 p.m. Then he left."],
  );
  assertEquals(
    splitSentences("J. R. Smith wrote it (see Fig. 2). Did he? Yes!\n\nnew paragraph without end"),
    ["J. R. Smith wrote it (see Fig. 2).", "Did he?", "Yes!", "new paragraph without end"],
  );
  assertEquals(splitSentences('It costs 3.5 dollars. "Quoted." Next one.'), [
    "It costs 3.5 dollars.",
    '"Quoted."',
    "Next one.",
  ]);
  assertEquals(splitSentences("  \n\n "), []);
});

Deno.test("Brown format: parse tagged tokens, detokenize to plain text", () => {
  const [a, b] = parseBrownFile(
    "\n\n\tThe/at jury/nn said/vbd ``/`` no/at ''/'' ./.\n\n\n\tIt/PPS ran/vbd (/( 1/2/cd )/) ./.\n",
  );
  assertEquals(a.words, ["The", "jury", "said", "``", "no", "''", "."]);
  assertEquals(a.tags, ["at", "nn", "vbd", "``", "at", "''", "."]);
  assertEquals(b.words[3], "1/2");
  assertEquals(b.tags, ["pps", "vbd", "(", "cd", ")", "."]);
  assertEquals(detokenize(a.words), 'The jury said "no".');
  assertEquals(detokenize(b.words), "It ran (1/2).");
  assertEquals(
    detokenize(["He", "said", "'", "maybe", "'", ",", "then", "left", "--", "fast", "."]),
    "He said 'maybe', then left -- fast.",
  );
});
