/** Numerics shared across areas: small dense linear algebra, L-BFGS, the one line / log-log fit, statistics. @module */
export * from "./linalg.ts";
export * from "./lbfgs.ts";
export * from "./fit.ts";
export * from "./stats.ts";
