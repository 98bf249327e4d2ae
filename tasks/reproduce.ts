/**
 * The main job: runs every paper's pipeline at a quick default scale, writes SVG figures to
 * `results/figures/` and a Markdown report to `results/REPORT.md`, and stores runs in
 * `results/results.sqlite` (`--results DIR` for another folder; default `$TOOLKIT_RESULTS` or results/).
 *
 *   deno task reproduce                 # quick preset, all papers
 *   deno task reproduce --only scaling  # one section (scaling | resource | icl | icl_lm)
 *   deno task reproduce --preset smoke  # seconds, what the tests run
 */
import { initBackend } from "../lib/backend/mod.ts";
import { openResults, useResults } from "../lib/store/mod.ts";
import { markdownTable } from "../lib/plot/mod.ts";
import {
  BACKEND_CHOICES,
  choiceFlag,
  parseFlags,
  RESULTS_FLAGS,
  runMain,
} from "../lib/util/cli.ts";
import type { ReportSection, ReproduceOptions } from "../lib/util/report.ts";
import { ConfigError } from "../lib/util/validate.ts";

/** Every paper's quick reproduction, in report order. Each module exports `reproduce(opts)`. */
const SECTIONS: Record<
  string,
  () => Promise<{ reproduce: (o: ReproduceOptions) => Promise<ReportSection> }>
> = {
  scaling: () => import("../lib/scaling/reproduce.ts"),
  resource: () => import("../lib/resource/reproduce.ts"),
  icl: () => import("../lib/icl/reproduce.ts"),
  icl_lm: () => import("../lib/icl_lm/reproduce.ts"),
};

await runMain(async () => {
  const flags = parseFlags(Deno.args, {
    only: {
      type: "string",
      default: "",
      help: `comma-separated sections: ${Object.keys(SECTIONS).join(", ")}`,
    },
    preset: { type: "string", default: "quick", help: "smoke | quick" },
    ...RESULTS_FLAGS,
    backend: { type: "string", default: "auto", help: BACKEND_CHOICES.join(" | ") },
  }, { usage: "deno task reproduce [--only SECTIONS] [--preset smoke|quick] [--results DIR]" });
  if (flags.preset !== "smoke" && flags.preset !== "quick") {
    throw new ConfigError("preset", "smoke, quick", flags.preset);
  }
  const wanted = flags.only ? flags.only.split(",") : Object.keys(SECTIONS);
  for (const w of wanted) {
    if (!(w in SECTIONS)) throw new ConfigError("only", Object.keys(SECTIONS).join(", "), w);
  }

  const backend = choiceFlag("backend", flags.backend, BACKEND_CHOICES);
  const { dir, db } = useResults(flags);
  const info = await initBackend({ backend });
  const store = openResults(db);
  const outDir = `${dir}/figures`;
  const parts: string[] = [
    `# Reproduction report\n\nGenerated ${
      new Date().toISOString()
    } by \`deno task reproduce --preset ${flags.preset}\`` +
    ` on backend ${info.backend} (${info.device}).\n`,
  ];
  let failures = 0;
  for (const name of wanted) {
    const t0 = performance.now();
    console.error(`\n== ${name} ==`);
    try {
      const mod = await SECTIONS[name]();
      const s = await mod.reproduce({ outDir, preset: flags.preset, store });
      const secs = ((performance.now() - t0) / 1000).toFixed(0);
      parts.push(`## ${s.title}\n\n_${secs} s._\n\n${s.markdown}\n`);
      if (s.comparisons.length) {
        parts.push("### Against the paper\n\n" + markdownTable(s.comparisons as never) + "\n");
      }
      if (s.figures.length) {
        parts.push(
          "### Figures\n\n" + s.figures.map((f) =>
            `![${f}](${f.replace(dir + "/", "")})`
          ).join("\n") + "\n",
        );
      }
      console.error(
        `${name}: ${s.figures.length} figures, ${s.comparisons.length} comparisons (${secs} s)`,
      );
    } catch (e) {
      failures++;
      parts.push(`## ${name}\n\nFAILED: ${(e as Error).stack ?? e}\n`);
      console.error(`${name} FAILED:`, e);
    }
  }
  await Deno.writeTextFile(`${dir}/REPORT.md`, parts.join("\n"));
  console.log(`report: ${dir}/REPORT.md; figures: ${outDir}/`);
  store.close();
  if (failures) throw new Error(`${failures} section(s) failed: see ${dir}/REPORT.md`);
});
