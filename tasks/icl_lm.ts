/**
 * Paper 1, language-model part, from the command line: trains the small task LM (or loads a
 * Hugging Face checkpoint), measures accuracy and task decodability, runs the mean-vector
 * interventions and the LoRA first-vs-last finetuning.
 *
 *   deno task icl:lm [--preset smoke|quick|cpu] [--json]
 *   deno task icl:lm --checkpoint models/gpt2 [--skip-finetune] [--json]
 *
 * Runs go to the results database (`--db`, default results/results.sqlite); the LM and the
 * adapters are checkpointed under `--ckpt-dir` and a killed run resumes. Progress goes to
 * stderr; `--json` prints `{"td_layer", "r2", "accuracy_per_concept", "intervention",
 * "finetune", …}` on stdout.
 */
import { initBackend } from "../lib/backend/backend.ts";
import { ICL_LM_PRESETS, iclLmConfig, type IclLmPreset, runIclLm } from "../lib/icl_lm/mod.ts";
import { markdownTable } from "../lib/plot/display.ts";
import { openResults, resultsDir } from "../lib/store/results.ts";
import { numberFlag, parseFlags } from "../lib/util/cli.ts";
import { ConfigError } from "../lib/util/validate.ts";

const flags = parseFlags(Deno.args, {
  preset: { type: "string", default: "cpu", help: Object.keys(ICL_LM_PRESETS).join(" | ") },
  json: { type: "boolean", default: false, help: "print the summary as JSON on stdout" },
  checkpoint: {
    type: "string",
    default: "",
    help: "Hugging Face checkpoint folder to measure instead of training the small LM",
  },
  "skip-finetune": { type: "boolean", default: false, help: "skip the LoRA first-vs-last arms" },
  seed: { type: "string", default: "", help: "seed (default: the preset's)" },
  db: {
    type: "string",
    default: "",
    help: "results database (default results/results.sqlite; :memory: for none)",
  },
  "ckpt-dir": { type: "string", default: "", help: "checkpoint folder (default results/ckpt)" },
  backend: { type: "string", default: "auto", help: "auto | webgpu | wasm | cpu" },
}, { usage: "deno task icl:lm [flags]" });

if (!(flags.preset in ICL_LM_PRESETS)) {
  throw new ConfigError("preset", Object.keys(ICL_LM_PRESETS).join(", "), flags.preset);
}
const cfg = iclLmConfig(
  flags.preset as IclLmPreset,
  flags.seed ? { seed: numberFlag("seed", flags.seed, 0) } : {},
);
await initBackend({ backend: flags.backend as never, quiet: flags.json });
const store = flags.db ? openResults(flags.db) : openResults();
const t0 = performance.now();
const res = await runIclLm(cfg, {
  store,
  name: flags.checkpoint ? `checkpoint-${flags.preset}` : flags.preset,
  checkpoint: flags.checkpoint || undefined,
  checkpointDir: flags["ckpt-dir"] || `${resultsDir()}/ckpt`,
  skipFinetune: flags["skip-finetune"],
  log: (l) => console.error(l),
});
const s = res.summary;
if (flags.json) {
  console.log(
    JSON.stringify({
      ...s,
      run_id: res.runId,
      seconds_total: Math.round((performance.now() - t0) / 1000),
    }),
  );
} else {
  console.log(
    `model: ${s.model.source} (${s.model.nLayers} layers, d ${s.model.dModel}, ${s.model.params} parameters)`,
  );
  console.log(markdownTable(res.base.map((m) => ({
    task: m.task,
    td_layer: m.tdLayer,
    td: m.tdAtLayer,
    r2: m.fit.r2,
    accuracy: m.accuracyMean,
    ...(s.finetune
      ? {
        acc_first: s.finetune.first.tasks[m.task].accuracy,
        acc_last: s.finetune.last.tasks[m.task].accuracy,
      }
      : {}),
  }))));
  console.log(
    `run ${res.runId} in ${store.path}; ${((performance.now() - t0) / 1000).toFixed(0)} s`,
  );
}
store.close();
