/**
 * The `@std/assert` names the tests use, over Deno's built-in `node:assert/strict`.
 *
 * JSR (where `@std/assert` lives) is not reachable on the build machines; a user who can reach
 * it can swap this module for `jsr:@std/assert` with one import-map line.
 */
import assert from "node:assert/strict";

export function assertEquals<T>(actual: T, expected: T, msg?: string) {
  assert.deepStrictEqual(actual, expected, msg);
}
export function assertNotEquals<T>(actual: T, expected: T, msg?: string) {
  assert.notDeepStrictEqual(actual, expected, msg);
}
export function assert_(cond: unknown, msg?: string): asserts cond {
  assert.ok(cond, msg);
}
export { assert_ as assert };
export function assertAlmostEquals(actual: number, expected: number, tol = 1e-7, msg?: string) {
  const d = Math.abs(actual - expected);
  if (!(d <= tol)) {
    throw new assert.AssertionError({
      message: msg ?? `expected ${actual} to be within ${tol} of ${expected} (diff ${d})`,
    });
  }
}
/** Every element of `actual` within `tol` (absolute) of `expected`. */
export function assertAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol = 1e-5,
  msg?: string,
) {
  assert.equal(actual.length, expected.length, `length ${actual.length} vs ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= tol)) {
      throw new assert.AssertionError({
        message: `${msg ?? "arrays differ"} at ${i}: ${actual[i]} vs ${expected[i]} (tol ${tol})`,
      });
    }
  }
}
export function assertThrows(
  fn: () => unknown,
  errorClass?: new (...a: never[]) => Error,
  msgIncludes?: string,
) {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  if (thrown === undefined) throw new assert.AssertionError({ message: "expected a throw" });
  if (errorClass && !(thrown instanceof errorClass)) {
    throw new assert.AssertionError({ message: `expected ${errorClass.name}, got ${thrown}` });
  }
  if (msgIncludes && !String((thrown as Error).message).includes(msgIncludes)) {
    throw new assert.AssertionError({
      message: `error "${(thrown as Error).message}" lacks "${msgIncludes}"`,
    });
  }
  return thrown as Error;
}
export async function assertRejects(fn: () => Promise<unknown>, msgIncludes?: string) {
  let thrown: unknown;
  try {
    await fn();
  } catch (e) {
    thrown = e;
  }
  if (thrown === undefined) throw new assert.AssertionError({ message: "expected a rejection" });
  if (msgIncludes && !String((thrown as Error).message).includes(msgIncludes)) {
    throw new assert.AssertionError({ message: `error "${thrown}" lacks "${msgIncludes}"` });
  }
  return thrown as Error;
}
