/**
 * The paper's numbers for the language-model part (Han et al. 2024, arXiv 2412.12276, main
 * model Llama-3.1-8B), as given in the text and Table 1 — shown beside ours, never drawn as
 * if computed.
 *
 * @module
 */

/**
 * Paper 1's language-model results.
 *
 * @example
 * ```ts
 * ICL_LM_PAPER.r2.pos; // 0.781
 * ```
 */
export const ICL_LM_PAPER = {
  model: "Llama-3.1-8B",
  nLayers: 32,
  /** Layer where TD peaks (1-based, of 32). */
  tdLayer: { pos: 15, bitwise: 13 },
  /** R² of accuracy on TD over (concept, shots) points. */
  r2: { pos: 0.781, bitwise: 0.528 },
  /** The same R² for the other models (text of Section 5). */
  r2OtherModels: [
    { model: "Gemma-2 2B", pos: 0.422, bitwise: 0.776 },
    { model: "Gemma-2 9B", pos: 0.531, bitwise: 0.452 },
    { model: "Gemma-2 27B", pos: 0.822, bitwise: 0.59 },
    { model: "Llama-3.1-70B", pos: 0.844, bitwise: 0.324 },
  ],
  /** Concepts the paper finds well encoded vs overlapping with Null. */
  wellEncoded: { pos: ["Noun", "Pronoun", "Verb"], bitwise: ["AND", "OR", "NAND", "NOR"] },
  overlapping: { pos: ["Adjective", "Preposition"], bitwise: ["XOR", "XNOR"] },
  /** Accuracy change of the mean-vector interventions (fractions). */
  intervention: {
    wellSeparated: { positive: 0.14, negative: -0.15 },
    overlapping: { positive: 0.02, negative: -0.06 },
  },
  /** Table 1: TD / accuracy (fractions) before and after LoRA on the first / last 10 layers. */
  finetune: {
    base: { pos: { td: 0.68, accuracy: 0.255 }, bitwise: { td: 0.43, accuracy: 0.262 } },
    first: { pos: { td: 0.95, accuracy: 0.694 }, bitwise: { td: 0.85, accuracy: 0.902 } },
    last: { pos: { td: 0.68, accuracy: 0.339 }, bitwise: { td: 0.43, accuracy: 0.663 } },
  },
} as const;
