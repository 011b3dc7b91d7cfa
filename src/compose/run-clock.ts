import { RealClock, type Clock } from '../common/clock.ts';
import { VirtualClock } from '../common/virtual-clock.ts';

/** How often a run on real time checks whether it should end, ms. */
const END_CHECK_MS = 25;

/** The run's clock: virtual (as fast as the timers allow) or real. */
export function runClock(virtual: boolean): Clock {
  return virtual ? new VirtualClock() : new RealClock();
}

/** Runs the clock until `done`: virtual time as fast as the timers allow; real time just waits, checking now and then. */
export async function runClockUntil(clock: Clock, done: () => boolean): Promise<void> {
  if (clock instanceof VirtualClock) {
    await clock.runUntil(done);
    return;
  }
  while (!done()) await clock.sleep(END_CHECK_MS);
}
