import { describe, expect, it } from 'vitest';
import { settledEndReason } from '../../src/compose/run-end.ts';
import type { JobStatus, JobView } from '../../src/line/job-board.ts';

const job = (id: string, status: JobStatus): JobView => ({
  id,
  axis: 'a',
  originalAxis: 'a',
  status,
  moves: [{ positionMm: 10, speedMmPerS: 10 }],
  movesDone: status === 'done' ? 1 : 0,
  parkedReason: status === 'parked' ? 'no fallback axis is configured' : undefined,
  transfers: [],
});

describe('when a run with jobs ends by itself', () => {
  it('goes on while any job is queued or running', () => {
    expect(settledEndReason([job('j1', 'done'), job('j2', 'running')], false)).toBeUndefined();
    expect(settledEndReason([job('j1', 'parked'), job('j2', 'queued')], true)).toBeUndefined();
  });

  it('ends once every job is done or parked, when no technician can resume a parked one', () => {
    expect(settledEndReason([job('j1', 'done'), job('j2', 'parked')], false)).toBe('every job is done or parked');
  });

  it('with a console, goes on while a job is parked (a technician may resume it) and ends once all are done', () => {
    expect(settledEndReason([job('j1', 'done'), job('j2', 'parked')], true)).toBeUndefined();
    expect(settledEndReason([job('j1', 'done'), job('j2', 'done')], true)).toBe('every job is done or parked');
  });

  it('with --until never, never ends by itself: not with every job done, parked, or no job at all', () => {
    expect(settledEndReason([job('j1', 'done'), job('j2', 'parked')], false, 'never')).toBeUndefined();
    expect(settledEndReason([job('j1', 'done')], false, 'never')).toBeUndefined();
    expect(settledEndReason([], false, 'never')).toBeUndefined();
    expect(settledEndReason([job('j1', 'done')], false, 'done')).toBe('every job is done or parked');
  });
});
