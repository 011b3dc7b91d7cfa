import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/common/virtual-clock.ts';
import { StallMonitor, stallKind, type Stall } from '../../src/realtime/stall-monitor.ts';

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

  it('says, with a CPU reader, how much CPU the process used since the reading before the late run', async () => {
    const clock = new VirtualClock();
    let cpuMs = 500;
    const monitor = new StallMonitor(clock, 20, () => cpuMs);
    const stalls: Stall[] = [];
    monitor.onStall((s) => stalls.push(s));
    await clock.advanceTo(100);
    monitor.timerRan(100); // on time: the reading a stall is measured from
    cpuMs += 2;
    await clock.advanceTo(170);
    monitor.timerRan(110); // 60 ms late, 2 ms of CPU in the 70 ms since the reading before
    cpuMs += 40;
    await clock.advanceTo(260);
    monitor.timerRan(180); // 80 ms late, 40 ms of CPU in 90 ms
    expect(stalls).toEqual([
      { atMs: 170, lengthMs: 60, cpuMs: 2, cpuOverMs: 70 },
      { atMs: 260, lengthMs: 80, cpuMs: 40, cpuOverMs: 90 },
    ]);
  });

  it('reads no CPU for the first run of the timer, and none at all without a reader', async () => {
    const clock = new VirtualClock();
    const withReader = new StallMonitor(clock, 20, () => 7);
    const without = new StallMonitor(clock, 20);
    await clock.advanceTo(100);
    withReader.timerRan(50);
    without.timerRan(50);
    expect(withReader.recentStall(10)).toEqual({ atMs: 100, lengthMs: 50 });
    expect(without.recentStall(10)).toEqual({ atMs: 100, lengthMs: 50 });
  });

  it('reads the CPU time only every 100 ms while no stall comes, and at every stall', async () => {
    const clock = new VirtualClock();
    let reads = 0;
    const monitor = new StallMonitor(clock, 20, () => ++reads);
    for (let t = 10; t <= 500; t += 10) {
      await clock.advanceTo(t);
      monitor.timerRan(t); // on time, every 10 ms
    }
    expect(reads).toBe(5); // at 10, 110, 210, 310 and 410 ms
    await clock.advanceTo(560);
    monitor.timerRan(510); // 50 ms late: read at once, over the 150 ms since 410 ms
    expect(reads).toBe(6);
    expect(monitor.recentStall(10)).toEqual({ atMs: 560, lengthMs: 50, cpuMs: 1, cpuOverMs: 150 });
  });
});

describe('stallKind', () => {
  it('tells a process kept from running from one busy itself, by its share of CPU', () => {
    expect(stallKind({ cpuMs: 2, cpuOverMs: 70 })).toBe(
      'it hardly ran meanwhile (2.0 ms of CPU in 70 ms): stopped, or its CPU taken by other processes or the host',
    );
    expect(stallKind({ cpuMs: 40, cpuOverMs: 170 })).toBe(
      'it was busy itself meanwhile (40.0 ms of CPU in 170 ms): GC, compiling or a long task, slowed further by a CPU quota if it has one',
    );
  });

  it('says nothing without a CPU reading', () => {
    expect(stallKind({})).toBeUndefined();
  });
});
