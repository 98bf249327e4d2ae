/**
 * Allocation: which hidden neurons a trained network uses, and for what.
 *
 * - {@link allocationOf}: active neurons per hidden layer (threshold rule on incoming and
 *   outgoing weights).
 * - {@link subtaskAllocationOf}: parallel task — each active first-layer neuron assigned to
 *   the subtask whose input and output it connects most strongly.
 * - {@link intermediateNeurons}: sequential task — neurons whose activation correlates
 *   with an intermediate quantity (|r| above the configured level).
 *
 * @module
 */
import { pearson } from "../numeric/stats.ts";
import { type AllocationConfig, resolveAllocationConfig } from "./config.ts";
import { forward, type Mlp } from "./sparse_mlp.ts";
import type { ToyTask, ToyTaskData } from "./toy_tasks.ts";
import { pointAt } from "./toy_tasks.ts";

/** Active neurons of each hidden layer. */
export interface Allocation {
  /** Count per hidden layer. */
  perLayer: number[];
  total: number;
  /** Indices of the active neurons, per hidden layer. */
  active: number[][];
}

/** Largest |incoming| and |outgoing| weight of each neuron of hidden layer h (0-based). */
export function neuronWeights(
  net: Mlp,
  h: number,
): { incoming: number[]; outgoing: number[] } {
  const k = net.sizes[h], m = net.sizes[h + 1], o = net.sizes[h + 2];
  const Win = net.W[h], Wout = net.W[h + 1];
  const incoming = new Array<number>(m).fill(0), outgoing = new Array<number>(m).fill(0);
  for (let j = 0; j < m; j++) {
    for (let i = 0; i < k; i++) incoming[j] = Math.max(incoming[j], Math.abs(Win[j * k + i]));
    for (let q = 0; q < o; q++) outgoing[j] = Math.max(outgoing[j], Math.abs(Wout[q * m + j]));
  }
  return { incoming, outgoing };
}

/**
 * Counts the allocated neurons of every hidden layer.
 *
 * @example
 * ```ts
 * import type { Mlp } from "./mod.ts";
 *
 * declare const net: Mlp; // a trained network
 * const a = allocationOf(net, { threshold: 1e-3 });
 * console.log(a.perLayer, a.total);
 * ```
 */
export function allocationOf(
  net: Mlp,
  partial: Partial<AllocationConfig> = {},
): Allocation {
  const cfg = resolveAllocationConfig(partial);
  const active: number[][] = [];
  for (let h = 0; h + 2 < net.sizes.length; h++) {
    const { incoming, outgoing } = neuronWeights(net, h);
    const ids: number[] = [];
    for (let j = 0; j < incoming.length; j++) {
      const i = incoming[j] > cfg.threshold, o = outgoing[j] > cfg.threshold;
      if (cfg.rule === "in-and-out" ? i && o : cfg.rule === "in-or-out" ? i || o : o) ids.push(j);
    }
    active.push(ids);
  }
  const perLayer = active.map((a) => a.length);
  return { perLayer, total: perLayer.reduce((s, v) => s + v, 0), active };
}

/** Per-subtask counts of a parallel task's first hidden layer. */
export interface SubtaskAllocation {
  /** Active neurons assigned to each subtask. */
  perSubtask: number[];
  /** Active neurons whose second-strongest subtask link is above 10% of the strongest (shared). */
  mixed: number;
}

/**
 * Assigns each active neuron of the first hidden layer to the subtask whose input→neuron→output
 * path is strongest (max over the subtask's inputs of |w_in|·|w_out|).
 *
 * @example
 * ```ts
 * import { toyTask } from "./mod.ts";
 * import type { Mlp } from "./mod.ts";
 *
 * declare const net: Mlp; // trained on the parallel task
 * const s = subtaskAllocationOf(net, toyTask({ kind: "parallel", beta: 0.75 }));
 * console.log(s.perSubtask); // [N1, N2]
 * ```
 */
export function subtaskAllocationOf(
  net: Mlp,
  task: ToyTask,
  partial: Partial<AllocationConfig> = {},
): SubtaskAllocation {
  const alloc = allocationOf(net, partial);
  const k = net.sizes[0], m = net.sizes[1];
  const perSubtask = task.subtasks.map(() => 0);
  let mixed = 0;
  for (const j of alloc.active[0]) {
    const strength = task.subtasks.map((s) => {
      const wOut = Math.abs(net.W[1][s.output * m + j]);
      return Math.max(...s.inputs.map((i) => Math.abs(net.W[0][j * k + i]))) * wOut;
    });
    const order = strength.map((v, i) => [v, i]).sort((a, b) => b[0] - a[0]);
    perSubtask[order[0][1]]++;
    if (order.length > 1 && order[1][0] > 0.1 * order[0][0]) mixed++;
  }
  return { perSubtask, mixed };
}

/** For each intermediate and hidden layer: the active neurons whose |r| exceeds the level. */
export interface IntermediateNeurons {
  /** `counts[name][layer]`. */
  counts: Record<string, number[]>;
  /** Best |r| per intermediate and layer (over active neurons). */
  best: Record<string, number[]>;
}

/**
 * Finds the active neurons whose activation correlates with each of the task's intermediates
 * (sequential task: g(x) = (x1−x2)² + (x3−x4)² and its halves) at |r| > `correlation`.
 *
 * @example
 * ```ts
 * import type { Mlp, ToyTask, ToyTaskData } from "./mod.ts";
 *
 * declare const net: Mlp, task: ToyTask, data: ToyTaskData;
 * const r = intermediateNeurons(net, task, data);
 * console.log(r.counts.g); // per hidden layer
 * ```
 */
export function intermediateNeurons(
  net: Mlp,
  task: ToyTask,
  data: ToyTaskData,
  partial: Partial<AllocationConfig> = {},
): IntermediateNeurons {
  const cfg = resolveAllocationConfig(partial);
  const alloc = allocationOf(net, cfg);
  const fw = forward(net, data.x, data.n);
  const counts: Record<string, number[]> = {}, best: Record<string, number[]> = {};
  const n = data.n;
  for (const [name, f] of Object.entries(task.intermediates)) {
    const g = Float64Array.from({ length: n }, (_, p) => f(pointAt(data, task.inputs, p)));
    counts[name] = [];
    best[name] = [];
    alloc.active.forEach((ids, h) => {
      const A = fw.A[h + 1];
      let c = 0, b = 0;
      for (const j of ids) {
        const r = Math.abs(pearson(A.subarray(j * n, (j + 1) * n), g));
        if (r > cfg.correlation) c++;
        b = Math.max(b, r);
      }
      counts[name].push(c);
      best[name].push(b);
    });
  }
  return { counts, best };
}
