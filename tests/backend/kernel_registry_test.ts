import { cachedOp } from "../../lib/backend/kernel_registry.ts";
import { assertEquals } from "../assert.ts";

Deno.test("cachedOp builds an op once per key and returns that same op after", () => {
  let built = 0;
  const make = () => {
    built++;
    return (x: number) => 2 * x;
  };
  const a = cachedOp("test:double", make);
  const b = cachedOp("test:double", make);
  assertEquals([a === b, built, a(3)], [true, 1, 6]);
  cachedOp("test:other", make);
  assertEquals(built, 2, "another key builds its own op");
});
