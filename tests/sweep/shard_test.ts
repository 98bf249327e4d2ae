import { assertEquals, assertThrows } from "../assert.ts";
import { dealShards, parseShard, shardMask, stripFlags } from "../../lib/sweep/mod.ts";
import { ConfigError } from "../../lib/util/validate.ts";

Deno.test("cells are dealt largest first to the least-loaded shard, every cell once", () => {
  assertEquals(dealShards([10, 1, 5, 5], 2), [1, 1, 2, 2]);
  assertEquals(dealShards([1, 1, 1, 1, 1], 3), [1, 2, 3, 1, 2]);
  const w = [7, 3, 9, 1, 4, 4, 2];
  const masks = [1, 2, 3].map((index) => shardMask(w, { index, count: 3 }));
  assertEquals(w.map((_, i) => masks.filter((m) => m[i]).length), w.map(() => 1));
  assertEquals(shardMask(w), w.map(() => true));
});

Deno.test("a bad shard names the field", () => {
  assertEquals(parseShard("2/4"), { index: 2, count: 4 });
  for (const bad of ["0/2", "3/2", "1-2", "x"]) {
    assertEquals((assertThrows(() => parseShard(bad), ConfigError) as ConfigError).field, "shard");
  }
});

Deno.test("stripFlags drops flags with and without values", () => {
  assertEquals(
    stripFlags(
      [
        "single",
        "--preset",
        "smoke",
        "--submit",
        "--mem=8G",
        "--db",
        "x.sqlite",
        "--no-json",
        "--seeds",
        "0,1",
      ],
      { submit: false, mem: true, db: true, json: false },
    ),
    ["single", "--preset", "smoke", "--seeds", "0,1"],
  );
});
