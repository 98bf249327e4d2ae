import { choleskySolveInPlace, solveLeastSquares } from "../../lib/numeric/linalg.ts";
import { assertAllClose } from "../assert.ts";

Deno.test("solveLeastSquares: exact fit, and a dependent column gets 0", () => {
  assertAllClose(solveLeastSquares([[1, 1, 1], [0, 1, 2]], [1, 3, 5]), [1, 2], 1e-12);
  // the third column is twice the second: it gets 0 and the second carries the fit
  const c = solveLeastSquares([[1, 1, 1], [0, 1, 2], [0, 2, 4]], [1, 3, 5]);
  assertAllClose(c, [1, 2, 0], 1e-12);
});

Deno.test("choleskySolveInPlace and solveLeastSquares agree on a well-posed problem", () => {
  const cols = [[1, 1, 1, 1], [0.5, 1, 2, 3]], f = [2, 2.4, 3.1, 4.2];
  const A = new Float64Array(4), b = new Float64Array(2);
  for (let r = 0; r < 2; r++) {
    for (let p = 0; p < 4; p++) b[r] += cols[r][p] * f[p];
    for (let c = 0; c < 2; c++) for (let p = 0; p < 4; p++) A[r * 2 + c] += cols[r][p] * cols[c][p];
  }
  choleskySolveInPlace(A, b, 2);
  assertAllClose(solveLeastSquares(cols, f), Array.from(b), 1e-10);
});
