/**
 * Counts of the WebGPU work a piece of code records: compute dispatches (tfjs's own kernels and
 * the toolkit's alike), buffer-to-buffer copies and queue submits.
 *
 * Why count at the WebGPU API rather than in the toolkit's dispatcher: on a fast GPU a training
 * step is bound by the CPU recording it (~15 µs per dispatch, lib/bench/README.md), so the
 * number that matters is every dispatch, whoever records it — and it does not depend on the
 * adapter, so a software adapter (llvmpipe) measures the same count as an H100.
 *
 * The counters wrap `GPUComputePassEncoder.prototype.dispatchWorkgroups`,
 * `GPUCommandEncoder.prototype.copyBufferToBuffer` and `GPUQueue.prototype.submit` once, on the
 * first call of {@link gpuWorkCounts}; until then nothing is wrapped (no cost in training).
 *
 * @module
 */

/** Totals of recorded WebGPU work since the counters were installed. */
export interface GpuWorkCounts {
  /** `dispatchWorkgroups` calls (compute launches). */
  dispatches: number;
  /** `copyBufferToBuffer` calls. */
  copies: number;
  /** `GPUQueue.submit` calls. */
  submits: number;
}

const totals: GpuWorkCounts = { dispatches: 0, copies: 0, submits: 0 };
let installed = false;
let dry = false;

function wrap<K extends string>(
  proto: Record<K, (...a: unknown[]) => unknown> | undefined,
  name: K,
  counter: keyof GpuWorkCounts,
) {
  const orig = proto?.[name];
  if (!proto || typeof orig !== "function") return;
  proto[name] = function (this: unknown, ...args: unknown[]) {
    totals[counter]++;
    // Recording only: the command buffers are dropped, never run (see recordOnly).
    if (dry && counter === "submits") return undefined;
    return orig.apply(this, args);
  };
}

/**
 * The running totals of dispatches, copies and submits (installing the counters on first
 * call; work recorded before that is not counted). Diff two readings to count a step.
 * Returns zeros where WebGPU does not exist.
 *
 * @example
 * ```ts
 * const before = gpuWorkCounts();
 * // … record one training step …
 * const step = diffGpuWork(gpuWorkCounts(), before); // { dispatches, copies, submits }
 * ```
 */
export function gpuWorkCounts(): GpuWorkCounts {
  if (!installed) {
    installed = true;
    const g = globalThis as unknown as Record<string, { prototype: never } | undefined>;
    wrap(g.GPUComputePassEncoder?.prototype, "dispatchWorkgroups", "dispatches");
    wrap(g.GPUCommandEncoder?.prototype, "copyBufferToBuffer", "copies");
    wrap(g.GPUQueue?.prototype, "submit", "submits");
  }
  return { ...totals };
}

/**
 * a − b, field by field, divided by `per` (e.g. the number of steps recorded in between).
 *
 * @example
 * ```ts
 * diffGpuWork({ dispatches: 30, copies: 0, submits: 3 }, { dispatches: 10, copies: 0, submits: 1 }, 2);
 * // { dispatches: 10, copies: 0, submits: 1 }
 * ```
 */
export function diffGpuWork(a: GpuWorkCounts, b: GpuWorkCounts, per = 1): GpuWorkCounts {
  return {
    dispatches: (a.dispatches - b.dispatches) / per,
    copies: (a.copies - b.copies) / per,
    submits: (a.submits - b.submits) / per,
  };
}

/**
 * Runs `f` with queue submits swallowed: everything it records is counted and then dropped
 * instead of run. Counting the paper model's step this way takes the CPU time of recording it
 * (well under a second) where running it on a software adapter takes many minutes, and the
 * count is the same (a training step records no work that depends on values read back; the
 * dispatch test checks the two counts agree on a small model). Whatever `f` computed holds
 * garbage afterwards: use it only on throw-away state, and read nothing back inside `f`.
 *
 * @example
 * ```ts
 * import type { tf } from "toolkit";
 *
 * declare const fixture: { enqueue(): tf.Scalar }; // e.g. lib/bench's stepFixture
 * const before = gpuWorkCounts();
 * recordOnly(() => fixture.enqueue().dispose());
 * const step = diffGpuWork(gpuWorkCounts(), before);
 * ```
 */
export function recordOnly<T>(f: () => T): T {
  gpuWorkCounts();
  const was = dry;
  dry = true;
  try {
    return f();
  } finally {
    dry = was;
  }
}
