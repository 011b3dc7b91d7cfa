import { describe, expect, it } from 'vitest';
import { decideHandOff } from '../../src/line/fallback.ts';
import { JobBoard } from '../../src/line/job-board.ts';

const m = (positionMm: number, speedMmPerS = 100) => ({ positionMm, speedMmPerS });
const limits = { minMm: 0, maxMm: 500, maxSpeedMmPerS: 200 };

describe('JobBoard', () => {
  it('runs each axis through its jobs in order', () => {
    const board = new JobBoard([
      { id: 'j1', axis: 'a', moves: [m(10), m(20)] },
      { id: 'j2', axis: 'a', moves: [m(30)] },
    ]);
    expect(board.nextMove('a')).toEqual({ jobId: 'j1', index: 0, move: m(10) });
    expect(board.completeMove('a')).toBeUndefined();
    expect(board.completeMove('a')?.id).toBe('j1');
    expect(board.nextMove('a')).toEqual({ jobId: 'j2', index: 0, move: m(30) });
  });

  it('hands the unfinished moves to the fallback in order, behind its own work', () => {
    const board = new JobBoard([
      { id: 'own', axis: 'a', moves: [m(10), m(20), m(30), m(40)] },
      { id: 'later', axis: 'a', moves: [m(50)] },
      { id: 'b-job', axis: 'b', moves: [m(5)] },
    ]);
    board.completeMove('a');
    const outcomes = board.handOff('a', 1234, () => ({ to: 'b' }));
    expect(outcomes.map((o) => o.kind)).toEqual(['transferred', 'transferred']);
    expect(outcomes[0]).toMatchObject({ transfer: { from: 'a', to: 'b', atMs: 1234, fromMove: 2 } });
    expect(board.nextMove('b')?.jobId).toBe('b-job');
    board.completeMove('b');
    expect(board.nextMove('b')).toEqual({ jobId: 'own', index: 1, move: m(20) });
    board.completeMove('b');
    board.completeMove('b');
    expect(board.completeMove('b')?.id).toBe('own');
    expect(board.nextMove('b')?.jobId).toBe('later');
    expect(board.nextMove('a')).toBeUndefined();
  });

  it('parks a job with its reason and keeps it visible', () => {
    const board = new JobBoard([{ id: 'j', axis: 'a', moves: [m(10)] }]);
    board.handOff('a', 0, () => ({ park: 'no fallback axis is configured' }));
    expect(board.jobs()).toEqual([expect.objectContaining({ id: 'j', status: 'parked', parkedReason: 'no fallback axis is configured' })]);
    expect(board.isSettled()).toBe(true);
  });
});

describe('decideHandOff', () => {
  const healthy = { id: 'b', limits, unavailableBecause: undefined };

  it('parks when no fallback is configured', () => {
    expect(decideHandOff([m(10)], 1, undefined)).toEqual({ park: 'no fallback axis is configured' });
  });

  it('parks when the fallback is unhealthy, naming why', () => {
    expect(decideHandOff([m(10)], 1, { ...healthy, unavailableBecause: 'its breaker is open' })).toEqual({
      park: "fallback 'b' is unavailable: its breaker is open",
    });
  });

  it('parks when a remaining move is outside the fallback limits, naming the move', () => {
    expect(decideHandOff([m(10), m(620)], 3, healthy)).toEqual({
      park: "fallback 'b' cannot take the job: move 4 target 620 mm is outside the travel [0, 500] mm",
    });
    expect(decideHandOff([m(10, 250)], 1, healthy)).toEqual({
      park: "fallback 'b' cannot take the job: move 1 speed 250 mm/s exceeds the max speed 200 mm/s",
    });
  });

  it('transfers when healthy and every move fits', () => {
    expect(decideHandOff([m(10), m(500, 200)], 1, healthy)).toEqual({ to: 'b' });
  });
});
