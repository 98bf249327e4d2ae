/**
 * Every third-party module the library uses, with its pinned version, in one place.
 *
 * Full `npm:` specifiers (not the bare names of `deno.json`'s import map) so that `mod.ts`
 * also works when imported by URL from another project, where our import map does not apply.
 * Keep these versions equal to the ones in `deno.json`.
 *
 * @module
 */
export * as tf from "npm:@tensorflow/tfjs-core@4.22.0";
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
