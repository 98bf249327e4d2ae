/** Models: configs, the decoder stack, the regression transformer, the language models (GPT-2-style and Llama-family), hooks, parameter counts, the Hugging Face loader. @module */
export * from "./config.ts";
// the hooks' own helpers (positionMask, applyPatches, capturePositions, captureLayers) serve the
// stacks and are imported from hooks.ts; a model author needs HookRunner
export {
  type ActivationCache,
  disposeCache,
  disposeHookResults,
  type ForwardHooks,
  HOOK_POINTS,
  type HookedModel,
  type HookFn,
  type HookPoint,
  hookPointNames,
  type HookResults,
  HookRunner,
  type HookShape,
  type PatchHook,
  runWithCache,
  zeroHeads,
} from "./hooks.ts";
export * from "./transformer.ts";
export * from "./regression_transformer.ts";
export * from "./language_model.ts";
export * from "./params.ts";
export * from "./causal_lm.ts";
export * from "./llama.ts";
export * from "./hf_loader.ts";
