import { describe, expect, it } from 'vitest';
import type { Disposable } from '../../src/common/disposable.ts';
import { VirtualClock } from '../../src/common/virtual-clock.ts';

describe('VirtualClock', () => {
  it('fires timers in time order, same-instant timers in the order they were set', async () => {
    const clock = new VirtualClock();
    const fired: string[] = [];
    clock.setTimer(() => fired.push(`b@${clock.now()}`), 20);
    clock.setTimer(() => fired.push(`a@${clock.now()}`), 10);
    clock.setTimer(() => fired.push(`c@${clock.now()}`), 20);
    await clock.advanceTo(25);
    expect(fired).toEqual(['a@10', 'b@20', 'c@20']);
    expect(clock.now()).toBe(25);
  });

  it('does not fire a cancelled timer', async () => {
    const clock = new VirtualClock();
    let fired = false;
    clock.setTimer(() => (fired = true), 5).dispose();
    await clock.advanceBy(10);
    expect(fired).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });

  it('settles promise chains between timers', async () => {
    const clock = new VirtualClock();
    const log: number[] = [];
    void (async () => {
      await clock.sleep(3);
      log.push(clock.now());
      await clock.sleep(4);
      log.push(clock.now());
    })();
    await clock.runUntil(() => log.length === 2);
    expect(log).toEqual([3, 7]);
  });

  it('stops at the limit when the next timer lies beyond it', async () => {
    const clock = new VirtualClock();
    clock.setTimer(() => undefined, 100);
    expect(await clock.runUntil(() => false, 50)).toBe(false);
    expect(clock.now()).toBe(0);
  });

  it('settles every continuation of a timer, nextTicks included, before the next one, across many turns of the event loop', async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    const count = 500; // several times the timers fired per event-loop turn
    for (let i = 0; i < count; i++) {
      void clock.sleep(5).then(async () => {
        log.push(`fire ${i}`);
        await null;
        await new Promise<void>((resolve) => process.nextTick(resolve));
        await Promise.resolve();
        log.push(`settled ${i}`);
      });
    }
    // A timer due at the same instant, cancelled by the continuation of the timer just before it.
    let cancelled: Disposable | undefined;
    void clock.sleep(5).then(async () => {
      await new Promise<void>((resolve) => process.nextTick(resolve));
      cancelled?.dispose();
    });
    cancelled = clock.setTimer(() => log.push('cancelled timer fired'), 5);
    await clock.runUntil(() => false);
    expect(log).toEqual(Array.from({ length: count }, (_, i) => [`fire ${i}`, `settled ${i}`]).flat());
  });

  it('rejects runUntil with what a timer callback throws, and fires nothing after it', async () => {
    const clock = new VirtualClock();
    let later = false;
    clock.setTimer(() => {
      throw new Error('boom');
    }, 1);
    clock.setTimer(() => (later = true), 2);
    await expect(clock.runUntil(() => false)).rejects.toThrow('boom');
    expect(later).toBe(false);
    expect(clock.now()).toBe(1);
  });

  it('still lets I/O and other immediates run during a long run', async () => {
    const clock = new VirtualClock();
    const tick = (): void => void clock.setTimer(tick, 1); // a timer that never runs out
    tick();
    let outside = false;
    setImmediate(() => (outside = true));
    expect(await clock.runUntil(() => outside)).toBe(true);
    expect(clock.now()).toBeLessThan(1000);
  });
});
