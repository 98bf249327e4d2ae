/**
 * Shards of a sweep: which process (or Slurm array task) trains which cell. Cells are dealt
 * largest first to the least-loaded shard, so shards take about equally long; the dealing is a
 * pure function of the cells' weights, so every process (and the submitting one) agrees on it.
 *
 * @module
 */
import { ConfigError } from "../util/validate.ts";

/** Shard `index` (1-based) of `count`. */
export interface ShardSpec {
  index: number;
  count: number;
}

/**
 * Parses `i/n` (e.g. the `--shard` flag), failing with a {@link ConfigError} naming `field`.
 *
 * @example
 * ```ts
 * parseShard("2/4"); // { index: 2, count: 4 }
 * ```
 */
export function parseShard(value: string, field = "shard"): ShardSpec {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  if (!m) throw new ConfigError(field, "i/n, e.g. 1/2", value);
  const shard = { index: Number(m[1]), count: Number(m[2]) };
  checkShard(shard, field);
  return shard;
}

/** Throws a {@link ConfigError} unless 1 <= index <= count. */
function checkShard({ index, count }: ShardSpec, field: string) {
  if (!Number.isInteger(count) || count < 1) {
    throw new ConfigError(field, "i/n with n >= 1", `${index}/${count}`);
  }
  if (!Number.isInteger(index) || index < 1 || index > count) {
    throw new ConfigError(field, `i/n with 1 <= i <= n = ${count}`, `${index}/${count}`);
  }
}

/**
 * The shard (1-based) of each cell when `weights.length` cells are dealt to `count` shards:
 * largest weight first, ties in grid order, each to the least-loaded shard (lowest index on ties).
 *
 * @example
 * ```ts
 * dealShards([10, 1, 5, 5], 2); // [1, 1, 2, 2]
 * ```
 */
export function dealShards(weights: readonly number[], count: number): number[] {
  checkShard({ index: 1, count }, "shard");
  const load = new Array(count).fill(0);
  const owner = new Array<number>(weights.length);
  const order = weights.map((_, i) => i).sort((a, b) => weights[b] - weights[a] || a - b);
  for (const i of order) {
    const k = load.indexOf(Math.min(...load));
    owner[i] = k + 1;
    load[k] += weights[i];
  }
  return owner;
}

/**
 * Which cells a shard trains (a mask in grid order); all of them without a shard.
 *
 * @example
 * ```ts
 * shardMask([10, 1, 5, 5], { index: 1, count: 2 }); // [true, true, false, false]
 * ```
 */
export function shardMask(weights: readonly number[], shard?: ShardSpec): boolean[] {
  if (!shard) return weights.map(() => true);
  checkShard(shard, "shard");
  return dealShards(weights, shard.count).map((k) => k === shard.index);
}
