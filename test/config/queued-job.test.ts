import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { MAX_QUEUED_JOB_BYTES, checkQueuedJob } from '../../src/config/queued-job.ts';

const { axes } = parseConfig(
  'axes: [{ id: a, driver: { type: simulated }, limits: { minMm: 0, maxMm: 100, maxSpeedMmPerS: 50, maxAccelMmPerS2: 500 } }]\n',
  'test.yaml',
);
const check = (job: unknown, ids: string[] = []) => checkQueuedJob(typeof job === 'string' ? job : JSON.stringify(job), axes, new Set(ids));

describe('a job queued while the line runs', () => {
  it('passes when it would pass in the config file', () => {
    expect(check({ id: 'n1', axis: 'a', moves: [{ positionMm: 90, speedMmPerS: 50 }] })).toEqual({
      ok: true,
      job: { id: 'n1', axis: 'a', moves: [{ positionMm: 90, speedMmPerS: 50 }] },
    });
  });

  it('is refused field by field: unknown keys, missing moves, a zero speed', () => {
    expect(check({ id: 'n1', axis: 'a', moves: [], extra: 1 })).toEqual({
      ok: false,
      problems: [expect.stringMatching(/^moves: /), expect.stringMatching(/^extra: unknown key 'extra'/)],
    });
    expect(check({ id: 'n1', axis: 'a', moves: [{ positionMm: 5, speedMmPerS: 0 }] })).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/^moves\[0\]\.speedMmPerS: /)],
    });
  });

  it('names at most five problems, then how many more', () => {
    const moves = Array.from({ length: 9 }, () => ({ positionMm: 500, speedMmPerS: 10 }));
    const result = check({ id: 'n1', axis: 'a', moves });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems).toEqual([
      ...Array(5).fill(expect.stringMatching(/outside the travel/)),
      '... and 4 more problems',
    ]);
  });

  it('refuses a text over the size bound before parsing it, and an id the line has', () => {
    const big = JSON.stringify({ id: 'n1', axis: 'a', moves: [], pad: 'x'.repeat(MAX_QUEUED_JOB_BYTES) });
    expect(check(big)).toEqual({ ok: false, problems: [expect.stringMatching(/^the job is \d+ bytes; at most 65536/)] });
    expect(check({ id: 'j1', axis: 'a', moves: [{ positionMm: 5, speedMmPerS: 5 }] }, ['j1'])).toMatchObject({
      ok: false,
      problems: ["id: job id 'j1' is taken by a job of this line; give the new job its own id"],
    });
  });
});
