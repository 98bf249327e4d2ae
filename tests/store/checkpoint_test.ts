import {
  decodeSafetensors,
  encodeSafetensors,
  loadCheckpoint,
  writeFileAtomic,
} from "../../lib/store/checkpoint.ts";
import { FileError } from "../../lib/util/cli.ts";
import { assert, assertEquals, assertRejects } from "../assert.ts";

Deno.test("a truncated checkpoint fails naming the file and what to do", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/run.safetensors`;
  const bytes = encodeSafetensors({ w: { data: new Float32Array([1, 2, 3]), shape: [3] } }, {
    metadata: { step: "5" },
  });
  assertEquals(Array.from(decodeSafetensors(bytes).tensors.w.data), [1, 2, 3]);
  await Deno.writeFile(path, bytes.subarray(0, 20));
  const e = await assertRejects(() => loadCheckpoint(path));
  assert(
    e instanceof FileError && e.message.startsWith(path) && e.message.includes("delete it"),
    e.message,
  );
  assertEquals(await loadCheckpoint(`${dir}/none.safetensors`), null);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("writeFileAtomic creates the folder, replaces the file, leaves no temporary file", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/a/b/file.bin`;
  await writeFileAtomic(path, new Uint8Array([1, 2]));
  await writeFileAtomic(path, new Uint8Array([3]));
  assertEquals(await Deno.readFile(path), new Uint8Array([3]));
  assertEquals([...Deno.readDirSync(`${dir}/a/b`)].map((e) => e.name), ["file.bin"]);
});
