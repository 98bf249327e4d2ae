/**
 * Web Worker entry of {@link ../resource/sweep.ts}: trains one run per message and posts back
 * its metrics, checkpoints and outcome. Not part of the public API.
 *
 * @module
 */
import { trainRun } from "./train.ts";

const scope = globalThis as unknown as {
  onmessage: (e: MessageEvent) => void;
  postMessage: (m: unknown) => void;
};

scope.onmessage = (e: MessageEvent) => {
  try {
    const outcome = trainRun(e.data.config, {
      resume: e.data.resume,
      onCheckpoint: (checkpoint) => scope.postMessage({ type: "checkpoint", checkpoint }),
      onLog: (step, metrics) => scope.postMessage({ type: "log", step, metrics }),
    });
    scope.postMessage({ type: "done", outcome });
  } catch (err) {
    scope.postMessage({ type: "error", message: String((err as Error).stack ?? err) });
  }
};
