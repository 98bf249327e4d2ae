/** Small shared utilities: seeded randomness, config validation, CLI flags, statistics. @module */
export * from "./rng.ts";
export * from "./validate.ts";
export * from "./cli.ts";
export * from "./report.ts";
export * from "./csv.ts";
export * from "./stats.ts";
export * from "./env.ts";
