/**
 * Lists the archived reference runs (`fixtures/runs/`) with their provenance and size.
 *
 *   deno task runs:list
 *   deno task runs:list --json
 *   deno task runs:list --verify      # also check every file's checksum
 */
import {
  archiveDir,
  ArchiveError,
  listArchive,
  readArchive,
  readArchivedCheckpoint,
  readArchivedData,
} from "../lib/store/mod.ts";
import { parseFlags, runMain, UsageError } from "../lib/util/cli.ts";

await runMain(() => {
  try {
    const f = parseFlags(Deno.args, {
      json: { type: "boolean", default: false, help: "print JSON" },
      verify: { type: "boolean", default: false, help: "read every file and check its checksum" },
      archive: { type: "string", default: archiveDir() ?? "", help: "archive folder" },
    }, { usage: "deno task runs:list [flags]" });
    const rows = listArchive(f.archive || null);
    if (f.verify && f.archive) {
      for (const m of readArchive(f.archive)) {
        readArchivedData(f.archive, m);
        if (m.files.state) readArchivedCheckpoint(f.archive, m, { kind: "state" });
        if (m.files.params) readArchivedCheckpoint(f.archive, m, { kind: "params" });
      }
    }
    if (f.json) {
      console.log(JSON.stringify(rows, null, 1));
    } else {
      const total = rows.reduce((a, r) => a + r.bytes, 0);
      console.log(
        `${rows.length} archived run(s) in ${f.archive}, ${(total / 1e6).toFixed(2)} MB${
          f.verify ? ", all checksums verified" : ""
        }`,
      );
      for (const r of rows) {
        const wall = r.wallSeconds >= 3600
          ? `${(r.wallSeconds / 3600).toFixed(1)} h`
          : `${Math.round(r.wallSeconds / 60)} min`;
        console.log(
          `\n${r.id}  [${r.status}, step ${r.lastStep}, ${
            (r.bytes / 1e6).toFixed(2)
          } MB, checkpoint: ${r.checkpoint}]`,
        );
        console.log(
          `  ${r.experiment} / ${r.name}; ${wall} over ${r.commits.length} commit(s) ${
            r.commits.join(", ")
          }`,
        );
        console.log(`  on ${r.backends.join("; ")} — ${r.machines.join("; ")}`);
        console.log(`  $ ${r.command}`);
      }
    }
  } catch (e) {
    // An archive problem is a bad input: one line, exit 2 (runMain).
    throw e instanceof ArchiveError ? new UsageError(e.message) : e;
  }
});
