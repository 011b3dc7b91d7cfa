import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/common/virtual-clock.ts';
import { WatchdogPetter, watchdogPetIntervalMs } from '../../src/service/watchdog.ts';
import { lineYaml, simAxis, startLine } from '../support/line-harness.ts';

/** A petter on a virtual clock, every 500 ms, over a counter the test moves by hand. */
function petterOverCounter() {
  const clock = new VirtualClock();
  const state = { progress: 0, pets: [] as number[], stalls: [] as number[] };
  const petter = new WatchdogPetter({
    clock,
    intervalMs: 500,
    progress: () => state.progress,
    pet: () => state.pets.push(clock.now()),
    onStall: (ms) => state.stalls.push(ms),
  });
  /** Advances the counter every `everyMs` until `untilMs`. */
  const tickUntil = async (untilMs: number, everyMs = 10) => {
    while (clock.now() < untilMs) {
      state.progress += 1;
      await clock.advanceBy(everyMs);
    }
  };
  return { clock, state, petter, tickUntil };
}

describe('watchdogPetIntervalMs', () => {
  it('is half of WATCHDOG_USEC, in ms', async () => {
    expect(watchdogPetIntervalMs({ WATCHDOG_USEC: '10000000' }, 42)).toBe(5000);
    expect(watchdogPetIntervalMs({ WATCHDOG_USEC: '400000', WATCHDOG_PID: '42' }, 42)).toBe(200);
  });

  it('is undefined without a watchdog for this process: unset, not a positive number, or another PID', async () => {
    for (const env of [
      {},
      { WATCHDOG_USEC: '' },
      { WATCHDOG_USEC: 'ten' },
      { WATCHDOG_USEC: '0' },
      { WATCHDOG_USEC: '1000000', WATCHDOG_PID: '7' },
    ]) {
      expect(watchdogPetIntervalMs(env, 42)).toBeUndefined();
    }
  });
});

describe('WatchdogPetter', () => {
  it('pets once per interval while the progress count advances', async () => {
    const { state, tickUntil } = petterOverCounter();
    await tickUntil(2000);
    expect(state.pets).toEqual([500, 1000, 1500, 2000]);
    expect(state.stalls).toEqual([]);
  });

  it('does not pet a stuck cycle, reports the stall once, and pets again once it moves', async () => {
    const { clock, state, tickUntil } = petterOverCounter();
    await tickUntil(1000);
    await clock.advanceBy(2000); // the count stands still for 2 s: four decisions, no pet
    expect(state.pets).toEqual([500, 1000]);
    expect(state.stalls).toEqual([500]);
    await tickUntil(4000);
    expect(state.pets).toEqual([500, 1000, 3500, 4000]);
    expect(state.stalls).toEqual([500]);
  });

  it('neither pets nor reports a stall before the work has first moved', async () => {
    const { clock, state } = petterOverCounter();
    await clock.advanceBy(3000);
    expect([state.pets, state.stalls]).toEqual([[], []]);
  });

  it('sends no pet after it is disposed', async () => {
    const { state, petter, tickUntil } = petterOverCounter();
    await tickUntil(1000);
    petter.dispose();
    await tickUntil(3000);
    expect(state.pets).toEqual([500, 1000]);
  });

  it('pets a real supervisor while its cycle ticks, and no more once it is stopped', async () => {
    const h = startLine(lineYaml({ axes: simAxis('a') + simAxis('b') }));
    const pets: number[] = [];
    new WatchdogPetter({
      clock: h.clock,
      intervalMs: 500,
      progress: () => h.line.supervisor.ticks,
      pet: () => pets.push(h.clock.now()),
      onStall: () => {},
    });
    await h.clock.advanceTo(2000);
    const ticksWhileRunning = h.line.supervisor.ticks;
    expect(ticksWhileRunning).toBeGreaterThanOrEqual(190); // every 10 ms
    expect(pets).toEqual([500, 1000, 1500, 2000]);
    await h.stop();
    const stoppedAtMs = h.clock.now();
    await h.clock.advanceBy(2000);
    expect(h.line.supervisor.ticks).toBe(ticksWhileRunning);
    expect(pets.filter((at) => at > stoppedAtMs + 500)).toEqual([]);
  });
});
