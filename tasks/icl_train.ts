/**
 * Trains (or resumes) paper 1's synthetic experiment and stores everything in the results DB.
 *
 *   deno task icl:train --preset cpu --seed 0
 *   deno task icl:train --preset paper --backend webgpu
 *   deno task icl:train --preset cpu --variant sixBases --steps 20000
 *
 * A killed run resumes from its last checkpoint when the same command is run again.
 */
import { initBackend } from "../lib/backend/mod.ts";
import { openResults, resultsDir } from "../lib/store/mod.ts";
import { ICL_PRESETS, iclConfig, type IclVariant, runIclExperiment } from "../lib/icl/mod.ts";
import { numberFlag, parseFlags } from "../lib/util/cli.ts";
import { ConfigError } from "../lib/util/validate.ts";

const f = parseFlags(Deno.args, {
  preset: { type: "string", default: "cpu", help: `one of ${Object.keys(ICL_PRESETS).join(", ")}` },
  seed: { type: "string", default: "0", help: "seed (initialisation and data)" },
  variant: { type: "string", default: "", help: "fourBases | sixBases | overlapping | families (default: the preset's)" },
  steps: { type: "string", default: "", help: "override the number of training steps" },
  backend: { type: "string", default: "auto", help: "auto | webgpu | wasm | cpu" },
  out: { type: "string", default: resultsDir(), help: "results folder (database, checkpoints)" },
  json: { type: "boolean", default: false, help: "print the run summary as JSON" },
}, { usage: "deno task icl:train [flags]" });

if (!(f.preset in ICL_PRESETS)) throw new ConfigError("preset", Object.keys(ICL_PRESETS).join(", "), f.preset);
const base = ICL_PRESETS[f.preset as keyof typeof ICL_PRESETS];
const over: Record<string, unknown> = { seed: numberFlag("seed", f.seed, 0) };
if (f.variant) over.variant = f.variant as IclVariant;
if (f.steps) over.train = { ...base.train, steps: numberFlag("steps", f.steps, 0) };
const cfg = iclConfig(base, over);
await initBackend({ backend: f.backend as never });
const store = openResults(`${f.out}/results.sqlite`);
const summary = await runIclExperiment(cfg, { store, dir: `${f.out}/checkpoints`, name: `${f.preset}-${cfg.variant}-seed${cfg.seed}` });
console.log(f.json ? JSON.stringify(summary) : summary);
store.close();
