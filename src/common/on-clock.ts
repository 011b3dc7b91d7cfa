import type { Clock } from './clock.ts';
import { VirtualClock } from './virtual-clock.ts';

/**
 * Awaits `work`. On a VirtualClock nothing else moves time, so this runs the clock until `work`
 * settles (and throws if the timers run out first, instead of waiting forever); on a real clock it
 * just waits.
 */
export async function onClock<T>(clock: Clock, work: Promise<T>): Promise<T> {
  if (clock instanceof VirtualClock) {
    let settled = false;
    const watched = work.then(
      () => (settled = true),
      () => (settled = true),
    );
    if (!(await clock.runUntil(() => settled))) throw new Error('virtual clock ran out of timers before the work settled');
    await watched;
  }
  return work;
}
