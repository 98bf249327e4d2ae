import { runtimeFacts, setRuntimeFact } from "../../lib/util/runtime.ts";
import { initBackend } from "../../lib/backend/backend.ts";
import { assert, assertEquals } from "../assert.ts";

Deno.test("runtime facts: recorded, returned as a copy; initBackend records the backend", async () => {
  setRuntimeFact("test-fact", "a");
  const facts = runtimeFacts();
  assertEquals(facts["test-fact"], "a");
  facts["test-fact"] = "changed";
  assertEquals(runtimeFacts()["test-fact"], "a", "the registry is not the caller's object");
  await initBackend({ backend: "cpu", quiet: true });
  assert(runtimeFacts().backend?.startsWith("cpu"), runtimeFacts().backend);
});
