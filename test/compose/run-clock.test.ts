import { describe, expect, it } from 'vitest';
import { RealClock, type ClockTimer } from '../../src/common/clock.ts';
import { runClockUntil } from '../../src/compose/run-clock.ts';

describe('runClockUntil on real time', () => {
  it('waits for the end without polling for it: one keeper timer, disposed once the end comes', async () => {
    const real = new RealClock();
    const timers: { delayMs: number; disposed: boolean }[] = [];
    const clock = Object.assign(Object.create(real) as RealClock, {
      setTimer(callback: () => void, delayMs: number): ClockTimer {
        const inner = real.setTimer(callback, delayMs);
        const record = { delayMs, disposed: false };
        timers.push(record);
        const dispose = () => {
          record.disposed = true;
          inner.dispose();
        };
        return { dispose, keepAlive: (keep: boolean) => inner.keepAlive(keep) };
      },
    });
    let done = false;
    let end!: () => void;
    const ended = new Promise<void>((resolve) => (end = resolve));
    const running = runClockUntil(clock, () => done, ended);
    await real.sleep(60);
    expect(timers).toEqual([{ delayMs: 3_600_000, disposed: false }]);
    done = true;
    end();
    await running;
    expect(timers).toEqual([{ delayMs: 3_600_000, disposed: true }]);
  });
});
