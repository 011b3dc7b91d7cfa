import type { Clock } from '../common/clock.ts';
import type { Disposable } from '../common/disposable.ts';

/** The environment variable of the crash test hook; see scheduleTestCrash. */
export const TEST_CRASH_VARIABLE = 'AXISGUARD_TEST_CRASH';

/**
 * TEST HOOK, not a feature. `AXISGUARD_TEST_CRASH=uncaught@MS` (or `rejection@MS`) makes
 * `axisguard run` fail on purpose MS ms (on the run's clock) after it starts: an exception thrown
 * where nothing catches it, or a promise rejected where nobody handles it. test/service uses it to
 * check the crash path end to end (every axis held, the error in the journal, a non-zero exit).
 * Never set it on a controller. Returns undefined when unset; throws a RangeError when malformed.
 */
export function scheduleTestCrash(value: string | undefined, clock: Clock): Disposable | undefined {
  if (value === undefined || value === '') return undefined;
  const match = /^(uncaught|rejection)@(\d+)$/.exec(value);
  if (!match) throw new RangeError(`${TEST_CRASH_VARIABLE} must be uncaught@MS or rejection@MS, not '${value}'`);
  const kind = match[1];
  return clock.setTimer(() => {
    const error = new Error(
      `${TEST_CRASH_VARIABLE}: deliberate ${kind === 'uncaught' ? 'uncaught exception' : 'unhandled rejection'} (test hook)`,
    );
    // Thrown from a microtask, so that nothing on the way (a timer loop, the virtual clock) can catch it.
    if (kind === 'uncaught') {
      queueMicrotask(() => {
        throw error;
      });
    } else void Promise.reject(error);
  }, Number(match[2]));
}
