/**
 * Small dense float64 linear algebra for the probes (systems of at most a few dozen unknowns,
 * solved millions of times: no allocation, no library).
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
 * choleskyFactorInPlace(A, 2);
 * choleskySubstituteInPlace(A, b, 2);
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
