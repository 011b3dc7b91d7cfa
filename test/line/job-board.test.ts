import { describe, expect, it } from 'vitest';
import { decideHandOff, whyAxisCannotTake } from '../../src/line/fallback.ts';
import { JobBoard, isJobNotResumableError } from '../../src/line/job-board.ts';

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
    expect(outcomes[0]).toMatchObject({ transfer: { kind: 'fallback', from: 'a', to: 'b', atMs: 1234, fromMove: 2 } });
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

/** What a refused call threw (it must throw). */
function thrown(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe('JobBoard.resume', () => {
  const fits = () => undefined;
  /** A board whose job `j` (on a) was parked after its first move, with `later` queued behind it and `other` on b. */
  const parkedBoard = () => {
    const board = new JobBoard([
      { id: 'j', axis: 'a', moves: [m(10), m(20), m(30)] },
      { id: 'other', axis: 'b', moves: [m(5), m(6)] },
    ]);
    board.markRunning('a');
    board.completeMove('a');
    board.handOff('a', 100, () => ({ park: 'no fallback axis is configured' }));
    return board;
  };

  it('queues a parked job again on its axis from the move it had not finished, and keeps the parking in its history', () => {
    const board = parkedBoard();
    expect(board.nextMove('a')).toBeUndefined();
    const { job, transfer } = board.resume('j', 'a', 900, 'console:ana', fits);
    expect(transfer).toEqual({
      kind: 'resume',
      from: 'a',
      to: 'a',
      atMs: 900,
      fromMove: 2,
      by: 'console:ana',
      parked: { atMs: 100, reason: 'no fallback axis is configured' },
    });
    expect(job).toMatchObject({ id: 'j', axis: 'a', status: 'queued', movesDone: 1, parkedReason: undefined, transfers: [transfer] });
    // The interrupted move runs again in full, to its absolute target.
    expect(board.nextMove('a')).toEqual({ jobId: 'j', index: 1, move: m(20) });
    expect(board.isSettled()).toBe(false);
    board.completeMove('a');
    expect(board.completeMove('a')).toMatchObject({ id: 'j', status: 'done', movesDone: 3 });
  });

  it('resumes on another axis behind the job it is running, asking whyNot with the remaining moves', () => {
    const board = parkedBoard();
    board.markRunning('b');
    const asked: unknown[] = [];
    board.resume('j', 'b', 900, 'tech', (remaining, first) => void asked.push({ remaining, first }));
    expect(asked).toEqual([{ remaining: [m(20), m(30)], first: 2 }]);
    expect(board.job('j')).toMatchObject({ axis: 'b', originalAxis: 'a', status: 'queued' });
    expect(board.nextMove('b')?.jobId).toBe('other');
    board.completeMove('b');
    expect(board.completeMove('b')?.id).toBe('other');
    expect(board.nextMove('b')).toEqual({ jobId: 'j', index: 1, move: m(20) });
  });

  it('refuses an unknown job, a job that is not parked (saying its status) and a job the axis cannot take, changing nothing', () => {
    const board = parkedBoard();
    const before = board.jobs();
    expect((thrown(() => board.resume('nope', 'a', 1, 'tech', fits)) as Error).message).toBe("no job 'nope' (known: j, other)");
    const queued = thrown(() => board.resume('other', 'b', 1, 'tech', fits));
    expect(isJobNotResumableError(queued)).toBe(true);
    expect((queued as Error).message).toBe("job 'other' cannot be resumed: it is queued on 'b'; only a parked job can be resumed");
    const misfit = thrown(() =>
      board.resume('j', 'b', 1, 'tech', () => "'b' cannot take the job: move 2 target 20 mm is outside the travel [0, 15] mm"),
    );
    expect((misfit as Error).message).toBe(
      "job 'j' cannot be resumed: 'b' cannot take the job: move 2 target 20 mm is outside the travel [0, 15] mm",
    );
    expect(board.jobs()).toEqual(before);
    board.resume('j', 'a', 2, 'tech', fits);
    expect((thrown(() => board.resume('j', 'a', 3, 'tech', fits)) as Error).message).toBe(
      "job 'j' cannot be resumed: it is queued on 'a'; only a parked job can be resumed",
    );
    board.markRunning('b');
    expect((thrown(() => board.resume('other', 'b', 3, 'tech', fits)) as Error).message).toContain('it is running on');
  });

  it('keeps every parking and resume of a job parked twice', () => {
    const board = parkedBoard();
    board.resume('j', 'a', 900, 'ana', fits);
    board.handOff('a', 1500, () => ({ park: "fallback 'b' is unavailable: its breaker is open" }));
    const job = board.job('j');
    expect(job).toMatchObject({ status: 'parked', parkedReason: "fallback 'b' is unavailable: its breaker is open" });
    expect(job.transfers).toEqual([
      expect.objectContaining({ kind: 'resume', by: 'ana', parked: { atMs: 100, reason: 'no fallback axis is configured' } }),
    ]);
    expect(board.resume('j', 'a', 2000, 'bo', fits).job.transfers.map((t) => t.kind === 'resume' && t.parked.reason)).toEqual([
      'no fallback axis is configured',
      "fallback 'b' is unavailable: its breaker is open",
    ]);
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

describe('whyAxisCannotTake', () => {
  it('names the axis and the first move that does not fit, and nothing when all fit', () => {
    expect(whyAxisCannotTake([m(10), m(620)], 3, { id: 'b', limits })).toBe(
      "'b' cannot take the job: move 4 target 620 mm is outside the travel [0, 500] mm",
    );
    expect(whyAxisCannotTake([m(10), m(500, 200)], 1, { id: 'b', limits })).toBeUndefined();
  });
});
