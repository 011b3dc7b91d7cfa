import { describe, expect, it } from 'vitest';
import { HostStealWatch, hostStealCause, stealMsPerCpu } from './host-steal.ts';

const stat = (steal: readonly number[]): string =>
  [
    `cpu  100 0 50 1000 0 0 0 ${steal.reduce((a, b) => a + b, 0)} 0 0`,
    ...steal.map((s, i) => `cpu${i} 50 0 25 500 0 0 0 ${s} 0 0`),
    'intr 12345 0 0',
    'ctxt 999',
  ].join('\n');

describe('host steal', () => {
  it("reads each CPU's steal column in ms, not the all-CPU line", () => {
    expect(stealMsPerCpu(stat([3, 7]), 100)).toEqual([30, 70]);
    expect(stealMsPerCpu('cpu  1 2 3 4\ncpu0 1 2 3 4\n', 100)).toEqual([]);
    expect(stealMsPerCpu('', 100)).toEqual([]);
  });

  it('adds the steal up over a run and keeps the most one CPU lost between two samples', () => {
    const texts = [stat([10, 10]), stat([12, 10]), stat([12, 19]), stat([13, 19])];
    let i = 0;
    const watch = new HostStealWatch(() => texts[Math.min(i++, texts.length - 1)]!, 100);
    for (let s = 0; s < 3; s++) watch.sample();
    // Ticks of 10 ms (USER_HZ 100): cpu0 lost 30 ms, cpu1 90 ms, 90 of it between two samples.
    expect(watch.totalMs).toBe((3 + 9) * 10);
    expect(watch.peakMs).toBe(90);
  });

  it('says nothing rather than something wrong where the machine reports no steal', () => {
    const watch = new HostStealWatch(() => '', 100);
    watch.sample();
    expect(watch.totalMs).toBe(0);
    expect(watch.peakMs).toBe(0);
  });
});

describe('hostStealCause', () => {
  const run = (over: Partial<{ hostStealPeakMs: number; healthyTrips: unknown[]; longestHealthyGapMs: number }>) => ({
    hostStealPeakMs: 70,
    hostStealMs: 900,
    healthyTrips: [],
    longestHealthyGapMs: 40,
    ...over,
  });

  it('puts a missed target down to the host only when the host took a CPU away for 50 ms or more within 100 ms', () => {
    expect(hostStealCause(run({ healthyTrips: [{}] }), 60)).toBe(
      'the host took 70 ms of one CPU within 100 ms (900 ms of steal in the run, /proc/stat)',
    );
    expect(hostStealCause(run({ longestHealthyGapMs: 60 }), 60)).toMatch(/^the host took 70 ms/);
    expect(hostStealCause(run({ longestHealthyGapMs: 80, hostStealPeakMs: 40 }), 60)).toBeUndefined();
  });

  it('never speaks for a run that met its target, however much the host stole', () => {
    expect(hostStealCause(run({ hostStealPeakMs: 90 }), 60)).toBeUndefined();
    expect(hostStealCause(run({ longestHealthyGapMs: Number.NaN }), 60)).toMatch(/^the host took/);
  });
});
