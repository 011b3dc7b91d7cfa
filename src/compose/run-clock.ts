import { RealClock, type Clock } from '../common/clock.ts';
import { VirtualClock } from '../common/virtual-clock.ts';

/**
 * How often the keeper below wakes a run on real time, ms: only so that Node does not exit while
 * the run waits for its end (a waiting promise holds no handle of its own).
 */
const KEEPER_MS = 3_600_000;

/** The run's clock: virtual (as fast as the timers allow) or real. */
export function runClock(virtual: boolean): Clock {
  return virtual ? new VirtualClock() : new RealClock();
}

/**
 * Runs the clock until `done`: virtual time as fast as the timers allow. Real time waits for
 * `ended`, which settles when `done` turns true: no timer polls for it, as a check every few ms
 * would wake the process for nothing (CPU on a controller), and a SIGTERM reaches the holds at once.
 */
export async function runClockUntil(clock: Clock, done: () => boolean, ended: Promise<void>): Promise<void> {
  if (clock instanceof VirtualClock) {
    await clock.runUntil(done);
    return;
  }
  let keeper = clock.setTimer(function rearm() {
    keeper = clock.setTimer(rearm, KEEPER_MS);
  }, KEEPER_MS);
  try {
    await ended;
  } finally {
    keeper.dispose();
  }
}
