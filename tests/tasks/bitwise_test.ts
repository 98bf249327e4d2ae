import { assert, assertEquals, assertNotEquals, assertThrows } from "../assert.ts";
import {
  BITWISE_CONCEPTS,
  bitwiseOp,
  makeBitwiseTask,
  toBitString,
} from "../../lib/tasks/bitwise.ts";
import { NULL_CONCEPT } from "../../lib/tasks/prompts.ts";
import { ConfigError } from "../../lib/util/validate.ts";

/** Per-bit truth tables, written out (a, b) → out for (0,0), (0,1), (1,0), (1,1). */
const TRUTH: Record<string, [number, number, number, number]> = {
  AND: [0, 0, 0, 1],
  NAND: [1, 1, 1, 0],
  OR: [0, 1, 1, 1],
  NOR: [1, 0, 0, 0],
  XOR: [0, 1, 1, 0],
  XNOR: [1, 0, 0, 1],
};

function expected(op: string, a: string, b: string): string {
  return [...a].map((x, i) => TRUTH[op][2 * Number(x) + Number(b[i])]).join("");
}

Deno.test("bitwise ops match the truth tables on all 1,024 pairs", () => {
  for (const op of BITWISE_CONCEPTS) {
    for (let a = 0; a < 32; a++) {
      for (let b = 0; b < 32; b++) {
        const got = toBitString(bitwiseOp(op, a, b), 5);
        assertEquals(got, expected(op, toBitString(a), toBitString(b)), `${op}(${a}, ${b})`);
      }
    }
  }
  assertEquals(bitwiseOp("XOR", 0b01101, 0b10011), 0b11110);
  assertEquals(toBitString(5, 5), "00101");
});

Deno.test("bitwise task: sizes, format, correct outputs, balanced, held-out inputs", () => {
  const task = makeBitwiseTask();
  assertEquals(task.concepts, [...BITWISE_CONCEPTS, NULL_CONCEPT]);
  assertEquals(task.train.length, 10_000);
  assertEquals(task.test.length, 500);
  for (const e of [...task.train, ...task.test]) {
    assert(/^[01]{5} [01]{5}$/.test(e.input), e.input);
    assert(/^[01]{5}$/.test(e.output), e.output);
    if (e.concept !== NULL_CONCEPT) {
      const [a, b] = e.input.split(" ");
      assertEquals(e.output, expected(e.concept, a, b));
    }
  }
  const counts = new Map<string, number>();
  for (const e of task.train) counts.set(e.concept, (counts.get(e.concept) ?? 0) + 1);
  for (const c of task.concepts) {
    assert(Math.abs(counts.get(c)! - 10_000 / 7) <= 1, `${c}: ${counts.get(c)}`);
  }
  const trainInputs = new Set(task.train.map((e) => e.input));
  assert(
    task.test.every((e) => !trainInputs.has(e.input)),
    "a test input is also a training input",
  );
  // Null outputs follow no op: they disagree with every op on most examples
  const nulls = task.train.filter((e) => e.concept === NULL_CONCEPT);
  for (const op of BITWISE_CONCEPTS) {
    const agree = nulls.filter((e) =>
      e.output === expected(op, ...(e.input.split(" ") as [string, string]))
    );
    assert(agree.length < nulls.length * 0.1, `Null looks like ${op}`);
  }
});

Deno.test("bitwise task: seeded and configurable", () => {
  assertEquals(makeBitwiseTask({ seed: 3 }), makeBitwiseTask({ seed: 3 }));
  assertNotEquals(makeBitwiseTask({ seed: 3 }).train, makeBitwiseTask({ seed: 4 }).train);
  const small = makeBitwiseTask({
    trainSize: 60,
    testSize: 12,
    includeNull: false,
    bits: 3,
    testPairs: 16,
  });
  assertEquals(small.concepts.length, 6);
  assertEquals([small.train.length, small.test.length], [60, 12]);
  assert(/^[01]{3} [01]{3}$/.test(small.train[0].input));
  assertThrows(() => makeBitwiseTask({ bits: 0 }), ConfigError, "bits");
  assertThrows(() => makeBitwiseTask({ testPairs: 1024 }), ConfigError, "testPairs");
  assertThrows(() => makeBitwiseTask({ trainSize: 1.5 }), ConfigError, "trainSize");
  assertThrows(
    () => makeBitwiseTask({ includeNull: "yes" as unknown as boolean }),
    ConfigError,
    "includeNull",
  );
  assertThrows(() => makeBitwiseTask({ size: 3 } as never), ConfigError, "size");
});
