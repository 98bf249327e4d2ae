import type { RegressionBatch } from "../../lib/tasks/regression_batch.ts";

/** z = wᵀx for every point of a batch, [batch, nPoints], in float64 (a test helper). */
export function linearTargets(b: RegressionBatch): Float64Array {
  const out = new Float64Array(b.batch * b.nPoints);
  for (let s = 0; s < b.batch; s++) {
    for (let p = 0; p < b.nPoints; p++) {
      let z = 0;
      for (let j = 0; j < b.dim; j++) {
        z += b.ws[s * b.dim + j] * b.xs[(s * b.nPoints + p) * b.dim + j];
      }
      out[s * b.nPoints + p] = z;
    }
  }
  return out;
}
