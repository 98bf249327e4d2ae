/** Models: configs, the decoder stack, the regression transformer, the language model, hooks, parameter counts. @module */
export * from "./config.ts";
export * from "./hooks.ts";
export * from "./transformer.ts";
export * from "./regression_transformer.ts";
export * from "./language_model.ts";
export * from "./params.ts";
export * from "./hf_loader.ts";
