/** Training: the loop with resume, Adam, progress. @module */
export * from "./optimizer.ts";
export * from "./progress.ts";
export * from "./trainer.ts";
