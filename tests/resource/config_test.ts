import { assertEquals, assertThrows } from "../assert.ts";
import { ConfigError } from "../../lib/util/validate.ts";
import {
  DEFAULT_RESOURCE_TRAIN,
  resolveAllocationConfig,
  resolveResourceTrainConfig,
} from "../../lib/resource/mod.ts";

const field = (fn: () => unknown) => (assertThrows(fn, ConfigError) as ConfigError).field;

Deno.test("defaults are the spec's calibration", () => {
  const c = resolveResourceTrainConfig();
  assertEquals([c.width, c.points, c.lr, c.steps, c.lambda, c.activation, c.penalizeBiases], [
    100,
    1000,
    1e-3,
    20000,
    3e-4,
    "silu",
    true,
  ]);
  assertEquals(resolveAllocationConfig(), {
    threshold: 1e-3,
    rule: "in-and-out",
    correlation: 0.99,
  });
  assertEquals(Object.keys(DEFAULT_RESOURCE_TRAIN).length, 14);
});

Deno.test("a bad config names its field", () => {
  assertEquals(field(() => resolveResourceTrainConfig({ alpha: -1 })), "alpha");
  assertEquals(field(() => resolveResourceTrainConfig({ width: 2.5 })), "width");
  assertEquals(
    field(() => resolveResourceTrainConfig({ activation: "gelu" as never })),
    "activation",
  );
  assertEquals(field(() => resolveResourceTrainConfig({ alpah: 1 } as never)), "train.alpah");
  assertEquals(
    field(() => resolveResourceTrainConfig({ task: { kind: "parallel" } })),
    "task.beta",
  );
  assertEquals(field(() => resolveAllocationConfig({ rule: "any" as never })), "rule");
  assertEquals(field(() => resolveAllocationConfig({ threshold: 0 })), "threshold");
});
