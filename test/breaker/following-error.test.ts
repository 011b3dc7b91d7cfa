import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FollowingErrorMonitor, type FollowingErrorOptions } from '../../src/breaker/following-error.ts';

const options: FollowingErrorOptions = { minWindowMm: 0.1, maxWindowMm: 2, maxSpeedMmPerS: 100, timeMs: 20 };

describe('FollowingErrorMonitor', () => {
  it('widens the window with speed, never below the standstill window', () => {
    const monitor = new FollowingErrorMonitor(options);
    expect(monitor.limitMm(0)).toBe(0.1);
    expect(monitor.limitMm(2)).toBe(0.1); // 2 · 2/100 = 0.04 < 0.1
    expect(monitor.limitMm(50)).toBe(1);
    expect(monitor.limitMm(-50)).toBe(1);
    expect(monitor.limitMm(100)).toBe(2);
  });

  it('judges the error by its magnitude against the window at the commanded speed', () => {
    const monitor = new FollowingErrorMonitor({ ...options, timeMs: 0 });
    expect(monitor.evaluate(0.9, 50, 0)).toEqual({ limitMm: 1, outside: false, outsideForMs: 0, exceeded: false });
    expect(monitor.evaluate(-1.1, 50, 1)).toEqual({ limitMm: 1, outside: true, outsideForMs: 0, exceeded: true });
    expect(monitor.evaluate(1.1, 100, 2).outside).toBe(false);
    expect(monitor.evaluate(0.2, 0, 3).exceeded).toBe(true);
  });

  it('reports exceeded only after timeMs continuously outside', () => {
    const monitor = new FollowingErrorMonitor(options);
    expect(monitor.evaluate(0.5, 0, 100)).toMatchObject({ outside: true, outsideForMs: 0, exceeded: false });
    expect(monitor.evaluate(0.5, 0, 119)).toMatchObject({ outsideForMs: 19, exceeded: false });
    expect(monitor.evaluate(0.5, 0, 120)).toMatchObject({ outsideForMs: 20, exceeded: true });
  });

  it('restarts the timer when the error comes back inside', () => {
    const monitor = new FollowingErrorMonitor(options);
    monitor.evaluate(0.5, 0, 100);
    monitor.evaluate(0.5, 0, 115);
    expect(monitor.evaluate(0.05, 0, 118)).toEqual({ limitMm: 0.1, outside: false, outsideForMs: 0, exceeded: false });
    expect(monitor.evaluate(0.5, 0, 121)).toMatchObject({ outsideForMs: 0, exceeded: false });
    expect(monitor.evaluate(0.5, 0, 140)).toMatchObject({ outsideForMs: 19, exceeded: false });
    expect(monitor.evaluate(0.5, 0, 141).exceeded).toBe(true);
  });

  it('forgets the time outside on reset', () => {
    const monitor = new FollowingErrorMonitor(options);
    monitor.evaluate(0.5, 0, 100);
    monitor.reset();
    expect(monitor.evaluate(0.5, 0, 130)).toMatchObject({ outsideForMs: 0, exceeded: false });
  });

  it('is exceeded exactly when the last timeMs of samples were all outside', () => {
    const sample = fc.record({
      errorMm: fc.double({ min: -3, max: 3, noNaN: true }),
      speedMmPerS: fc.double({ min: -150, max: 150, noNaN: true }),
      dtMs: fc.integer({ min: 0, max: 15 }),
    });
    fc.assert(
      fc.property(fc.array(sample, { maxLength: 60 }), (samples) => {
        const monitor = new FollowingErrorMonitor(options);
        let nowMs = 0;
        let firstOutsideMs: number | undefined;
        for (const { errorMm, speedMmPerS, dtMs } of samples) {
          nowMs += dtMs;
          const limitMm = Math.max(options.minWindowMm, (options.maxWindowMm * Math.abs(speedMmPerS)) / options.maxSpeedMmPerS);
          const outside = Math.abs(errorMm) > limitMm;
          firstOutsideMs = outside ? (firstOutsideMs ?? nowMs) : undefined;
          const verdict = monitor.evaluate(errorMm, speedMmPerS, nowMs);
          expect(verdict.limitMm).toBeGreaterThanOrEqual(options.minWindowMm);
          expect(verdict.outside).toBe(outside);
          expect(verdict.exceeded).toBe(firstOutsideMs !== undefined && nowMs - firstOutsideMs >= options.timeMs);
        }
      }),
    );
  });
});
