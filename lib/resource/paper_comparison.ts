/**
 * "Ours vs the paper": comparison rows for whatever experiments were run, and the table of
 * choices made where the paper is silent.
 *
 * @module
 */
import type { Row } from "../plot/specs.ts";
import { compare, type Comparison } from "../util/report.ts";
import type { ChinchillaLink } from "./chinchilla_link.ts";
import type { PaperValues } from "./paper_values.ts";
import type { ParityResult } from "./sparse_parity.ts";
import type { ExperimentSummary } from "./summaries.ts";

/** Whatever has been run; missing parts give no rows. */
export interface ExperimentResults {
  single?: ExperimentSummary;
  parallel?: ExperimentSummary;
  sequential?: ExperimentSummary;
  functions?: ExperimentSummary;
  width?: ExperimentSummary;
  chinchilla?: ChinchillaLink;
  parity?: ParityResult;
}

const fmtCi = (ci: [number, number]) =>
  Number.isFinite(ci[0]) ? `95% CI [${ci[0].toFixed(2)}, ${ci[1].toFixed(2)}]` : "no CI";
const inCi = (v: number, ci: [number, number]) => ci[0] <= v && v <= ci[1];

/** An MSE against the paper's, on a ratio scale: match within ×1.5, close within ×3. */
function compareMse(
  quantity: string,
  ours: number,
  paper: number,
  opts: { note?: string } = {},
): Comparison {
  const f = Math.max(ours / paper, paper / ours);
  return {
    quantity,
    ours: +ours.toPrecision(3),
    paper,
    verdict: f <= 1.5 ? "match" : f <= 3 ? "close" : "differs",
    note: `×${f.toFixed(2)}${ours < paper ? " lower" : " higher"}${
      opts.note ? `; ${opts.note}` : ""
    }`,
  };
}

function slopeRow(
  what: string,
  s: ExperimentSummary,
  paper: number,
  note = "",
): Comparison {
  const c = compare(what, s.slope, paper, {
    rel: 0.15,
    note: `${fmtCi(s.slopeCi)}${inCi(paper, s.slopeCi) ? " (contains the paper's)" : ""}${note}`,
  });
  return c;
}

/**
 * Comparison rows (ours, paper, verdict) for every experiment present. Tolerances: neuron counts
 * and ratios 25% relative, MSE within a factor 1.5 (match) or 3 (close) — they are read off
 * log-scale plots and span decades — slopes 15%, Chinchilla slopes 1%.
 *
 * @example
 * ```ts
 * import { paperValues } from "./mod.ts";
 * import type { ExperimentSummary } from "./mod.ts";
 *
 * declare const single: ExperimentSummary;
 * const rows = paperComparisons({ single }, await paperValues());
 * ```
 */
export function paperComparisons(
  r: ExperimentResults,
  paper: PaperValues,
): Comparison[] {
  const out: Comparison[] = [
    ...(r.single ? singleComparisons(r.single, paper) : []),
    ...(r.parallel ? parallelComparisons(r.parallel, paper) : []),
    ...(r.sequential ? sequentialComparisons(r.sequential, paper) : []),
    ...(r.functions ? functionsComparisons(r.functions, paper) : []),
    ...(r.chinchilla ? chinchillaComparisons(r.chinchilla, paper) : []),
    ...(r.width ? widthComparisons(r.width) : []),
    ...(r.parity ? parityComparisons(r.parity) : []),
  ];
  // Every row carries a note, so tables built from the first row's keys show the column.
  return out.map((c) => ({ ...c, note: c.note ?? "" }));
}

/** Single task: allocated neurons and MSE at the paper's α, and the slope. */
function singleComparisons(
  single: ExperimentSummary,
  paper: PaperValues,
): Comparison[] {
  const out: Comparison[] = [];
  const s = single.series[0];
  paper.single.alphas.forEach((a, i) => {
    const j = s.x.indexOf(a);
    if (j < 0) return;
    out.push(
      compare(`single: allocated neurons at α=${a}`, s.neurons[j], paper.single.neurons[i], {
        rel: 0.25,
      }),
    );
    out.push(compareMse(`single: MSE at α=${a}`, s.mse[j], paper.single.mse[i]));
  });
  out.push(
    slopeRow(
      "single: slope of log MSE vs log N",
      single,
      paper.single.slope_claimed,
      "; the paper's digitised points give −1.21",
    ),
  );
  return out;
}

/** Parallel tasks: the neuron ratio N1/N2 per β, and the slope. */
function parallelComparisons(
  parallel: ExperimentSummary,
  paper: PaperValues,
): Comparison[] {
  const out: Comparison[] = [];
  for (const [i, beta] of paper.parallel.betas.entries()) {
    const g = parallel.ratios.filter((x) => x.beta === beta);
    if (!g.length) continue;
    const mean = (k: string) => g.reduce((s, x) => s + (x[k] as number), 0) / g.length;
    out.push(
      compare(
        `parallel: N1/N2 at β=${beta} (mean over α)`,
        mean("neuron_ratio"),
        paper.parallel.neuron_ratio[i],
        {
          rel: 0.25,
          note: `MSE2/MSE1 ${mean("inverse_mse_ratio").toFixed(2)}; √(β/(1−β)) = ${
            Math.sqrt(beta / (1 - beta)).toFixed(2)
          }`,
        },
      ),
    );
  }
  out.push(
    slopeRow(
      "parallel: slope of task loss vs total N (mean over β)",
      parallel,
      paper.parallel.slope_claimed,
    ),
  );
  return out;
}

/** Sequential task: neurons and MSE at the first and last α, the slope, the g(x) neurons. */
function sequentialComparisons(
  sequential: ExperimentSummary,
  paper: PaperValues,
): Comparison[] {
  const out: Comparison[] = [];
  const seq = sequential, p = paper.sequential;
  const fresh = seq.outcomes.some((o) => o.config.freshSamples === true);
  const ends: [number, number, number][] = [
    [p.alphas[0], p.neurons_first, p.mse_first],
    [p.alphas[p.alphas.length - 1], p.neurons_last, p.mse_last],
  ];
  for (const [alpha, neurons, mse] of ends) {
    const at = seq.rows.filter((x) => x.alpha === alpha);
    if (!at.length) continue;
    const mean = (k: string) => at.reduce((t, x) => t + (x[k] as number), 0) / at.length;
    out.push(
      compare(`sequential: total neurons at α=${alpha}`, mean("neurons"), neurons, { rel: 0.25 }),
    );
    out.push(compareMse(`sequential: held-out MSE at α=${alpha}`, mean("mse"), mse));
    out.push(compareMse(`sequential: training MSE at α=${alpha}`, mean("train_mse"), mse, {
      note: fresh
        ? "fresh batch every step: training MSE on the last step's batch"
        : "4-D inputs, few fixed points: the train/test gap is large; the paper does not say which it plots",
    }));
  }
  const gaps = seq.rows.map((x) => x.mse / (x.train_mse as number));
  const worst = Math.max(...gaps.map((g) => Math.max(g, 1 / g)));
  out.push({
    quantity: "sequential: held-out / training MSE, worst over α",
    ours: +Math.max(...gaps).toFixed(2),
    paper: "≈ 1 (issue 19: within 20%)",
    verdict: worst <= 1.2 ? "match" : worst <= 2 ? "close" : "differs",
    note: `${fresh ? "fresh batch every step" : "fixed training set"}; per α: ${
      gaps.map((g) => g.toFixed(2)).join(", ")
    }`,
  });
  out.push(
    slopeRow(`sequential: slope for N ≥ ${p.slope_min_neurons}`, sequential, p.slope_claimed),
  );
  const g = sequential.rows.map((x) => Number(x.g_layer3 ?? 0));
  out.push({
    quantity: "sequential: layer-3 neurons with abs(r) > 0.99 with g(x), smallest → largest α",
    ours: `${g[0]} → ${g[g.length - 1]}`,
    paper: "some, growing with α",
    verdict: g[g.length - 1] > 0 && g[g.length - 1] >= g[0] ? "match" : "differs",
  });
  return out;
}

/** Ten targets: the mean slope, and which depth-1 targets stay flat. */
function functionsComparisons(
  functions: ExperimentSummary,
  paper: PaperValues,
): Comparison[] {
  const out: Comparison[] = [];
  out.push(
    slopeRow(
      "functions: mean slope over targets and depths",
      functions,
      paper.functions.slope_claimed,
    ),
  );
  const d1 = functions.series.filter((s) => s.label.endsWith("depth 1"));
  if (d1.length) {
    const flat = d1.filter((s) => !(s.slope.slope < -0.5)).map((s) =>
      s.label.replace(" depth 1", "")
    );
    const expected = paper.functions.depth1_fails.filter((f) =>
      d1.some((s) => s.label.startsWith(f + " "))
    );
    const agree = expected.filter((f) => flat.includes(f)).length;
    out.push({
      quantity: "functions: depth-1 targets whose slope is shallower than −0.5",
      ours: flat.join(", ") || "none",
      paper: expected.join(", ") || "(none of the run targets)",
      verdict: agree === expected.length && flat.length === expected.length
        ? "match"
        : agree > 0
        ? "close"
        : "differs",
    });
  }
  return out;
}

/** Chinchilla shapes: the width and width·depth slopes, and the loss exponents they imply. */
function chinchillaComparisons(
  chinchilla: ChinchillaLink,
  paper: PaperValues,
): Comparison[] {
  const out: Comparison[] = [];
  const c = chinchilla, p = paper.chinchilla;
  out.push(
    compare("Chinchilla: slope of d_model vs params", c.widthSlope, p.width_slope, { rel: 0.01 }),
  );
  out.push(
    compare(
      "Chinchilla: slope of d_model·n_layers vs params",
      c.widthDepthSlope,
      p.width_depth_slope,
      { rel: 0.01 },
    ),
  );
  out.push(
    compare(
      "implied loss exponent (ℓ ∝ 1/width) vs Chinchilla's α",
      c.impliedFromWidth,
      p.chinchilla_alpha,
      {
        rel: 0.05,
        note: `idealised depth ∝ width: ${p.idealised.toFixed(3)}`,
      },
    ),
  );
  out.push(
    compare(
      "implied loss exponent (ℓ ∝ 1/(width·depth)) vs Chinchilla's α",
      c.impliedFromWidthDepth,
      p.chinchilla_alpha,
      { rel: 0.05 },
    ),
  );
  return out;
}

/** Beyond the paper: the no-penalty width sweep. */
function widthComparisons(width: ExperimentSummary): Comparison[] {
  const out: Comparison[] = [];
  out.push({
    quantity: "beyond: no-penalty width sweep, slope of MSE vs width (mean over tasks)",
    ours: +width.slope.toFixed(2),
    paper: "spec: faster than N⁻¹, then a floor near 1e-6",
    verdict: "n/a",
    note: fmtCi(width.slopeCi),
  });
  return out;
}

/** Beyond the paper: sparse parity against the quantization model. */
function parityComparisons(parity: ParityResult): Comparison[] {
  const out: Comparison[] = [];
  out.push(
    compare(
      "beyond: sparse parity, slope of loss vs width (quantization model: −zipf)",
      parity.slope.slope,
      parity.predicted,
      {
        rel: 0.25,
        note: `${fmtCi(parity.slope.ci)}; learned subtasks ∝ width^${
          parity.learnedSlope.toFixed(2)
        }`,
      },
    ),
  );
  return out;
}

/**
 * The choices made where the paper is silent (what, ours, why), for the notebook and report.
 *
 * @example
 * ```ts
 * import { showTable } from "toolkit";
 *
 * await showTable(silentChoices());
 * ```
 */
export function silentChoices(): Row[] {
  return [
    {
      choice: "activation",
      ours: "SiLU",
      why: "the only activation whose 2-neuron error profile matches the paper's (spec)",
    },
    {
      choice: "width",
      ours:
        "100 (1 hidden layer); sequential 4 × 24 (cpu) / 4 × 50 (paper preset); appendix 20 (cpu) / 40 (paper preset)",
      why:
        "the paper's plots never show more than ~60 allocated neurons; deeper nets narrower for CPU time",
    },
    {
      choice: "data",
      ours:
        "x ~ U[−1,1]; 1,000 fixed training points (cpu preset 500, appendix 200); sequential task: a fresh batch of 300 (cpu) every step; MSE on 1,000 held-out points",
      why:
        "paper silent; MSE is a mean, so the α·MSE vs λ·L1 balance does not depend on the count; 1-D/2-D tasks: train/test gap < 3%; 300 fixed points in 4-D were overfitted (held-out 5–54× training MSE)",
    },
    {
      choice: "optimiser",
      ours: "full-batch Adam, lr 1e-3, 20,000 steps (appendix cpu preset 12,000)",
      why:
        "spec calibration; 10,000 steps (even at lr 2e-3) left 23–27 neurons at α = 64 where 20,000 leave 17–19",
    },
    {
      choice: "penalty",
      ours: "λ = 3e-4 · (Σ abs(W) + Σ abs(b_hidden)), output bias free",
      why: "spec calibration; without the bias term the loss falls faster than N⁻¹ to a floor",
    },
    {
      choice: "allocation rule",
      ours: "max abs(incoming weight) > 1e-3 and max abs(outgoing weight) > 1e-3",
      why: "the paper's wording; threshold and rule are config fields",
    },
    {
      choice: "subtask assignment",
      ours: "argmax over subtasks of abs(w_in)·abs(w_out)",
      why: "paper: a neuron belongs to the subtask whose input/output it connects",
    },
    {
      choice: "intermediate g(x)",
      ours: "(x1−x2)² + (x3−x4)², abs(Pearson r) > 0.99 on held-out points",
      why: "the quantity under the square root",
    },
    {
      choice: "modules",
      ours: "greedy pairs of opposite input weight; share by least squares",
      why: "the paper shows ± pairs; a share/error split makes 'errors partly cancel' measurable",
    },
    {
      choice: "slope CI",
      ours: "t-interval over seeds; bootstrap over points with one seed",
      why: "the paper gives no intervals",
    },
    {
      choice: "precision",
      ours: "float64, hand-written forward/backward and Adam",
      why: "no float32 floor; faster than tfjs at this size (see sparse_mlp.ts)",
    },
  ];
}
