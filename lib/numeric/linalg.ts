/**
 * Small dense float64 linear algebra (systems of at most a few dozen unknowns, solved millions
 * of times by the probes: no allocation, no library): Cholesky for symmetric positive definite
 * systems, and a pivoted least-squares solve that tolerates dependent columns.
 *
 * @module
 */

/**
 * Overwrites the lower triangle of A (n×n row-major, symmetric positive definite) with its
 * Cholesky factor L (A = L Lᵀ). A pivot ≤ 0 (numerically singular) is clamped to 1e-300 so
 * that nothing is NaN; callers add a small ridge to the diagonal to stay regular.
 *
 * @example
 * ```ts
 * const A = new Float64Array([4, 2, 2, 3]);
 * choleskyFactorInPlace(A, 2); // lower triangle: [2, ·, 1, √2]
 * ```
 */
export function choleskyFactorInPlace(A: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) {
    let d = A[j * n + j];
    for (let p = 0; p < j; p++) d -= A[j * n + p] * A[j * n + p];
    const ljj = Math.sqrt(d > 1e-300 ? d : 1e-300);
    A[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = A[i * n + j];
      for (let p = 0; p < j; p++) s -= A[i * n + p] * A[j * n + p];
      A[i * n + j] = s / ljj;
    }
  }
}

/**
 * Solves L Lᵀ x = b in place (b overwritten by x) for a factor from
 * {@link choleskyFactorInPlace}; call once per right-hand side.
 *
 * @example
 * ```ts
 * const A = new Float64Array([4, 2, 2, 3]), b = new Float64Array([2, 1]);
 * choleskyFactorInPlace(A, 2);
 * choleskySubstituteInPlace(A, b, 2); // b = [0.5, 0]
 * ```
 */
export function choleskySubstituteInPlace(L: Float64Array, b: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let p = 0; p < i; p++) s -= L[i * n + p] * b[p];
    b[i] = s / L[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let p = i + 1; p < n; p++) s -= L[p * n + i] * b[p];
    b[i] = s / L[i * n + i];
  }
}

/**
 * Solves A x = b in place (A symmetric positive definite, n×n row-major, overwritten by its
 * Cholesky factor; b overwritten by x).
 *
 * @example
 * ```ts
 * const A = new Float64Array([4, 2, 2, 3]), b = new Float64Array([2, 1]);
 * choleskySolveInPlace(A, b, 2); // b = [0.5, 0]
 * ```
 */
export function choleskySolveInPlace(A: Float64Array, b: Float64Array, n: number): void {
  choleskyFactorInPlace(A, n);
  choleskySubstituteInPlace(A, b, n);
}

/**
 * Least squares f ≈ Σ_k coef_k·cols_k through the normal equations, by Gauss–Jordan elimination
 * with partial pivoting: a column that depends on earlier ones gets coefficient 0 (where
 * {@link choleskySolveInPlace} needs a positive definite system). For a few columns.
 *
 * @example
 * ```ts
 * solveLeastSquares([[1, 1, 1], [0, 1, 2]], [1, 3, 5]); // [1, 2]
 * ```
 */
export function solveLeastSquares(cols: ArrayLike<number>[], f: ArrayLike<number>): number[] {
  const k = cols.length, n = f.length;
  const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    let s = 0;
    for (let p = 0; p < n; p++) s += a[p] * b[p];
    return s;
  };
  const M = cols.map((a) => [...cols.map((b) => dot(a, b)), dot(a, f)]);
  const pivotOf: number[] = [];
  for (let c = 0, r = 0; c < k && r < k; c++) {
    let best = r;
    for (let i = r + 1; i < k; i++) if (Math.abs(M[i][c]) > Math.abs(M[best][c])) best = i;
    if (Math.abs(M[best][c]) < 1e-12 * Math.max(1, Math.abs(M[c][c]))) continue;
    [M[r], M[best]] = [M[best], M[r]];
    for (let i = 0; i < k; i++) {
      if (i === r) continue;
      const q = M[i][c] / M[r][c];
      for (let j = c; j <= k; j++) M[i][j] -= q * M[r][j];
    }
    pivotOf[c] = r++;
  }
  return cols.map((_, c) => pivotOf[c] === undefined ? 0 : M[pivotOf[c]][k] / M[pivotOf[c]][c]);
}
