import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JobBoard, type JobView } from '../../src/line/job-board.ts';

const AXES = ['a', 'b', 'c'] as const;
type Axis = (typeof AXES)[number];

/** What the board must answer, worked out from its own job list: the first open job of the axis, in board order. */
function expectedNextMove(jobs: readonly JobView[], axis: Axis) {
  const job = jobs.find((j) => j.axis === axis && (j.status === 'queued' || j.status === 'running'));
  const move = job?.moves[job.movesDone];
  return job && move && { jobId: job.id, index: job.movesDone, move };
}

const operation = fc.oneof(
  fc.record({ kind: fc.constant('complete' as const), axis: fc.constantFrom(...AXES) }),
  fc.record({
    kind: fc.constant('handOff' as const),
    axis: fc.constantFrom(...AXES),
    to: fc.option(fc.constantFrom(...AXES), { nil: undefined }),
  }),
  fc.record({ kind: fc.constant('resume' as const), job: fc.nat(11), axis: fc.constantFrom(...AXES) }),
);

describe('JobBoard (property)', () => {
  it('always gives each axis the first unfinished move of its first open job, and knows when nothing is open, whatever completes, moves or resumes', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 80 }), (operations) => {
        const board = new JobBoard(
          Array.from({ length: 12 }, (_, i) => ({
            id: `j${i}`,
            axis: AXES[i % 3]!,
            moves: Array.from({ length: 1 + (i % 3) }, (_, k) => ({ positionMm: 10 * k, speedMmPerS: 50 })),
          })),
        );
        for (const op of operations) {
          switch (op.kind) {
            case 'complete':
              board.completeMove(op.axis);
              break;
            case 'handOff':
              board.handOff(op.axis, 0, () => (op.to === undefined || op.to === op.axis ? { park: 'no fallback' } : { to: op.to }));
              break;
            case 'resume': {
              const job = board.jobs().find((j) => j.id === `j${op.job}`)!;
              if (job.status === 'parked') board.resume(job.id, op.axis, 0, 'tech', () => undefined);
              break;
            }
          }
          const jobs = board.jobs();
          for (const axis of AXES) expect(board.nextMove(axis)).toEqual(expectedNextMove(jobs, axis));
          expect(board.isSettled()).toBe(jobs.every((j) => j.status === 'done' || j.status === 'parked'));
        }
      }),
    );
  });
});
