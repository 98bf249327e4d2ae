import { initBackend } from "../../lib/backend/backend.ts";
import { iclConfig, runIclExperiment } from "../../lib/icl/mod.ts";
import {
  ARCHIVE_SCHEMA,
  ArchiveError,
  exportRun,
  listArchive,
  openResults,
  readArchive,
  readManifest,
} from "../../lib/store/mod.ts";
import { assert, assertEquals, assertThrows } from "../assert.ts";

await initBackend({ backend: "wasm", quiet: true });

/** A smoke ICL run stored in `<dir>/results`, checkpoint included. */
async function smokeRun(dir: string, steps = 30) {
  const store = openResults(`${dir}/results/results.sqlite`, { archive: false });
  const cfg = iclConfig("smoke", { train: { steps } });
  const s = await runIclExperiment(cfg, {
    store,
    dir: `${dir}/results/checkpoints`,
    name: "smoke",
    progress: false,
  });
  return { store, cfg, id: s.runId };
}

const tmp = await Deno.makeTempDir();
const made = await smokeRun(`${tmp}/a`);
const archive = `${tmp}/archive`;
await exportRun(made.store, made.id, {
  dir: archive,
  checkpoint: `${tmp}/a/results/checkpoints/${made.id}.safetensors`,
  allowDirty: true,
});

Deno.test("archive: a run records provenance (command, commit, backend, machine, steps, wall time)", () => {
  const p = made.store.provenance(made.id);
  assertEquals(p.length, 1);
  assert(/^[0-9a-f]{40}$|^unknown$/.test(p[0].commit), p[0].commit);
  assert(p[0].backend.startsWith("wasm"), p[0].backend);
  assert(p[0].command.includes("deno"), p[0].command);
  assertEquals([p[0].fromStep, p[0].toStep], [0, 30]);
  assert((p[0].wallSeconds ?? -1) >= 0 && p[0].ended !== undefined);
});

Deno.test("archive: export → read is bit-exact (metrics, artifacts, checkpoint)", async () => {
  const fresh = openResults(`${tmp}/fresh/results.sqlite`, { archive });
  const run = fresh.run(made.id);
  assertEquals(run?.source, "archive");
  assertEquals(run?.config, made.store.run(made.id)?.config);
  assertEquals(fresh.metrics(made.id), made.store.metrics(made.id));
  assertEquals(fresh.artifactRows(made.id), made.store.artifactRows(made.id));
  const ckpt = await Deno.readFile(`${tmp}/a/results/checkpoints/${made.id}.safetensors`);
  assertEquals(fresh.archivedCheckpoint(made.id), ckpt);
  assertEquals(fresh.runs({ localOnly: true }).length, 0, "nothing was written to the local store");
  assertEquals(fresh.runs().map((r) => r.id), [made.id]);
  // SQL sees archived runs in the attached schema.
  assertEquals(
    fresh.query("select count(*) as n from archive.metrics")[0].n,
    made.store.metrics(made.id).length,
  );
  fresh.close();
});

Deno.test("archive: starting an archived run copies it here; the local copy then wins and the archive is unchanged", () => {
  const store = openResults(`${tmp}/wins/results.sqlite`, { archive });
  store.startRun({ experiment: "icl_synthetic", name: "x", config: {}, id: made.id });
  assertEquals(store.run(made.id)?.source, "local");
  assertEquals(
    store.metrics(made.id),
    made.store.metrics(made.id),
    "the archived metrics came along",
  );
  store.logMetrics(made.id, 1, { extra: 42 });
  assertEquals(store.metrics(made.id, { name: "extra" }), [{ step: 1, name: "extra", value: 42 }]);
  assertEquals(store.runs().length, 1);
  store.close();
  const other = openResults(`${tmp}/wins2/results.sqlite`, { archive });
  assertEquals(other.metrics(made.id, { name: "extra" }), [], "the archive itself is read-only");
  other.close();
});

Deno.test("archive: the same command on a fresh machine resumes a paused archived run to the uninterrupted result", async () => {
  const cfg = iclConfig("smoke");
  const src = openResults(`${tmp}/p/results/results.sqlite`, { archive: false });
  const paused = await runIclExperiment(cfg, {
    store: src,
    dir: `${tmp}/p/results/checkpoints`,
    name: "smoke",
    progress: false,
    deadline: Date.now() - 1,
  });
  assertEquals([paused.steps, src.run(paused.runId)?.status], [10, "running"]);
  const dir = `${tmp}/paused-archive`;
  await exportRun(src, paused.runId, {
    dir,
    checkpoint: `${tmp}/p/results/checkpoints/${paused.runId}.safetensors`,
    allowDirty: true,
  });
  const fresh = openResults(`${tmp}/q/results/results.sqlite`, { archive: dir });
  const done = await runIclExperiment(cfg, {
    store: fresh,
    dir: `${tmp}/q/results/checkpoints`,
    name: "smoke",
    progress: false,
  });
  assertEquals([done.runId, done.steps, fresh.run(done.runId)?.status], [made.id, 30, "done"]);
  const a = await Deno.readFile(`${tmp}/a/results/checkpoints/${made.id}.safetensors`);
  const b = await Deno.readFile(`${tmp}/q/results/checkpoints/${done.runId}.safetensors`);
  assertEquals(b, a, "resumed from the archived state: bit-identical to the uninterrupted run");
  assertEquals(fresh.provenance(done.runId).length, 2, "the archived segment, then this one");
  fresh.close();
  src.close();
});

Deno.test("archive: extending an archived run on an empty store equals extending it where it was made", async () => {
  const longer = iclConfig("smoke", { train: { steps: 40 } });
  const here = await runIclExperiment(longer, {
    store: made.store,
    dir: `${tmp}/a/results/checkpoints`,
    name: "smoke",
    progress: false,
    extendFrom: made.id,
  });
  const empty = openResults(`${tmp}/b/results/results.sqlite`, { archive });
  const there = await runIclExperiment(longer, {
    store: empty,
    dir: `${tmp}/b/results/checkpoints`,
    name: "smoke",
    progress: false,
    extendFrom: made.id,
  });
  assertEquals(there.runId, here.runId);
  const stripDates = (rows: [string, string][]) => rows.filter(([n]) => n !== "provenance");
  assertEquals(empty.metrics(there.runId), made.store.metrics(here.runId));
  assertEquals(
    stripDates(empty.artifactRows(there.runId)),
    stripDates(made.store.artifactRows(here.runId)),
  );
  const a = await Deno.readFile(`${tmp}/a/results/checkpoints/${here.runId}.safetensors`);
  const b = await Deno.readFile(`${tmp}/b/results/checkpoints/${there.runId}.safetensors`);
  assertEquals(b, a, "parameters, Adam moments and step bit-identical");
  // The extension's provenance starts with the archived run's segment.
  assertEquals(empty.provenance(there.runId)[0].started, made.store.provenance(made.id)[0].started);
  empty.close();
});

Deno.test("archive: a fresh clone (empty results) sees archived runs in icl:report --json", async () => {
  const out = await new Deno.Command("deno", {
    args: ["run", "-A", "tasks/icl_report.ts", "--json"],
    env: {
      TOOLKIT_RESULTS: `${tmp}/clone`,
      TOOLKIT_ARCHIVE: archive,
      TOOLKIT_QUIET: "1",
      NO_COLOR: "1",
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert(out.success, new TextDecoder().decode(out.stderr));
  const report = JSON.parse(new TextDecoder().decode(out.stdout));
  const row = report.runs.find((r: { runId: string }) => r.runId === made.id);
  assert(row, "the archived run is listed");
  assertEquals(row.provenance.source, "archive");
  assert(row.provenance.backends[0].startsWith("wasm"));
});

Deno.test("archive: listArchive gives provenance and size", () => {
  const [row] = listArchive(archive);
  assertEquals([row.id, row.checkpoint, row.lastStep], [made.id, "state", 30]);
  assert(row.bytes > 1000 && row.bytes < 1e6, `${row.bytes}`);
});

Deno.test("archive: refuses to export a run made from dirty or unknown code unless allowed", async () => {
  const store = openResults(":memory:");
  const id = store.startRun({ experiment: "e", config: {} });
  store.setArtifact(id, "provenance", [{ ...store.provenance(id)[0], dirty: true }]);
  const err = await exportRun(store, id, { dir: `${tmp}/refused` }).then(() => null, (e) => e);
  assert(err instanceof ArchiveError && /allow-dirty/.test(err.message), String(err));
  store.setArtifact(id, "provenance", []);
  const err2 = await exportRun(store, id, { dir: `${tmp}/refused` }).then(() => null, (e) => e);
  assert(err2 instanceof ArchiveError && /unknown/.test(err2.message), String(err2));
  assertEquals(readArchive(`${tmp}/refused`), []);
});

Deno.test("archive: a killed export leaves the previous entry whole; the next one cleans up", async () => {
  const dir = `${tmp}/atomic`;
  await exportRun(made.store, made.id, { dir, allowDirty: true });
  const before = readManifest(dir, made.id);
  // What a kill mid-export leaves: a new data file and a temporary manifest, not yet switched.
  await Deno.writeTextFile(`${dir}/${made.id}/data-deadbeef.json.gz`, "partial");
  await Deno.writeTextFile(`${dir}/${made.id}/manifest.json.tmp-123`, "{");
  assertEquals(readManifest(dir, made.id), before);
  const store = openResults(`${tmp}/atomic-read/results.sqlite`, { archive: dir });
  assertEquals(store.metrics(made.id), made.store.metrics(made.id));
  store.close();
  await exportRun(made.store, made.id, { dir, allowDirty: true });
  const names = [...Deno.readDirSync(`${dir}/${made.id}`)].map((e) => e.name).sort();
  assertEquals(names, ["manifest.json", readManifest(dir, made.id).files.data.path].sort());
});

Deno.test("archive: corrupted, truncated or wrong-schema entries fail with one line naming the file; the store is untouched", async () => {
  const base = `${tmp}/corrupt`;
  const fresh = async (name: string) => {
    const dir = `${base}/${name}`;
    await exportRun(made.store, made.id, {
      dir,
      allowDirty: true,
      checkpoint: `${tmp}/a/results/checkpoints/${made.id}.safetensors`,
    });
    return { dir, entry: `${dir}/${made.id}`, m: readManifest(dir, made.id) };
  };
  const check = (
    dir: string,
    file: string,
    pattern: RegExp,
    read: (s: ReturnType<typeof openResults>) => unknown,
  ) => {
    const dbPath = `${dir}-db/results.sqlite`;
    const err = (() => {
      try {
        const s = openResults(dbPath, { archive: dir });
        try {
          read(s);
        } finally {
          s.close();
        }
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    assert(err instanceof ArchiveError, `expected an ArchiveError, got ${err}`);
    assert(
      !err.message.includes("\n") && err.message.includes(file) && pattern.test(err.message),
      err.message,
    );
    const s = openResults(dbPath, { archive: false });
    assertEquals(s.runs().length, 0, "nothing written locally");
    s.close();
  };
  const t = await fresh("truncated");
  const data = `${t.entry}/${t.m.files.data.path}`;
  const bytes = await Deno.readFile(data);
  await Deno.writeFile(data, bytes.subarray(0, bytes.length >> 1));
  check(t.dir, data, /checksum mismatch/, (s) => s.metrics(made.id));

  const c = await fresh("flipped");
  const state = `${c.entry}/${c.m.files.state!.path}`;
  const sb = await Deno.readFile(state);
  sb[sb.length - 10] ^= 0xff;
  await Deno.writeFile(state, sb);
  check(c.dir, state, /checksum mismatch/, (s) => s.archivedCheckpoint(made.id));

  const v = await fresh("schema");
  await Deno.writeTextFile(
    `${v.entry}/manifest.json`,
    JSON.stringify({ ...v.m, schema: ARCHIVE_SCHEMA + 1 }),
  );
  check(v.dir, `${v.entry}/manifest.json`, /schema version/, () => 0);

  const j = await fresh("json");
  await Deno.writeTextFile(`${j.entry}/manifest.json`, '{"format": "neurolearn-run-arch');
  check(j.dir, `${j.entry}/manifest.json`, /not valid JSON/, () => 0);

  assertThrows(() => readManifest(`${base}/nowhere`, made.id), ArchiveError);
});
