/**
 * The training-speed benchmark: our training step against the PyTorch reference on the same
 * shapes, back to back, and the backend's matmul throughput (`deno task bench`).
 *
 * @module
 */
export * from "./config.ts";
export * from "./train_step.ts";
export * from "./torch_reference.ts";
export * from "./levers.ts";
export * from "./profile.ts";
export * from "./step_fixture.ts";
export * from "./run.ts";
