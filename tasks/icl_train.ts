/**
 * Trains (or resumes) paper 1's synthetic experiment and stores everything in the results DB.
 *
 *   deno task icl:train --preset cpu --seed 0
 *   deno task icl:train --preset paper --backend webgpu
 *   deno task icl:train --preset cpu --variant sixBases --steps 20000
 *   deno task icl:train --preset gpu --set '{"model":{"initStd":0.05},"train":{"lr":3e-4}}' --name my-try
 *   deno task icl:train --preset gpu --backend webgpu --max-minutes 8   # a time-boxed chunk
 *   deno task icl:train --preset cpu --steps 45000 --extend-from icl_synthetic-cpu-fourBases-seed0-842b3eaf
 *   deno task icl:train --preset cpu --seed 1 --steps 80000 --set '{"train":{"lr":3e-4}}' --branch-from RUN_ID --name seed1-lr3e-4
 *
 * A killed run resumes from its last checkpoint when the same command is run again; so does a
 * run paused by `--max-minutes` (it takes its end-of-run measurements at the pause). The same run
 * started twice at once: the second process says so and exits 2 (or waits with `--wait`).
 * Results (database, checkpoints) go to `--results DIR` (default `$TOOLKIT_RESULTS` or results/).
 */
import { initBackend } from "../lib/backend/mod.ts";
import { checkpointDir, openResults, useResults } from "../lib/store/mod.ts";
import {
  ICL_PRESETS,
  ICL_VARIANTS,
  iclConfig,
  iclRunName,
  type IclVariant,
  runIclExperiment,
} from "../lib/icl/mod.ts";
import {
  BACKEND_CHOICES,
  choiceFlag,
  jsonFlag,
  numberFlag,
  parseFlags,
  RESULTS_FLAGS,
  runMain,
} from "../lib/util/cli.ts";
import { ConfigError } from "../lib/util/validate.ts";

await runMain(async () => {
  const f = parseFlags(Deno.args, {
    preset: {
      type: "string",
      default: "cpu",
      help: `one of ${Object.keys(ICL_PRESETS).join(", ")}`,
    },
    seed: { type: "string", default: "0", help: "seed (initialisation and data)" },
    variant: {
      type: "string",
      default: "",
      help: `${ICL_VARIANTS.join(" | ")} (default: the preset's)`,
    },
    steps: { type: "string", default: "", help: "override the number of training steps" },
    set: {
      type: "string",
      default: "",
      help:
        `JSON overrides of the preset, nested fields merged, e.g. '{"model":{"dModel":128},"batchSize":128}'`,
    },
    name: { type: "string", default: "", help: "run name (default PRESET-VARIANT-seedS)" },
    "extend-from": {
      type: "string",
      default: "",
      help: "id of a stored run to continue with more steps (same config but --steps)",
    },
    "branch-from": {
      type: "string",
      default: "",
      help:
        "id of a stored run to continue from its checkpoint under a changed train config (e.g. a lower lr)",
    },
    "max-minutes": {
      type: "string",
      default: "",
      help: "pause after this many minutes (checkpointed; rerun to resume)",
    },
    backend: { type: "string", default: "auto", help: BACKEND_CHOICES.join(" | ") },
    wait: {
      type: "boolean",
      default: false,
      help: "if another process is training this run, wait for it instead of failing",
    },
    ...RESULTS_FLAGS,
    json: { type: "boolean", default: false, help: "print the run summary as JSON" },
  }, { usage: "deno task icl:train [flags]" });

  choiceFlag("preset", f.preset, Object.keys(ICL_PRESETS));
  const base = ICL_PRESETS[f.preset as keyof typeof ICL_PRESETS];
  const set = jsonFlag("set", f.set) as Record<string, Record<string, unknown>>;
  const over: Record<string, unknown> = {
    ...set,
    seed: numberFlag("seed", f.seed, 0, { integer: true, min: 0 }),
  };
  if (f.variant) over.variant = choiceFlag("variant", f.variant, ICL_VARIANTS) as IclVariant;
  if (f.steps) {
    over.train = {
      ...set.train,
      steps: numberFlag("steps", f.steps, 0, { integer: true, min: 1 }),
    };
  }
  const minutes = numberFlag("max-minutes", f["max-minutes"], 0, { min: 0 });
  const backend = choiceFlag("backend", f.backend, BACKEND_CHOICES);
  if (f["extend-from"] && f["branch-from"]) {
    throw new ConfigError(
      "branch-from",
      "unset when --extend-from is set (extend or branch, not both)",
      f["branch-from"],
    );
  }
  const cfg = iclConfig(base, over);
  const { dir, db } = useResults(f);
  if (f.wait) Deno.env.set("TOOLKIT_WAIT", "1");
  await initBackend({ backend });
  const store = openResults(db);
  try {
    const summary = await runIclExperiment(cfg, {
      store,
      dir: checkpointDir(undefined, dir),
      // A branch is another experiment than its parent: by default it does not share the parent's name.
      name: f.name || iclRunName(cfg, { preset: f.preset, branch: !!f["branch-from"] }),
      deadline: minutes > 0 ? Date.now() + minutes * 60_000 : undefined,
      extendFrom: f["extend-from"] || undefined,
      branchFrom: f["branch-from"] || undefined,
    });
    console.log(f.json ? JSON.stringify(summary) : summary);
  } finally {
    store.close();
  }
});
