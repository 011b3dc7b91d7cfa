import { describe, expect, it } from 'vitest';
import { latencyVerdict, type ConfigCheck, type DriveUnderTest, type VerdictInput } from '../../src/realtime/latency-verdict.ts';

const drive = (axis: string, bus: string, unitId: number, commLossTimeoutMs: number, answered = true): DriveUnderTest => ({
  axis,
  bus,
  unitId,
  commLossTimeoutMs,
  answered,
});
const okOf = (checks: readonly ConfigCheck[]) => checks.map((c) => [c.kind, 'axis' in c ? c.axis : '-', c.ok]);

describe('latencyVerdict: the period this machine holds and the watchdog it needs', () => {
  // gap = period + worst lateness + drives x worst round trip; watchdog >= 2 x gap, whole ms up.
  it.each<{ name: string; input: VerdictInput; holdable: number; gap: number; watchdog: number }>([
    {
      name: 'no bus: the gap is period + lateness',
      input: { periodMs: 10, worstLatenessMs: 2.5, buses: [] },
      holdable: 3,
      gap: 12.5,
      watchdog: 25,
    },
    {
      name: 'a quiet machine still holds at least 1 ms',
      input: { periodMs: 10, worstLatenessMs: 0.2, buses: [] },
      holdable: 1,
      gap: 10.2,
      watchdog: 21,
    },
    {
      name: 'a lateness longer than the period',
      input: { periodMs: 10, worstLatenessMs: 30, buses: [] },
      holdable: 30,
      gap: 40,
      watchdog: 80,
    },
    {
      name: 'one bus: its round is drives x worst round trip',
      input: { periodMs: 10, worstLatenessMs: 3, buses: [{ bus: 'a', drives: 4, worstRoundTripMs: 4 }] },
      holdable: 16,
      gap: 29,
      watchdog: 58,
    },
    {
      name: 'two buses: the slower decides the gap',
      input: {
        periodMs: 20,
        worstLatenessMs: 5,
        buses: [
          { bus: 'a', drives: 2, worstRoundTripMs: 3 },
          { bus: 'b', drives: 3, worstRoundTripMs: 5 },
        ],
      },
      holdable: 15,
      gap: 40,
      watchdog: 80,
    },
    {
      name: 'a bus without an answer adds nothing',
      input: { periodMs: 10, worstLatenessMs: 1, buses: [{ bus: 'a', drives: 4, worstRoundTripMs: undefined }] },
      holdable: 1,
      gap: 11,
      watchdog: 22,
    },
    {
      name: 'float noise does not add a millisecond',
      input: { periodMs: 10, worstLatenessMs: 0.1 + 0.2, buses: [{ bus: 'a', drives: 3, worstRoundTripMs: 0.1 }] },
      holdable: 1,
      gap: 10.6,
      watchdog: 22,
    },
  ])('$name', ({ input, holdable, gap, watchdog }) => {
    const verdict = latencyVerdict(input);
    expect(verdict.holdablePeriodMs).toBe(holdable);
    expect(verdict.longestGapMs).toBeCloseTo(gap, 9);
    expect(verdict.minWatchdogMs).toBe(watchdog);
    expect(verdict.marginMs).toBeCloseTo(watchdog - gap, 9);
    expect(verdict.checks).toEqual([]);
    expect(verdict.ok).toBe(true);
  });

  it('gives each answered bus its own gap and watchdog', () => {
    const verdict = latencyVerdict({
      periodMs: 10,
      worstLatenessMs: 2,
      buses: [
        { bus: 'a', drives: 1, worstRoundTripMs: 4 },
        { bus: 'b', drives: 2, worstRoundTripMs: 10 },
        { bus: 'c', drives: 3, worstRoundTripMs: undefined },
      ],
    });
    expect(verdict.buses).toEqual([
      { bus: 'a', drives: 1, worstRoundTripMs: 4, roundMs: 4, longestGapMs: 16, minWatchdogMs: 32 },
      { bus: 'b', drives: 2, worstRoundTripMs: 10, roundMs: 20, longestGapMs: 32, minWatchdogMs: 64 },
    ]);
  });
});

describe("latencyVerdict: the config's period and each drive's comm-loss watchdog, OK or NOT OK", () => {
  // Bus a: 10 + 3 + 4 x 4 = 29 ms gap, 58 ms watchdog needed; holds 16 ms periods.
  const bus = { bus: 'a', drives: 4, worstRoundTripMs: 4 };
  const PERIOD_HELD = ['period', '-', true];
  const PERIOD_NOT_HELD = ['period', '-', false];
  // name, periodMs, drives, the checks as [kind, axis, ok] in order, the verdict's ok
  it.each<[string, number, DriveUnderTest[], unknown[], boolean]>([
    ['everything held', 20, [drive('x1', 'a', 1, 100)], [PERIOD_HELD, ['watchdog', 'x1', true]], true],
    ['a watchdog exactly at the need is held', 20, [drive('x1', 'a', 1, 78)], [PERIOD_HELD, ['watchdog', 'x1', true]], true],
    ['a watchdog 1 ms short is not', 20, [drive('x1', 'a', 1, 77)], [PERIOD_HELD, ['watchdog', 'x1', false]], false],
    ['a period shorter than a bus round is not held', 10, [drive('x1', 'a', 1, 1000)], [PERIOD_NOT_HELD, ['watchdog', 'x1', true]], false],
    ['a watchdog that is off is NOT OK', 20, [drive('x1', 'a', 1, 0)], [PERIOD_HELD, ['watchdog_off', 'x1', false]], false],
    [
      'a drive that never answered is NOT OK',
      20,
      [drive('x1', 'a', 1, 100), drive('x2', 'a', 2, 100, false)],
      [PERIOD_HELD, ['watchdog', 'x1', true], ['no_answer', 'x2', false]],
      false,
    ],
    [
      'a drive on a bus without any answer is NOT OK',
      20,
      [drive('y1', 'dead', 1, 100, false)],
      [PERIOD_HELD, ['no_answer', 'y1', false]],
      false,
    ],
    ['a config of simulated axes only: the period alone', 20, [], [PERIOD_HELD], true],
  ])('%s', (_name, periodMs, drives, checks, ok) => {
    const verdict = latencyVerdict({
      periodMs,
      worstLatenessMs: 3,
      buses: [bus, { bus: 'dead', drives: 1, worstRoundTripMs: undefined }],
      config: { drives },
    });
    expect(okOf(verdict.checks)).toEqual(checks);
    expect(verdict.ok).toBe(ok);
  });

  it('states what each check needs, so the report can name the margin or the shortfall', () => {
    const verdict = latencyVerdict({
      periodMs: 20,
      worstLatenessMs: 3,
      buses: [bus],
      config: { drives: [drive('x1', 'a', 1, 50), drive('x2', 'a', 2, 0)] },
    });
    expect(verdict.checks).toEqual([
      { kind: 'period', ok: true, periodMs: 20, neededMs: 16 },
      { kind: 'watchdog', ok: false, axis: 'x1', bus: 'a', unitId: 1, watchdogMs: 50, neededMs: 78 },
      { kind: 'watchdog_off', ok: false, axis: 'x2', bus: 'a', unitId: 2, neededMs: 78 },
    ]);
  });
});
