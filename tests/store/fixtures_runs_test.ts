/**
 * The committed reference runs themselves (fixtures/runs/): readable, within budget, and seen by
 * a fresh clone's reports.
 */
import {
  archiveDir,
  listArchive,
  readArchive,
  readArchivedCheckpoint,
  readArchivedData,
} from "../../lib/store/mod.ts";
import { assert } from "../assert.ts";

const dir = decodeURIComponent(new URL("../../fixtures/runs", import.meta.url).pathname);

Deno.test("fixtures/runs: every entry verifies (schema, checksums) and keeps to the budgets", () => {
  const manifests = readArchive(dir);
  assert(manifests.length > 0, "the archive holds runs");
  for (const m of manifests) {
    readArchivedData(dir, m);
    if (m.files.state) readArchivedCheckpoint(dir, m, { kind: "state" });
    assert(
      m.files.data.bytes <= 1_000_000,
      `${m.run.id}: metrics+artifacts ${m.files.data.bytes} bytes > 1 MB`,
    );
    assert(m.provenance.length > 0, `${m.run.id}: provenance recorded`);
  }
  const total = listArchive(dir).reduce((a, r) => a + r.bytes, 0);
  // 70 MB: the paper-1 asymmetry runs (16 with resumable state, ~1.8 MB each) outgrew 60 MB.
  assert(total <= 70e6, `fixtures/runs is ${total} bytes > 70 MB`);
  assert(
    archiveDir() === dir || Deno.env.get("TOOLKIT_ARCHIVE") !== undefined,
    "the default archive is fixtures/runs",
  );
});

Deno.test("fixtures/runs: a fresh clone (empty results) lists the archived paper-1 runs with provenance", async () => {
  const empty = await Deno.makeTempDir();
  const out = await new Deno.Command("deno", {
    args: ["run", "-A", "tasks/icl_report.ts", "--json", "--all"],
    env: { TOOLKIT_RESULTS: empty, TOOLKIT_ARCHIVE: dir, TOOLKIT_QUIET: "1", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert(out.success, new TextDecoder().decode(out.stderr));
  const report = JSON.parse(new TextDecoder().decode(out.stdout));
  const archived = report.runs.filter((r: { provenance: { source: string } }) =>
    r.provenance.source === "archive"
  );
  assert(archived.length > 0, "archived paper-1 runs are listed");
  for (const r of archived) {
    assert(r.provenance.commits.length > 0 && r.provenance.machines.length > 0, r.name);
  }
  await Deno.remove(empty, { recursive: true });
});
