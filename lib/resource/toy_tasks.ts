/**
 * The resource model's toy problems: the single task y = x², two parallel tasks (x1², x2²)
 * weighted by β, the sequential task √((x1−x2)² + (x3−x4)²), and the appendix's ten 1-D
 * targets. Each task knows its inputs, outputs, per-output loss weights, which input/output
 * pair forms each subtask (parallel task), and its intermediate quantities (sequential task).
 *
 * @module
 */
import type { Rng } from "../util/rng.ts";
import { ConfigError } from "../util/validate.ts";

/** The name of one appendix target. */
export type TargetName =
  | "x^2"
  | "x^3"
  | "x^4"
  | "sin(pi x)"
  | "cos(pi x)"
  | "exp(x)"
  | "sin^2(pi x)"
  | "exp(x^2)"
  | "tanh(x)"
  | "max(0,x)";

/** The appendix's ten 1-D targets, in the paper's order. */
export const TARGETS: Readonly<Record<TargetName, (x: number) => number>> = {
  "x^2": (x: number) => x * x,
  "x^3": (x: number) => x * x * x,
  "x^4": (x: number) => x * x * x * x,
  "sin(pi x)": (x: number) => Math.sin(Math.PI * x),
  "cos(pi x)": (x: number) => Math.cos(Math.PI * x),
  "exp(x)": (x: number) => Math.exp(x),
  "sin^2(pi x)": (x: number) => Math.sin(Math.PI * x) ** 2,
  "exp(x^2)": (x: number) => Math.exp(x * x),
  "tanh(x)": (x: number) => Math.tanh(x),
  "max(0,x)": (x: number) => Math.max(0, x),
};

/** The task kinds. */
export const TASK_KINDS = ["single", "parallel", "sequential", "function"] as const;

/**
 * Which toy problem: `single` (x²), `parallel` (x1², x2² with loss β·MSE1 + (1−β)·MSE2),
 * `sequential` (√((x1−x2)² + (x3−x4)²)), or `function` (one appendix target, `fn`).
 */
export interface ToyTaskSpec {
  kind: typeof TASK_KINDS[number];
  /** Parallel task only: the weight of subtask 1 (paper: 0.5 … 0.95). */
  beta?: number;
  /** Function task only: the target. */
  fn?: TargetName;
}

/** A task resolved to data-independent facts. */
export interface ToyTask {
  name: string;
  inputs: number;
  outputs: number;
  /** Loss weight of each output's MSE. */
  lossWeights: number[];
  /** The targets of one point. */
  target: (x: number[]) => number[];
  /** Subtasks as (input indices, output index) pairs (parallel task: two). */
  subtasks: { name: string; inputs: number[]; output: number }[];
  /** Named intermediate quantities of one point (sequential task: g and its two halves). */
  intermediates: Record<string, (x: number[]) => number>;
}

/** Data sampled for a task, feature-major (`x[i·n + p]`). */
export interface ToyTaskData {
  n: number;
  x: Float64Array;
  y: Float64Array;
}

/**
 * Resolves a task spec, validating it (a bad `kind`, `beta` or `fn` throws `ConfigError`).
 *
 * @example
 * ```ts
 * const t = toyTask({ kind: "parallel", beta: 0.75 });
 * console.log(t.lossWeights); // [0.75, 0.25]
 * ```
 */
export function toyTask(spec: ToyTaskSpec): ToyTask {
  const sq = (v: number) => v * v;
  switch (spec.kind) {
    case "single":
      return {
        name: "x^2",
        inputs: 1,
        outputs: 1,
        lossWeights: [1],
        target: (x) => [x[0] * x[0]],
        subtasks: [{ name: "x^2", inputs: [0], output: 0 }],
        intermediates: {},
      };
    case "parallel": {
      const beta = spec.beta;
      if (typeof beta !== "number" || !(beta > 0 && beta < 1)) {
        throw new ConfigError("task.beta", "a number in (0, 1)", beta);
      }
      return {
        name: `parallel(beta=${beta})`,
        inputs: 2,
        outputs: 2,
        lossWeights: [beta, 1 - beta],
        target: (x) => [x[0] * x[0], x[1] * x[1]],
        subtasks: [{ name: "x1^2", inputs: [0], output: 0 }, {
          name: "x2^2",
          inputs: [1],
          output: 1,
        }],
        intermediates: {},
      };
    }
    case "sequential": {
      const g = (x: number[]) => sq(x[0] - x[1]) + sq(x[2] - x[3]);
      return {
        name: "sqrt((x1-x2)^2+(x3-x4)^2)",
        inputs: 4,
        outputs: 1,
        lossWeights: [1],
        target: (x) => [Math.sqrt(g(x))],
        subtasks: [{ name: "y", inputs: [0, 1, 2, 3], output: 0 }],
        intermediates: {
          g,
          "(x1-x2)^2": (x) => sq(x[0] - x[1]),
          "(x3-x4)^2": (x) => sq(x[2] - x[3]),
        },
      };
    }
    case "function": {
      const fn = spec.fn;
      if (!fn || !(fn in TARGETS)) {
        throw new ConfigError("task.fn", Object.keys(TARGETS).join(", "), fn);
      }
      const f = TARGETS[fn];
      return {
        name: fn,
        inputs: 1,
        outputs: 1,
        lossWeights: [1],
        target: (x) => [f(x[0])],
        subtasks: [{ name: fn, inputs: [0], output: 0 }],
        intermediates: {},
      };
    }
    default:
      throw new ConfigError("task.kind", TASK_KINDS.join(", "), spec.kind);
  }
}

/**
 * Samples `n` points x ~ U[−1, 1]^inputs and their targets.
 *
 * @example
 * ```ts
 * import { Rng } from "toolkit";
 *
 * const d = sampleToyTask(toyTask({ kind: "single" }), 1000, new Rng(0));
 * ```
 */
export function sampleToyTask(task: ToyTask, n: number, rng: Rng): ToyTaskData {
  const x = new Float64Array(task.inputs * n), y = new Float64Array(task.outputs * n);
  const pt = new Array<number>(task.inputs);
  for (let p = 0; p < n; p++) {
    for (let i = 0; i < task.inputs; i++) x[i * n + p] = pt[i] = rng.range(-1, 1);
    const t = task.target(pt);
    for (let k = 0; k < task.outputs; k++) y[k * n + p] = t[k];
  }
  return { n, x, y };
}

/** One point of feature-major data, as an array. */
export function pointAt(data: ToyTaskData, inputs: number, p: number): number[] {
  return Array.from({ length: inputs }, (_, i) => data.x[i * data.n + p]);
}
