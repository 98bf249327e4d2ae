/**
 * Paper 1's synthetic runs as a sweep: presets × variants × seeds, one stored run each (the same
 * runs `deno task icl:train --preset P --variant V --seed S` makes), resumable, shardable and
 * runnable as a Slurm job array.
 *
 *   deno task icl:sweep --presets smoke --seeds 0,1,2
 *   deno task icl:sweep --presets cpu --variants fourBases,sixBases --seeds 0,1 --shard 1/2
 *   deno task icl:sweep --presets gpu --seeds 0,1,2 --backend webgpu --submit    # gres gpu:1
 *
 * Then `deno task icl:report` summarises the stored runs. A bad flag fails (exit 2) naming it.
 */
import { initBackend } from "../lib/backend/mod.ts";
import type { IclVariant } from "../lib/icl/config.ts";
import { openResults, resultsDir } from "../lib/store/results.ts";
import {
  configErrorLine,
  iclSweepCells,
  type IclSweepSpec,
  parseShard,
  runIclSweep,
  runSlurmCommand,
  SLURM_FLAGS,
  slurmRequested,
} from "../lib/sweep/mod.ts";
import { numberFlag, parseFlags } from "../lib/util/cli.ts";
import { ConfigError } from "../lib/util/validate.ts";

const list = (s: string) => s.split(",").map((x) => x.trim()).filter(Boolean);
try {
  const flags = parseFlags(Deno.args, {
    presets: {
      type: "string",
      default: "cpu",
      help: "comma-separated presets: smoke, quick, cpu, gpu, paper",
    },
    variants: {
      type: "string",
      default: "",
      help: "comma-separated variants (default: each preset's)",
    },
    seeds: { type: "string", default: "0", help: "comma-separated seeds" },
    steps: { type: "string", default: "", help: "training steps instead of the presets'" },
    backend: { type: "string", default: "auto", help: "auto | webgpu | wasm | cpu" },
    db: { type: "string", default: "", help: "results database (default results/results.sqlite)" },
    shard: { type: "string", default: "", help: "i/n: train shard i of n" },
    json: { type: "boolean", default: false, help: "print JSON" },
    ...SLURM_FLAGS,
  }, {
    usage:
      "deno task icl:sweep --presets smoke --seeds 0,1,2 [--variants …] [--shard i/n] [--slurm|--submit]",
  });
  const spec: IclSweepSpec = {
    presets: list(flags.presets),
    variants: list(flags.variants) as IclVariant[],
    seeds: list(flags.seeds).map((s, i) => numberFlag(`seeds[${i}]`, s, 0)),
    steps: flags.steps ? numberFlag("steps", flags.steps, 0) : undefined,
  };
  const cells = iclSweepCells(spec); // validates the spec before any work
  const db = flags.db || `${resultsDir()}/results.sqlite`;
  if (slurmRequested(flags)) {
    Deno.exit(
      await runSlurmCommand(flags, {
        kind: "icl_sweep",
        script: "tasks/icl_sweep.ts",
        args: Deno.args,
        cells: () => cells,
        store: db,
        defaults: flags.backend === "webgpu" ? { gres: "gpu:1" } : {},
      }),
    );
  }
  const shard = flags.shard ? parseShard(flags.shard) : undefined;
  await initBackend({ backend: flags.backend as never });
  const store = openResults(db);
  const runs = await runIclSweep(spec, {
    store,
    dir: `${db.slice(0, db.lastIndexOf("/") + 1) || "./"}checkpoints`,
    shard,
  });
  store.close();
  if (flags.json) console.log(JSON.stringify(runs));
  else {runs.forEach((r) =>
      console.log(`${r.name}: final MSE ${r.mse?.toFixed(4) ?? "n/a"} (${r.id})`)
    );}
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  console.error(configErrorLine(e));
  Deno.exit(2);
}
