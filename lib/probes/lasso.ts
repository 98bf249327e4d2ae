/**
 * Exact Lasso solutions along the regularisation path (LARS with the Lasso modification,
 * Efron et al. 2004), in covariance form: minimise (1/2k)‖y − Xw‖² + α‖w‖₁ (scikit-learn's
 * scaling, no intercept) for several α at once. One path per fit gives every α of a grid
 * exactly, where coordinate descent needs thousands of sweeps for small α when k < D.
 *
 * @module
 */
import { ConfigError } from "../util/validate.ts";
import { choleskyFactorInPlace, choleskySubstituteInPlace } from "../numeric/linalg.ts";

/**
 * A reusable Lasso path solver for `dim` features whose sufficient statistics (XᵀX, Xᵀy)
 * grow one point at a time, so that fits on the first 1, 2, …, k points of a sequence cost
 * no recomputation. No allocation per fit.
 *
 * @example
 * ```ts
 * const path = new LassoPath(2);
 * path.addPoint([1, 0], 1);
 * path.addPoint([0, 1], 2);
 * const ws = [new Float64Array(2)];
 * path.solve([0.1], ws); // ws[0] ≈ [0.8, 1.8]
 * ```
 */
export class LassoPath {
  readonly dim: number;
  #k = 0;
  #S: Float64Array; // Σ x xᵀ
  #t: Float64Array; // Σ x y
  #e: Float64Array; // c − G_{:,A} u
  #c: Float64Array; // Xᵀy / k
  #a: Float64Array; // G_{:,A} v
  #sign: Float64Array;
  #active: Int32Array;
  #inActive: Uint8Array;
  #M: Float64Array;
  #d: Float64Array;
  #v: Float64Array;

  constructor(dim: number) {
    this.dim = dim;
    this.#S = new Float64Array(dim * dim);
    this.#t = new Float64Array(dim);
    this.#e = new Float64Array(dim);
    this.#c = new Float64Array(dim);
    this.#a = new Float64Array(dim);
    this.#sign = new Float64Array(dim);
    this.#active = new Int32Array(dim);
    this.#inActive = new Uint8Array(dim);
    this.#M = new Float64Array(dim * dim);
    this.#d = new Float64Array(dim);
    this.#v = new Float64Array(dim);
  }

  /** Number of points added since the last reset. */
  get count(): number {
    return this.#k;
  }

  /** Forgets all points. */
  reset(): void {
    this.#S.fill(0);
    this.#t.fill(0);
    this.#k = 0;
  }

  /** Adds one (x, y) pair; x is read from `x[offset … offset+dim)`. */
  addPoint(x: ArrayLike<number>, y: number, offset = 0): void {
    const d = this.dim, S = this.#S;
    for (let u = 0; u < d; u++) {
      const xu = x[offset + u];
      this.#t[u] += xu * y;
      for (let v = 0; v < d; v++) S[u * d + v] += xu * x[offset + v];
    }
    this.#k++;
  }

  /**
   * Writes the Lasso solution for each α of `alphas` (sorted descending) into `out[i]`.
   * Zero points: all solutions 0.
   *
   * The path is followed in λ: on an active set A with signs s, w_A(λ) = u − λ·v with
   * G_AA u = c_A and G_AA v = s_A, solved afresh at every change of A, so no error accumulates
   * along the path; the next event is the largest λ' < λ at which an inactive correlation
   * reaches ±λ' (join), an active weight reaches 0 (drop), or λ' = the next α (record).
   */
  solve(alphas: readonly number[], out: Float64Array[]): void {
    const d = this.dim, k = this.#k;
    for (const o of out) o.fill(0);
    if (k === 0) return;
    const inv = 1 / k, S = this.#S, c = this.#c, e = this.#e, a = this.#a;
    const sign = this.#sign, act = this.#active, inA = this.#inActive, M = this.#M;
    const u = this.#d, v = this.#v;
    inA.fill(0);
    let lambda = 0, jmax = -1;
    for (let j = 0; j < d; j++) {
      c[j] = this.#t[j] * inv;
      if (Math.abs(c[j]) > lambda && S[j * d + j] > 0) [lambda, jmax] = [Math.abs(c[j]), j];
    }
    let ai = 0;
    while (ai < alphas.length && alphas[ai] >= lambda) ai++; // solution 0
    if (ai === alphas.length || jmax < 0) return;
    let nA = 0;
    const add = (j: number, sj: number) => {
      act[nA++] = j;
      inA[j] = 1;
      sign[j] = sj;
    };
    add(jmax, c[jmax] >= 0 ? 1 : -1);
    let justDropped = -1;
    for (let step = 0; step < 8 * d + 16 && ai < alphas.length; step++) {
      // u = G_AA⁻¹ c_A, v = G_AA⁻¹ s_A (two solves of one factorisation); e = c − G u, a = G v.
      for (let p = 0; p < nA; p++) {
        for (let q = 0; q < nA; q++) M[p * nA + q] = S[act[p] * d + act[q]] * inv;
        M[p * nA + p] += 1e-12;
        u[p] = c[act[p]];
        v[p] = sign[act[p]];
      }
      choleskyFactorInPlace(M, nA);
      choleskySubstituteInPlace(M, u, nA);
      choleskySubstituteInPlace(M, v, nA);
      for (let j = 0; j < d; j++) {
        let su = 0, sv = 0;
        for (let p = 0; p < nA; p++) {
          const g = S[j * d + act[p]] * inv;
          su += g * u[p];
          sv += g * v[p];
        }
        e[j] = c[j] - su;
        a[j] = sv;
      }
      // The next event: the largest λ' below λ (by a relative margin, so that a variable just
      // added is not dropped at once).
      const ceiling = lambda * (1 - 1e-10);
      let next = alphas[ai], event = -1, join = false, joinSign = 0;
      for (let j = 0; j < d; j++) {
        if (inA[j] || S[j * d + j] <= 0) continue;
        // A variable just dropped sits at ±λ with its old sign: only the other side can rejoin.
        const blockP = j === justDropped && sign[j] > 0, blockM = j === justDropped && sign[j] < 0;
        const lp = !blockP && 1 - a[j] > 1e-12 ? e[j] / (1 - a[j]) : -1; // e + λ'a = +λ'
        const lm = !blockM && 1 + a[j] > 1e-12 ? -e[j] / (1 + a[j]) : -1; // e + λ'a = −λ'
        if (lp > next && lp < ceiling) [next, event, join, joinSign] = [lp, j, true, 1];
        if (lm > next && lm < ceiling) [next, event, join, joinSign] = [lm, j, true, -1];
      }
      for (let p = 0; p < nA; p++) {
        if (v[p] === 0) continue;
        const l = u[p] / v[p];
        if (l > next && l < ceiling) [next, event, join] = [l, p, false];
      }
      lambda = next;
      justDropped = -1;
      if (event < 0) {
        const w = out[ai++];
        for (let p = 0; p < nA; p++) w[act[p]] = u[p] - lambda * v[p];
      } else if (join) {
        add(event, joinSign);
      } else {
        const j = act[event];
        inA[j] = 0;
        act[event] = act[--nA];
        justDropped = j;
      }
    }
    // Step cap reached (degenerate data): the remaining α keep the last recorded solution.
    for (; ai < alphas.length; ai++) if (ai > 0) out[ai].set(out[ai - 1]);
  }
}

/**
 * Fits the Lasso (objective (1/2n)‖y − Xw‖² + α‖w‖₁, no intercept) for each α, exactly, via
 * {@link LassoPath}. `xs` is [n, dim] row-major; returns one weight vector per α, in the order
 * given.
 *
 * @example
 * ```ts
 * const [w] = fitLasso(new Float64Array([1, 0, 0, 1]), [1, 2], { dim: 2, alphas: [0.1] });
 * // w ≈ [0.8, 1.8]
 * ```
 */
export function fitLasso(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  opts: { dim: number; alphas: readonly number[] },
): Float64Array[] {
  const { dim, alphas } = opts;
  if (!Number.isInteger(dim) || dim < 1 || xs.length !== ys.length * dim) {
    throw new ConfigError("dim", `a positive integer with xs.length = ys.length·dim`, dim);
  }
  if (!alphas.every((x) => Number.isFinite(x) && x >= 0)) {
    throw new ConfigError("alphas", "finite numbers >= 0", alphas);
  }
  const path = new LassoPath(dim);
  for (let i = 0; i < ys.length; i++) path.addPoint(xs, ys[i], i * dim);
  const order = alphas.map((_, i) => i).sort((i, j) => alphas[j] - alphas[i]);
  const sorted = order.map((i) => alphas[i]);
  const out = alphas.map(() => new Float64Array(dim));
  path.solve(sorted, order.map((i) => out[i]));
  return out;
}
