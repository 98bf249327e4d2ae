import { seedrandom } from "../deps.ts";

/**
 * A seeded random number generator (Alea from `seedrandom`) with the draws experiments need.
 *
 * Same seed, same sequence, on every machine: tasks, initialisation and data order all draw
 * from an `Rng`, never from `Math.random`.
 *
 * @example
 * ```ts
 * const rng = new Rng(0);
 * const x = rng.normalArray(16); // 16 draws from N(0, 1)
 * ```
 */
export class Rng {
  #next: () => number;
  #spare: number | null = null;

  constructor(seed: number | string) {
    this.#next = seedrandom.alea(String(seed));
  }

  /** Uniform draw in [0, 1). */
  uniform(): number {
    return this.#next();
  }

  /** Uniform draw in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.#next();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.#next() * n);
  }

  /** Standard normal draw (Box–Muller, the second value of each pair cached). */
  normal(): number {
    if (this.#spare !== null) {
      const s = this.#spare;
      this.#spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.#next();
    const v = this.#next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** `n` standard normal draws, scaled by `std`. */
  normalArray(n: number, std = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal() * std;
    return out;
  }

  /** `n` uniform draws in [lo, hi). */
  uniformArray(n: number, lo = 0, hi = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.range(lo, hi);
    return out;
  }

  /** A permutation of 0 … n−1 (Fisher–Yates). */
  permutation(n: number): number[] {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [p[i], p[j]] = [p[j], p[i]];
    }
    return p;
  }

  /** A derived generator, independent of this one's future draws (for sub-streams). */
  fork(label: string | number): Rng {
    return new Rng(`${this.int(2 ** 31)}:${label}`);
  }
}
