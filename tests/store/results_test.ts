import { configHash, openResults } from "../../lib/store/results.ts";
import {
  decodeSafetensors,
  encodeSafetensors,
  loadCheckpoint,
  saveCheckpoint,
} from "../../lib/store/checkpoint.ts";
import { assert, assertAllClose, assertEquals, assertThrows } from "../assert.ts";

Deno.test("results store: runs, metrics, artifacts round-trip and are queryable", () => {
  const db = openResults(":memory:");
  const id = db.startRun({ experiment: "exp", config: { a: 1, b: [2, 3] } });
  assertEquals(
    db.startRun({ experiment: "exp", config: { b: [2, 3], a: 1 } }),
    id,
    "same config → same run id",
  );
  db.logMetrics(id, 10, { loss: 0.5, acc: 0.9 });
  db.logMetrics(id, 20, { loss: 0.25 });
  db.logMetrics(id, 20, { loss: 0.2 }); // overwrite
  assertEquals(db.metrics(id, { name: "loss" }), [{ step: 10, name: "loss", value: 0.5 }, {
    step: 20,
    name: "loss",
    value: 0.2,
  }]);
  db.truncateMetrics(id, 10);
  assertEquals(db.metrics(id).length, 2);
  db.setArtifact(id, "matrix", [[1, 2], [3, 4]]);
  assertEquals(db.artifact(id, "matrix"), [[1, 2], [3, 4]]);
  db.finishRun(id, { final: 1 });
  assertEquals(db.run(id)?.status, "done");
  assertEquals(db.runs({ experiment: "exp" })[0].summary, { final: 1 });
  assertEquals(db.query("select count(*) as n from metrics")[0].n, 2);
  db.deleteRun(id);
  assertEquals(db.runs().length, 0);
  db.close();
});

Deno.test("importRuns copies runs with their metrics and artifacts, replacing same-id runs; copyRunData copies within", async () => {
  const dir = await Deno.makeTempDir();
  const other = openResults(`${dir}/other.sqlite`, { archive: false });
  const a = other.startRun({ experiment: "exp", name: "a", config: { x: 1 } });
  other.logMetrics(a, 5, { loss: 1.5 });
  other.setArtifact(a, "m", [1, 2]);
  other.finishRun(a, { ok: true });
  other.startRun({ experiment: "elsewhere", config: {} });
  other.close();
  const here = openResults(`${dir}/here.sqlite`, { archive: false });
  here.startRun({ experiment: "exp", name: "a", config: { x: 1 } }); // an older copy of run a
  here.logMetrics(a, 7, { loss: 9 });
  assertEquals(here.importRuns(`${dir}/other.sqlite`, { experiment: "exp" }), [a]);
  assertEquals(
    here.metrics(a),
    [{ step: 5, name: "loss", value: 1.5 }],
    "the older copy's metrics are replaced",
  );
  assertEquals(here.artifact(a, "m"), [1, 2]);
  assertEquals([here.run(a)?.status, here.runs().length], ["done", 1]);
  const b = here.startRun({ experiment: "exp", name: "b", config: { x: 2 } });
  here.copyRunData(a, b);
  assertEquals([here.metrics(b), here.artifact(b, "m")], [[{ step: 5, name: "loss", value: 1.5 }], [
    1,
    2,
  ]]);
  here.close();
});

Deno.test("configHash is key-order independent and value sensitive", () => {
  assertEquals(configHash({ a: 1, b: 2 }), configHash({ b: 2, a: 1 }));
  assert(configHash({ a: 1 }) !== configHash({ a: 2 }));
});

Deno.test("safetensors: encode/decode round trip; header layout matches the format", () => {
  const tensors = {
    w: { data: Float32Array.from([1, -2, 3.5, 4]), shape: [2, 2] },
    b: { data: Float32Array.from([0.25]), shape: [1] },
  };
  const bytes = encodeSafetensors(tensors, { metadata: { step: "7" } });
  const hlen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + hlen)));
  assertEquals(header.b, { dtype: "F32", shape: [1], data_offsets: [0, 4] });
  assertEquals(header.w.data_offsets, [4, 20]);
  assertEquals((8 + hlen) % 8, 0);
  const back = decodeSafetensors(bytes);
  assertAllClose(back.tensors.w.data, tensors.w.data, 0);
  assertEquals(back.metadata.step, "7");
});

Deno.test("safetensors: F16 and BF16 tensors decode to float32", () => {
  const header = JSON.stringify({
    h: { dtype: "F16", shape: [2], data_offsets: [0, 4] },
    b: { dtype: "BF16", shape: [1], data_offsets: [4, 6] },
  });
  const hb = new TextEncoder().encode(header);
  const bytes = new Uint8Array(8 + hb.length + 6);
  const dv = new DataView(bytes.buffer);
  dv.setBigUint64(0, BigInt(hb.length), true);
  bytes.set(hb, 8);
  dv.setUint16(8 + hb.length, 0x3c00, true); // 1.0
  dv.setUint16(8 + hb.length + 2, 0xc000, true); // -2.0
  dv.setUint16(8 + hb.length + 4, 0x3fc0, true); // bf16 1.5
  const t = decodeSafetensors(bytes).tensors;
  assertAllClose(t.h.data, [1, -2], 0);
  assertAllClose(t.b.data, [1.5], 0);
});

Deno.test("safetensors: shape/data mismatch and bad dtypes fail clearly; missing file is null", async () => {
  assertThrows(
    () => encodeSafetensors({ w: { data: new Float32Array(3), shape: [2, 2] } }),
    Error,
    "holds 4 values",
  );
  const dir = await Deno.makeTempDir();
  assertEquals(await loadCheckpoint(`${dir}/none.safetensors`), null);
  await saveCheckpoint(`${dir}/c.safetensors`, {
    tensors: { x: { data: new Float32Array([1]), shape: [1] } },
    metadata: {},
  });
  assertEquals((await loadCheckpoint(`${dir}/c.safetensors`))?.tensors.x.shape, [1]);
});

Deno.test("startClock: a run opened ahead of its training counts only its own wall time", async () => {
  const db = openResults(":memory:");
  const id = db.startRun({ experiment: "grid", config: { n: 1 } });
  await new Promise((r) => setTimeout(r, 400)); // the run waits in the queue
  db.startClock(id);
  db.logMetrics(id, 1, { loss: 1 });
  db.finishRun(id, {});
  const [seg] = db.provenance(id);
  assert((seg.wallSeconds ?? -1) >= 0 && (seg.wallSeconds ?? 1) < 0.3, `wall ${seg.wallSeconds}`);
  db.startClock(id); // after the segment closed: nothing changes
  assertEquals(db.provenance(id)[0].wallSeconds, seg.wallSeconds);
  db.close();
});

Deno.test("codeVersion: TOOLKIT_COMMIT names the commit of a bundle run away from its checkout", async () => {
  const code = `import { codeVersion } from "${
    new URL("../../lib/store/provenance.ts", import.meta.url).href
  }"; console.log(JSON.stringify(codeVersion()));`;
  const run = async (env: Record<string, string>) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", code],
      env,
      stdout: "piped",
      stderr: "null",
    }).output();
    return JSON.parse(new TextDecoder().decode(out.stdout));
  };
  assertEquals(await run({ TOOLKIT_COMMIT: "abc123", TOOLKIT_DIRTY: "1" }), {
    commit: "abc123",
    dirty: true,
  });
  assertEquals((await run({ TOOLKIT_COMMIT: "abc123" })).dirty, false);
});
