/**
 * Runs `call` expecting it to throw an error that `is` recognises, and returns that error. Anything
 * else it throws propagates; returning without a throw fails the test with `expected`.
 */
export function thrownBy<E>(call: () => unknown, is: (e: unknown) => e is E, expected: string): E {
  try {
    call();
  } catch (error) {
    if (is(error)) return error;
    throw error;
  }
  throw new Error(expected);
}
