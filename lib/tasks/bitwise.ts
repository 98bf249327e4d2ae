/**
 * Paper 1's bitwise task family: six latent concepts AND, NAND, OR, NOR, XOR, XNOR applied to
 * two 5-bit numbers, plus a Null concept whose outputs are random bits.
 *
 * Format: input `"{a} {b}"` (two 5-character bit strings, most significant bit first, one
 * space between them), output one 5-character bit string, e.g. AND: `"01101 10011"` →
 * `"00001"` (paper: the exact input format is not given; this one keeps every character a
 * single byte-level token and never contains the template's `->`).
 *
 * Split: there are only 32 × 32 = 1,024 distinct inputs, fewer than the paper's 10K training
 * examples, so inputs repeat. We hold out `testPairs` input pairs (seeded) and draw the test
 * examples from them only, so no test input is ever a training input.
 *
 * @module
 */
import { Rng } from "../util/rng.ts";
import { checkKnownKeys, checkNumber, checkPositiveInt, ConfigError } from "../util/validate.ts";
import { type ConceptExample, type ConceptTask, NULL_CONCEPT } from "./prompts.ts";

/** The six bitwise concepts, in the paper's order. */
export const BITWISE_CONCEPTS = ["AND", "NAND", "OR", "NOR", "XOR", "XNOR"] as const;
/** One bitwise concept. */
export type BitwiseConcept = (typeof BITWISE_CONCEPTS)[number];

/** How to build the bitwise task. */
export interface BitwiseTaskConfig {
  /** Bits per number. Default 5, as the paper. */
  bits: number;
  /** Training examples (all concepts, balanced, shuffled). Default 10,000, as the paper. */
  trainSize: number;
  /** Test examples (balanced over concepts). Default 500, as the paper. */
  testSize: number;
  /** Input pairs held out for testing (of 2^(2·bits)). Default 256 of 1,024; paper: not stated. */
  testPairs: number;
  /** Add the Null concept (random output bits). Default true, as the paper. */
  includeNull: boolean;
  /** Seed. Default 0. */
  seed: number;
}

/** Defaults of {@link BitwiseTaskConfig}. */
export const DEFAULT_BITWISE_TASK: BitwiseTaskConfig = {
  bits: 5,
  trainSize: 10_000,
  testSize: 500,
  testPairs: 256,
  includeNull: true,
  seed: 0,
};

/**
 * Applies a bitwise concept to two `bits`-bit numbers.
 *
 * @example
 * ```ts
 * bitwiseOp("XOR", 0b01101, 0b10011); // 0b11110 = 30
 * bitwiseOp("NAND", 0b11111, 0b00001, 5); // 0b11110 = 30
 * ```
 */
export function bitwiseOp(op: BitwiseConcept, a: number, b: number, bits = 5): number {
  const mask = (1 << bits) - 1;
  switch (op) {
    case "AND":
      return a & b & mask;
    case "NAND":
      return ~(a & b) & mask;
    case "OR":
      return (a | b) & mask;
    case "NOR":
      return ~(a | b) & mask;
    case "XOR":
      return (a ^ b) & mask;
    case "XNOR":
      return ~(a ^ b) & mask;
    default:
      throw new ConfigError("op", BITWISE_CONCEPTS.join(", "), op);
  }
}

/**
 * A number as a fixed-width bit string, most significant bit first.
 *
 * @example
 * ```ts
 * toBitString(5, 5); // "00101"
 * ```
 */
export function toBitString(x: number, bits = 5): string {
  return x.toString(2).padStart(bits, "0");
}

/**
 * Builds the bitwise task (train/test examples over the six concepts and Null).
 *
 * @example
 * ```ts
 * const task = makeBitwiseTask({ seed: 1 });
 * task.train.length; // 10000
 * task.test[0]; // { input: "01101 10011", output: "…", concept: "XOR" }
 * ```
 */
export function makeBitwiseTask(config: Partial<BitwiseTaskConfig> = {}): ConceptTask {
  checkKnownKeys(config, DEFAULT_BITWISE_TASK, "BitwiseTaskConfig");
  const cfg = { ...DEFAULT_BITWISE_TASK, ...config };
  checkPositiveInt(cfg, "bits");
  if (cfg.bits > 15) throw new ConfigError("bits", "an integer in [1, 15]", cfg.bits);
  checkPositiveInt(cfg, "trainSize");
  checkPositiveInt(cfg, "testSize");
  const nPairs = 1 << (2 * cfg.bits);
  checkPositiveInt(cfg, "testPairs");
  if (cfg.testPairs >= nPairs) {
    throw new ConfigError(
      "testPairs",
      `an integer in [1, ${nPairs - 1}] (2^(2·bits) − 1)`,
      cfg.testPairs,
    );
  }
  if (typeof cfg.includeNull !== "boolean") {
    throw new ConfigError("includeNull", "true or false", cfg.includeNull);
  }
  checkNumber(cfg, "seed");

  const rng = new Rng(`bitwise:${cfg.seed}`);
  const concepts: string[] = [...BITWISE_CONCEPTS, ...(cfg.includeNull ? [NULL_CONCEPT] : [])];
  const perm = rng.permutation(nPairs);
  const testPairs = perm.slice(0, cfg.testPairs);
  const trainPairs = perm.slice(cfg.testPairs);
  const make = (pairs: number[], size: number, r: Rng): ConceptExample[] => {
    const out: ConceptExample[] = [];
    for (let i = 0; i < size; i++) {
      const concept = concepts[i % concepts.length];
      const pair = pairs[r.int(pairs.length)];
      const a = pair >> cfg.bits;
      const b = pair & ((1 << cfg.bits) - 1);
      const y = concept === NULL_CONCEPT
        ? r.int(1 << cfg.bits)
        : bitwiseOp(concept as BitwiseConcept, a, b, cfg.bits);
      out.push({
        input: `${toBitString(a, cfg.bits)} ${toBitString(b, cfg.bits)}`,
        output: toBitString(y, cfg.bits),
        concept,
      });
    }
    return r.permutation(size).map((i) => out[i]);
  };
  return {
    name: "bitwise",
    concepts,
    train: make(trainPairs, cfg.trainSize, rng.fork("train")),
    test: make(testPairs, cfg.testSize, rng.fork("test")),
  };
}
