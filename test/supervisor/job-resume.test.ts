import { describe, expect, it } from 'vitest';
import { isJobNotResumableError } from '../../src/line/job-board.ts';
import { lineYaml, simAxis, startLine, type LineHarness } from '../support/line-harness.ts';

/** Job `j` on axis a (no fallback): to 400 mm, then back to 100 mm. A jam at 500 ms trips a (latched) mid-move. */
const JAMMED = {
  jobs: '  - id: j\n    axis: a\n    moves:\n      - { positionMm: 400, speedMmPerS: 200 }\n      - { positionMm: 100, speedMmPerS: 200 }\n',
  faults: '    - { axis: a, atMs: 500, clearAtMs: 900, fault: { kind: jam } }\n',
};

const job = (h: LineHarness) => h.line.supervisor.jobs().find((j) => j.id === 'j')!;
const axis = (h: LineHarness, id: string) => h.line.supervisor.snapshot().find((s) => s.id === id)!;
const targetsOf = (h: LineHarness, id: string, afterMs: number) =>
  h
    .requestsOf(id, 'moveTo')
    .filter((r) => r.atMs > afterMs)
    .map((r) => (r.request as { targetMm: number }).targetMm);

/** Runs virtual time until the tripped axis has parked its job and its drive answers again without a fault. */
async function parkedAfterJam(axes: string): Promise<LineHarness> {
  const h = startLine(lineYaml({ axes, ...JAMMED }));
  await h.runUntil(() => job(h).status === 'parked' && h.clock.now() >= 1500);
  expect(h.eventsOf('trip')).toEqual([expect.objectContaining({ axis: 'a', reason: 'following_error' })]);
  expect(job(h)).toMatchObject({ status: 'parked', movesDone: 0, parkedReason: 'no fallback axis is configured' });
  return h;
}

async function reset(h: LineHarness, id: string): Promise<void> {
  let done = false;
  const resetting = h.line.supervisor.operator.reset(id, 'tech');
  void resetting.finally(() => (done = true));
  await h.runUntil(() => done);
  await resetting;
}

describe('resuming a parked job', () => {
  it('never restarts a parked job by itself; after a reset and a resume it runs to done from the interrupted move', async () => {
    const h = await parkedAfterJam(simAxis('a'));
    const tripAtMs = h.eventsOf('trip')[0]!.atMs;
    await reset(h, 'a');
    expect(axis(h, 'a')).toMatchObject({ state: 'Standstill', breaker: 'closed', job: undefined });
    const resync = h
      .eventsOf('resync')
      .filter((e) => e.axis === 'a')
      .at(-1)!;
    // Reset re-targets the drive where it stands (the zero-length re-sync move) and starts nothing.
    expect(targetsOf(h, 'a', tripAtMs)).toEqual([resync.positionMm]);
    await h.runUntil(() => h.clock.now() >= resync.atMs + 2000);
    expect(targetsOf(h, 'a', tripAtMs)).toEqual([resync.positionMm]);
    expect(job(h).status).toBe('parked');
    expect(axis(h, 'a').positionMm).toBeCloseTo(resync.positionMm, 2);

    const resumeAtMs = h.clock.now();
    const resumed = h.line.supervisor.operator.resume('j', undefined, 'console:ana');
    expect(resumed.waitsFor).toBeUndefined();
    expect(resumed.job).toMatchObject({ status: 'queued', axis: 'a', movesDone: 0, parkedReason: undefined });
    expect(resumed.transfer).toEqual({
      kind: 'resume',
      from: 'a',
      to: 'a',
      atMs: resumeAtMs,
      fromMove: 1,
      by: 'console:ana',
      parked: { atMs: tripAtMs, reason: 'no fallback axis is configured' },
    });
    expect(h.eventsOf('job_resumed')).toEqual([
      { type: 'job_resumed', atMs: resumeAtMs, job: 'j', axis: 'a', parkedOn: 'a', fromMove: 1, by: 'console:ana' },
    ]);
    // Resuming itself sends nothing: the cycle starts the job.
    expect(h.requestsOf('a').filter((r) => r.atMs >= resumeAtMs && r.request.op !== 'readStatus')).toEqual([]);

    await h.runToEnd();
    expect(h.fatal).toEqual([]);
    expect(targetsOf(h, 'a', resumeAtMs)).toEqual([400, 100]);
    expect(job(h)).toMatchObject({ status: 'done', movesDone: 2, transfers: [resumed.transfer] });
    expect(axis(h, 'a').positionMm).toBeCloseTo(100, 1);
  });

  it('queues a job resumed on a latched axis, says it needs a reset, and moves nothing until the reset', async () => {
    const h = await parkedAfterJam(simAxis('a'));
    const resumed = h.line.supervisor.operator.resume('j', 'a', 'tech');
    expect(resumed.job.status).toBe('queued');
    expect(resumed.waitsFor).toBe("'a' is in ErrorStop after a latched following_error trip: reset it first");
    const resumeAtMs = h.clock.now();
    await h.runUntil(() => h.clock.now() >= resumeAtMs + 3000);
    expect(targetsOf(h, 'a', resumeAtMs)).toEqual([]);
    expect(axis(h, 'a').state).toBe('ErrorStop');

    await reset(h, 'a');
    const resync = h
      .eventsOf('resync')
      .filter((e) => e.axis === 'a')
      .at(-1)!;
    await h.runToEnd();
    // First the re-sync to where the axis stands, then the interrupted move again, from its start.
    expect(targetsOf(h, 'a', resumeAtMs)).toEqual([resync.positionMm, 400, 100]);
    expect(job(h)).toMatchObject({ status: 'done', axis: 'a', movesDone: 2 });
  });

  it('resumes on another axis whose travel covers the moves, and refuses one whose travel does not, changing nothing', async () => {
    const short = '{ minMm: 0, maxMm: 300, maxSpeedMmPerS: 400, maxAccelMmPerS2: 2000 }';
    const h = await parkedAfterJam(simAxis('a') + simAxis('b') + simAxis('c', '', short));
    const before = h.line.supervisor.jobs();
    const misfit = (() => {
      try {
        return h.line.supervisor.operator.resume('j', 'c', 'tech');
      } catch (error) {
        return error;
      }
    })();
    expect(isJobNotResumableError(misfit)).toBe(true);
    expect((misfit as Error).message).toBe(
      "job 'j' cannot be resumed: 'c' cannot take the job: move 1 target 400 mm is outside the travel [0, 300] mm",
    );
    expect(() => h.line.supervisor.operator.resume('j', 'zz', 'tech')).toThrow("no axis 'zz' (known: a, b, c)");
    expect(() => h.line.supervisor.operator.resume('nope', undefined, 'tech')).toThrow("no job 'nope' (known: j)");
    expect(h.line.supervisor.jobs()).toEqual(before);
    expect(h.eventsOf('job_resumed')).toEqual([]);

    const resumeAtMs = h.clock.now();
    expect(h.line.supervisor.operator.resume('j', 'b', 'tech').waitsFor).toBeUndefined();
    await h.runToEnd();
    expect(targetsOf(h, 'b', resumeAtMs)).toEqual([400, 100]);
    expect(targetsOf(h, 'a', resumeAtMs)).toEqual([]);
    expect(job(h)).toMatchObject({
      status: 'done',
      axis: 'b',
      originalAxis: 'a',
      transfers: [expect.objectContaining({ kind: 'resume', from: 'a', to: 'b' })],
    });
    expect(() => h.line.supervisor.operator.resume('j', undefined, 'tech')).toThrow(
      "job 'j' cannot be resumed: it is done on 'b'; only a parked job can be resumed",
    );
  });
});
