import { describe, expect, it } from 'vitest';
import { runDegradation } from '../../bench/figures/support/degradation-line.ts';
import { startLine } from '../support/line-harness.ts';

const MIN = 60_000;
const FAULT_AT_MS = 5 * MIN;

// Virtual time: an hour of a shuttling axis takes about a second here.
describe('slowly developing faults, in virtual time', { timeout: 60_000 }, () => {
  it.each([
    { fault: { kind: 'wear', lagGrowthPerMin: 0.1 } as const, signals: ['settle_time_ms', 'following_error_ms'], trip: 'following_error' },
    { fault: { kind: 'slowing_drive', latencyMsPerMin: 1 } as const, signals: ['read_time_ms'], trip: 'consecutive_failures' },
    { fault: { kind: 'degrading_link', probabilityPerMin: 0.02 } as const, signals: ['corrupt_rate'], trip: 'consecutive_failures' },
  ])('$fault.kind raises degraded minutes before it trips the axis', async ({ fault, signals, trip }) => {
    const run = await runDegradation({ axes: 1, seed: 3, fault, faultAtMs: FAULT_AT_MS, durationMs: 60 * MIN });
    expect(run.tripReason).toBe(trip);
    expect(run.degradedAtMs).toBeGreaterThan(FAULT_AT_MS);
    expect(signals).toContain(run.degradedSignal);
    // "Well before": at least two minutes of warning.
    expect(run.tripAtMs! - run.degradedAtMs!).toBeGreaterThan(2 * MIN);
  });

  it('healthy axes with the simulator jitter raise no degraded event in an hour (the 24 h soak is a benchmark)', async () => {
    const run = await runDegradation({ axes: 2, seed: 21, durationMs: 60 * MIN });
    expect(run.degradedEvents).toBe(0);
    expect(run.trips).toBe(0);
    expect(run.events.filter((e) => e.type === 'baseline_learned')).toHaveLength(12);
  });

  it('with a degrading link, a retry keeps the axis running longer than no retry', async () => {
    const link = { kind: 'degrading_link', probabilityPerMin: 0.02 } as const;
    const withRetry = await runDegradation({ axes: 1, seed: 5, fault: link, faultAtMs: FAULT_AT_MS, durationMs: 90 * MIN, retries: 1 });
    const without = await runDegradation({ axes: 1, seed: 5, fault: link, faultAtMs: FAULT_AT_MS, durationMs: 90 * MIN, retries: 0 });
    expect(without.tripAtMs).toBeDefined();
    expect(withRetry.tripAtMs ?? Number.POSITIVE_INFINITY).toBeGreaterThan(without.tripAtMs! + 5 * MIN);
  });

  it('derate: once degraded, the job moves it starts run at the derate factor of their speed, within the limits', async () => {
    const run = await runDegradation({
      axes: 1,
      seed: 3,
      fault: { kind: 'wear', lagGrowthPerMin: 0.1 },
      faultAtMs: FAULT_AT_MS,
      durationMs: 60 * MIN,
      defaults: '  downgrade: { plan: derate, derateFactor: 0.4 }\n',
    });
    const downgrade = run.events.find((e) => e.type === 'downgrade');
    expect(downgrade).toMatchObject({ action: 'derate', axis: 'a0' });
    expect(downgrade?.atMs).toBe(run.degradedAtMs);
    // Every move after it (resends of the one in flight aside) at 40 % of 150 mm/s.
    expect(run.speedsAfterDegraded).toContain(60);
    expect(run.speedsAfterDegraded.every((speed) => speed === 60 || speed === 150)).toBe(true);
    // Degraded and derated, it still trips when the wear takes the error out of its window (here at the end of a move, where speed does not matter).
    expect(run.tripReason).toBe('following_error');
  });
});

describe('downgrade plans on a line', { timeout: 60_000 }, () => {
  const axis = (id: string, seed: number, extra = '') =>
    `  - { id: ${id}, driver: { type: simulated, seed: ${seed}, latencyMs: 1, jitterMs: 1 }, limits: { minMm: 0, maxMm: 300, maxSpeedMmPerS: 200, maxAccelMmPerS2: 1000 }${extra} }`;
  const jobs = (count: number) =>
    Array.from(
      { length: count },
      (_, i) =>
        `  - { id: j${i + 1}, axis: a, moves: [{ positionMm: 250, speedMmPerS: 150 }, { positionMm: 50, speedMmPerS: 150 }, { positionMm: 250, speedMmPerS: 150 }, { positionMm: 50, speedMmPerS: 150 }] }`,
    );
  const yaml = (plan: string) =>
    [
      'line: drain',
      'cycle: { periodMs: 10, warmupMs: 0 }',
      'axes:',
      axis('a', 3, `, fallback: b, downgrade: { plan: ${plan}, derateFactor: 0.5 }`),
      axis('b', 4),
      'jobs:',
      ...jobs(150),
      'simulation:',
      `  faults: [{ axis: a, atMs: ${FAULT_AT_MS}, fault: { kind: wear, lagGrowthPerMin: 0.1 } }]`,
    ].join('\n');

  it('drain: the running job finishes on the degraded axis, the queued ones go to its fallback whole, none is interrupted', async () => {
    const line = startLine(yaml('drain'));
    await line.runUntil(() => line.eventsOf('transfer').length > 0, 60 * MIN);
    const degraded = line.eventsOf('degraded')[0]!;
    const drain = line.eventsOf('downgrade')[0]!;
    expect(drain).toMatchObject({ action: 'drain', axis: 'a', atMs: degraded.atMs });
    const transfers = line.eventsOf('transfer');
    expect(transfers.length).toBeGreaterThan(10);
    for (const t of transfers) expect(t).toMatchObject({ from: 'a', to: 'b', fromMove: 1 });
    // The job that was running when the axis degraded finished on it.
    const doneOnA = line.eventsOf('job_done').filter((e) => e.axis === 'a');
    expect(doneOnA.at(-1)!.atMs).toBeGreaterThanOrEqual(degraded.atMs);
    expect(doneOnA.at(-1)!.atMs).toBeLessThanOrEqual(transfers[0]!.atMs);
    expect(line.eventsOf('trip')).toEqual([]);
    // b runs the handed-over jobs; a starts nothing new.
    await line.runUntil(() => line.eventsOf('job_done').some((e) => e.axis === 'b'), 10 * MIN);
    const aStarts = line.eventsOf('axis_state').filter((e) => e.axis === 'a' && e.to === 'DiscreteMotion' && e.atMs > transfers[0]!.atMs);
    expect(aStarts).toEqual([]);
    await line.stop();
  });

  it('a drive relearned by a technician leaves its downgrade and learns its baselines again', async () => {
    const line = startLine(yaml('derate'));
    await line.runUntil(() => line.eventsOf('downgrade').length > 0, 60 * MIN);
    line.line.supervisor.operator.relearn('a', 'console:ana');
    expect(line.eventsOf('relearn')).toMatchObject([{ axis: 'a', by: 'console:ana' }]);
    expect(line.eventsOf('downgrade').at(-1)).toMatchObject({ action: 'end', detail: 'relearned by console:ana' });
    expect(line.line.supervisor.axisDetail('a').degradation.degraded).toBe(false);
    await line.stop();
  });
});
