import { RealClock } from '../../src/common/clock.ts';

const clock = new RealClock();

/** Polls `done` every 50 ms of real time; fails after `withinMs` naming `what` and, when given, the story so far (`tail()`). */
export async function until(what: string, done: () => boolean, withinMs: number, tail: () => string = () => ''): Promise<void> {
  for (const startMs = clock.now(); !done(); await clock.sleep(50))
    if (clock.now() - startMs > withinMs) throw new Error(`not within ${withinMs} ms: ${what}\n${tail()}`);
}
