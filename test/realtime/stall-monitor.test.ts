import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/common/virtual-clock.ts';
import { StallMonitor, type Stall } from '../../src/realtime/stall-monitor.ts';

describe('StallMonitor', () => {
  it('reports a timer that ran at least the threshold late as a stall, with its length', async () => {
    const clock = new VirtualClock();
    const monitor = new StallMonitor(clock, 20);
    const stalls: Stall[] = [];
    monitor.onStall((s) => stalls.push(s));
    await clock.advanceTo(110);
    expect(monitor.timerRan(100)).toBe(10);
    expect(stalls).toEqual([]);
    await clock.advanceTo(200);
    expect(monitor.timerRan(140)).toBe(60);
    expect(stalls).toEqual([{ atMs: 200, lengthMs: 60 }]);
    expect(monitor.stallCount).toBe(1);
    expect(monitor.longestStallMs).toBe(60);
  });

  it('counts the time lost beyond ordinary jitter, reported or not', async () => {
    const clock = new VirtualClock();
    const monitor = new StallMonitor(clock, 20);
    await clock.advanceTo(101);
    monitor.timerRan(100); // 1 ms: jitter
    expect(monitor.totalLostMs).toBe(0);
    await clock.advanceTo(212);
    monitor.timerRan(200); // 12 ms late: 10 ms lost beyond the 2 ms of jitter
    await clock.advanceTo(350);
    monitor.timerRan(300); // 50 ms late: 48 ms lost
    expect(monitor.totalLostMs).toBe(58);
  });

  it('names the latest stall only while it is recent', async () => {
    const clock = new VirtualClock();
    const monitor = new StallMonitor(clock, 20);
    await clock.advanceTo(100);
    monitor.timerRan(50);
    expect(monitor.recentStall(100)).toEqual({ atMs: 100, lengthMs: 50 });
    await clock.advanceTo(250);
    expect(monitor.recentStall(100)).toBeUndefined();
  });
});
