/**
 * Module analysis (the paper's appendix): in a 1-input, 1-hidden-layer network the active
 * neurons pair into modules (w, b) / (−w, b′) that each approximate a share of the target; each
 * module's error is what is left after removing its share, and the network's error is the sum of
 * the module errors, which partly cancel.
 *
 * For module m with output f_m(x) = Σ_{j∈m} c_j·act(w_j x + b_j), its share a_m and error e_m
 * come from the least-squares fit f_m ≈ d_m + a_m·y + l_m·x over the points;
 * e_m = f_m − d_m − a_m·y − l_m·x. The linear term absorbs the odd leakage of imperfect pairs
 * (w ≠ −w′), which cancels between modules trivially (the network's own linear part is ≈ 0) and
 * would otherwise dominate every module's error. For an odd target the linear term also takes
 * part of the target — read shares with care there.
 *
 * The cancellation factor κ = ‖Σ e_m‖² / Σ ‖e_m‖² is 1 for uncorrelated module errors, below 1
 * when they cancel, and up to M (the number of modules) when they add up coherently. With M
 * modules of share 1/M each, module MSE ∝ M⁻² and κ ≈ 1 give a total ∝ M⁻¹ — the N⁻¹ law.
 *
 * @module
 */
import { solveLeastSquares } from "../numeric/linalg.ts";
import { ConfigError } from "../util/validate.ts";
import { pearson } from "../numeric/stats.ts";
import { allocationOf } from "./allocation.ts";
import type { AllocationConfig } from "./config.ts";
import { forward, type Mlp } from "./sparse_mlp.ts";
import { netOf, type RunOutcome } from "./train.ts";
import { type ToyTask, toyTask } from "./toy_tasks.ts";

/** One module: its neurons, share of the target, linear leakage, and error. */
export interface NeuronModule {
  neurons: number[];
  share: number;
  linear: number;
  mse: number;
}

/** The module decomposition of one network. */
export interface ModuleAnalysis {
  modules: NeuronModule[];
  /** Σ a_m (≈ 1 when the network fits the target). */
  shareSum: number;
  /** Mean of the modules' MSEs. */
  meanModuleMse: number;
  /** ‖Σ e_m‖² / points: the error the modules leave together. */
  summedErrorMse: number;
  /** κ = ‖Σ e_m‖² / Σ ‖e_m‖². */
  cancellation: number;
  /** Mean pairwise correlation of module errors (NaN with one module). */
  meanErrorCorrelation: number;
  /** Module errors on a grid, for plotting: x, module index, error. */
  curves: { x: number; module: string; error: number }[];
}

/**
 * Pairs active neurons into modules: greedily, the closest pair with opposite input weights
 * (distance |w_i + w_j| + |b_i − b_j|, relative to their scale); left-overs are single-neuron
 * modules.
 *
 * @example
 * ```ts
 * pairNeurons([1, -1.1, 3], [0.5, 0.5, 2]); // [[0, 1], [2]]
 * ```
 */
export function pairNeurons(w: number[], b: number[]): number[][] {
  const left = new Set(w.map((_, i) => i));
  const cand: [number, number, number][] = [];
  for (let i = 0; i < w.length; i++) {
    for (let j = i + 1; j < w.length; j++) {
      if (Math.sign(w[i]) === Math.sign(w[j])) continue;
      const scale = Math.abs(w[i]) + Math.abs(w[j]) + Math.abs(b[i]) + Math.abs(b[j]) + 1e-12;
      cand.push([(Math.abs(w[i] + w[j]) + Math.abs(b[i] - b[j])) / scale, i, j]);
    }
  }
  cand.sort((a, c) => a[0] - c[0]);
  const modules: number[][] = [];
  for (const [, i, j] of cand) {
    if (left.has(i) && left.has(j)) {
      modules.push([i, j]);
      left.delete(i);
      left.delete(j);
    }
  }
  for (const i of left) modules.push([i]);
  return modules;
}

/**
 * Decomposes a trained 1-input, 1-hidden-layer network into modules on a grid of `points`
 * inputs in [−1, 1] (default 201).
 *
 * @example
 * ```ts
 * import { toyTask } from "./mod.ts";
 * import type { Mlp } from "./mod.ts";
 *
 * declare const net: Mlp; // trained on the single task
 * const m = moduleAnalysis(net, toyTask({ kind: "single" }));
 * console.log(m.modules.length, m.cancellation);
 * ```
 */
export function moduleAnalysis(
  net: Mlp,
  task: ToyTask,
  opts: { points?: number; allocation?: Partial<AllocationConfig> } = {},
): ModuleAnalysis {
  if (net.sizes.length !== 3 || net.sizes[0] !== 1 || net.sizes[2] !== 1) {
    throw new ConfigError("net", "a 1-input, 1-hidden-layer, 1-output network", net.sizes);
  }
  const n = opts.points ?? 201;
  const x = Float64Array.from({ length: n }, (_, p) => -1 + (2 * p) / (n - 1));
  const y = Array.from(x, (v) => task.target([v])[0]);
  const ids = allocationOf(net, opts.allocation).active[0];
  const groups = pairNeurons(ids.map((j) => net.W[0][j]), ids.map((j) => net.b[0][j]))
    .map((g) => g.map((i) => ids[i]));
  const A = forward(net, x, n).A[1];
  const cols = [new Float64Array(n).fill(1), Float64Array.from(y), x];
  const errors: Float64Array[] = [];
  const modules: NeuronModule[] = groups.map((g) => {
    const f = new Float64Array(n);
    for (const j of g) for (let p = 0; p < n; p++) f[p] += net.W[1][j] * A[j * n + p];
    const [d, share, linear] = solveLeastSquares(cols, f);
    const e = Float64Array.from(f, (v, p) => v - d - share * y[p] - linear * x[p]);
    errors.push(e);
    return { neurons: g, share, linear, mse: e.reduce((s, v) => s + v * v, 0) / n };
  });
  const sum = new Float64Array(n);
  for (const e of errors) for (let p = 0; p < n; p++) sum[p] += e[p];
  const summedErrorMse = sum.reduce((s, v) => s + v * v, 0) / n;
  const sumOfMse = modules.reduce((s, m) => s + m.mse, 0);
  let corr = 0, pairs = 0;
  for (let a = 0; a < errors.length; a++) {
    for (let c = a + 1; c < errors.length; c++) {
      corr += pearson(errors[a], errors[c]);
      pairs++;
    }
  }
  const step = Math.max(1, Math.floor(n / 50));
  const curves = errors.flatMap((e, m) =>
    Array.from(
      { length: Math.ceil(n / step) },
      (_, q) => ({ x: x[q * step], module: `module ${m + 1}`, error: e[q * step] }),
    )
  );
  return {
    modules,
    shareSum: modules.reduce((s, m) => s + m.share, 0),
    meanModuleMse: modules.length ? sumOfMse / modules.length : NaN,
    summedErrorMse,
    cancellation: sumOfMse > 0 ? summedErrorMse / sumOfMse : NaN,
    meanErrorCorrelation: pairs ? corr / pairs : NaN,
    curves,
  };
}

/**
 * Module analysis of every run of a 1-input, 1-hidden-layer sweep: one row per run with α,
 * modules, the mean module MSE, the MSE of the summed module errors, the network's MSE and κ.
 *
 * @example
 * ```ts
 * import type { ExperimentSummary } from "./mod.ts";
 *
 * declare const summary: ExperimentSummary;
 * const rows = moduleSweep(summary.outcomes);
 * ```
 */
export function moduleSweep(
  outcomes: RunOutcome[],
  opts: { allocation?: Partial<AllocationConfig> } = {},
): {
  alpha: number;
  seed: number;
  modules: number;
  share_sum: number;
  mean_module_mse: number;
  summed_error_mse: number;
  network_mse: number;
  cancellation: number;
}[] {
  return outcomes.filter((o) => o.config.depth === 1 && toyTask(o.config.task).inputs === 1)
    .map((o) => {
      const m = moduleAnalysis(
        netOf(o.config, o.theta),
        toyTask(o.config.task),
        opts,
      );
      return {
        alpha: o.config.alpha,
        seed: o.config.seed,
        modules: m.modules.length,
        share_sum: m.shareSum,
        mean_module_mse: m.meanModuleMse,
        summed_error_mse: m.summedErrorMse,
        network_mse: o.testLoss,
        cancellation: m.cancellation,
      };
    });
}
