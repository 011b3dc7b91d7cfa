import { describe, expect, it } from 'vitest';
import type { DriveStatus } from '../../drivers/contract.ts';
import { moveCommandTimes, summarize, type BenchRecording } from '../../src/bench-test/bench-metrics.ts';
import type { CallRecord, StatusSample } from '../../src/bench-test/call-recorder.ts';

const status = (positionMm: number, extra: Partial<DriveStatus> = {}): DriveStatus => ({
  positionMm,
  targetMm: 10,
  velocityMmPerS: 0,
  followingErrorMm: 0,
  alarmCode: 0,
  enabled: true,
  ready: true,
  moving: false,
  holding: false,
  targetReached: false,
  ...extra,
});

const move = { positionMm: 10, speedMmPerS: 100 };

/** One move 0 -> 10 mm commanded at t=100 ms, sampled every 10 ms from `positions` (moving until the last three). */
function recording(positions: number[], calls: CallRecord[] = []): BenchRecording {
  const samples: StatusSample[] = positions.map((p, i) => ({
    atMs: 100 + 10 * i,
    status: status(p, {
      moving: i < positions.length - 3,
      targetReached: i >= positions.length - 3 && Math.abs(p - 10) <= 0.01,
      followingErrorMm: i < 3 ? 1 : 0,
    }),
  }));
  return {
    startMs: 0,
    stoppedAtMs: 100 + 10 * positions.length,
    endMs: 100 + 10 * positions.length,
    periodMs: 10,
    inPositionMm: 0.05,
    fromMm: 0,
    plannedMoves: [move],
    calls,
    samples,
    movesSent: [{ atMs: 100, command: { targetMm: 10, speedMmPerS: 100 } }],
  };
}

describe('bench metrics', () => {
  it('counts a move from its first send: resends and the re-sync move do not start a move', () => {
    const sent = [
      { atMs: 5, command: { targetMm: 0, speedMmPerS: 40 } }, // re-sync: zero-length, creep speed
      { atMs: 20, command: { targetMm: 10, speedMmPerS: 100 } },
      { atMs: 30, command: { targetMm: 10, speedMmPerS: 100 } }, // resend of an unconfirmed command
      { atMs: 300, command: { targetMm: 0, speedMmPerS: 100 } },
    ];
    expect(moveCommandTimes(sent, [move, { positionMm: 0, speedMmPerS: 100 }])).toEqual([20, 300]);
  });

  it('settles when the axis is in position and at rest for the rest of the move, not when it first passes', () => {
    // Passes 10 mm at t=130 (still moving), overshoots to 10.2, comes back and rests at t=150.
    const summary = summarize(recording([0, 4, 8, 10, 10.2, 10.005, 10.005, 10.005]));
    expect(summary.moves[0]).toMatchObject({ settlingTimeMs: 50, samples: 8 });
    expect(summary.moves[0]!.overshootMm).toBeCloseTo(0.2, 9);
    expect(summary.moves[0]!.maxFollowingErrorMm).toBe(1);
    expect(summary.moves[0]!.rmsFollowingErrorMm).toBeCloseTo(Math.sqrt(3 / 8), 9);
  });

  it('reports no settling time for a move that never arrived', () => {
    expect(summarize(recording([0, 2, 2, 2, 2])).moves[0]!.settlingTimeMs).toBeNull();
  });

  it('takes nearest-rank percentiles of answered status reads and counts late and missing answers as missed deadlines', () => {
    const call = (i: number, ms: number, outcome: CallRecord['outcome'] = 'ok'): CallRecord => ({
      operation: 'readStatus',
      startMs: 10 * i,
      endMs: 10 * i + ms,
      deadlineMs: 10 * i + 20,
      outcome,
    });
    const calls = [...Array.from({ length: 98 }, (_, i) => call(i, 1)), call(98, 5), call(99, 25, 'late'), call(100, 20, 'timeout')];
    const summary = summarize(recording([0, 10, 10, 10], calls));
    expect(summary.readStatusLatency).toEqual({ calls: 100, p50Ms: 1, p99Ms: 5, maxMs: 25 });
    expect(summary.missedDeadlines).toBe(2);
  });
});
