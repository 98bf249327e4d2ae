/**
 * Paper 1, language-model part, from the command line: trains the small task LM (or loads a
 * Hugging Face checkpoint), measures accuracy and task decodability, runs the mean-vector
 * interventions and the LoRA first-vs-last finetuning.
 *
 *   deno task icl:lm [--preset smoke|quick|cpu|long] [--json]
 *   deno task icl:lm --preset long --max-minutes 50   # train the LM in chunks; rerun to continue
 *   deno task icl:lm --checkpoint models/gpt2 [--skip-finetune] [--json]
 *
 * Runs go to `--results DIR` (default `$TOOLKIT_RESULTS` or results/): the database
 * DIR/results.sqlite, the LM and the adapters checkpointed under DIR/checkpoints/icl_lm_lm and
 * …/icl_lm_lora, and a killed run resumes (an LM run archived with its state continues from the
 * archive). With `--max-minutes`, the LM's training pauses, checkpointed, when the time is up,
 * and the measurements run once it has all its steps. Progress goes to
 * stderr; `--json` prints `{"td_layer", "r2", "accuracy_per_concept", "intervention",
 * "finetune", …}` on stdout.
 */
import { initBackend } from "../lib/backend/backend.ts";
import {
  ICL_LM_PRESETS,
  iclLmConfig,
  type IclLmPreset,
  runIclLm,
  trainIclLm,
} from "../lib/icl_lm/mod.ts";
import { markdownTable } from "../lib/plot/display.ts";
import { useResults } from "../lib/store/paths.ts";
import { openResults } from "../lib/store/results.ts";
import {
  BACKEND_CHOICES,
  choiceFlag,
  FileError,
  numberFlag,
  parseFlags,
  RESULTS_FLAGS,
  runMain,
} from "../lib/util/cli.ts";

await runMain(async () => {
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
    ...RESULTS_FLAGS,
    "ckpt-dir": {
      type: "string",
      default: "",
      help: "deprecated: checkpoint folder (default RESULTS/checkpoints/icl_lm_lm, …/icl_lm_lora)",
    },
    "max-minutes": {
      type: "string",
      default: "",
      help: "pause the LM's training (checkpointed) after this many minutes; rerun to continue",
    },
    backend: { type: "string", default: "auto", help: BACKEND_CHOICES.join(" | ") },
    wait: {
      type: "boolean",
      default: false,
      help: "if another process is training this run, wait for it instead of failing",
    },
  }, { usage: "deno task icl:lm [flags]" });

  const preset = choiceFlag("preset", flags.preset, Object.keys(ICL_LM_PRESETS)) as IclLmPreset;
  const cfg = iclLmConfig(
    preset,
    flags.seed ? { seed: numberFlag("seed", flags.seed, 0, { integer: true, min: 0 }) } : {},
  );
  const backend = choiceFlag("backend", flags.backend, BACKEND_CHOICES);
  if (flags.checkpoint) {
    try {
      Deno.statSync(`${flags.checkpoint}/config.json`);
    } catch {
      throw new FileError(
        `${flags.checkpoint}/config.json`,
        "not found",
        "pass a Hugging Face checkpoint folder (config.json, model.safetensors, tokenizer.json) to --checkpoint",
      );
    }
  }
  const { db } = useResults(flags);
  if (flags.wait) Deno.env.set("TOOLKIT_WAIT", "1");
  await initBackend({ backend, quiet: flags.json });
  const store = openResults(db);
  const t0 = performance.now();
  try {
    if (flags["max-minutes"] && !flags.checkpoint) {
      const minutes = numberFlag("max-minutes", flags["max-minutes"], 0, { min: 0 });
      const { runId, lm } = await trainIclLm(cfg, {
        store,
        checkpointDir: flags["ckpt-dir"] || undefined,
        progress: !flags.json,
        deadline: Date.now() + minutes * 60_000,
      });
      lm.model.dispose();
      if (lm.train.paused) {
        const msg = `LM run ${runId} paused at step ${lm.train.step}/${cfg.train.steps} ` +
          `(checkpointed); rerun the same command to continue`;
        if (flags.json) {
          console.log(JSON.stringify({ paused: true, lm_run_id: runId, step: lm.train.step }));
        } else console.log(msg);
        return;
      }
    }
    const res = await runIclLm(cfg, {
      store,
      name: flags.checkpoint ? `checkpoint-${flags.preset}` : flags.preset,
      checkpoint: flags.checkpoint || undefined,
      checkpointDir: flags["ckpt-dir"] || undefined,
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
  } finally {
    store.close();
  }
});
