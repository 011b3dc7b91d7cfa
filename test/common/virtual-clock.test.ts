import { describe, expect, it } from 'vitest';
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
});
