import { describe, expect, it } from 'vitest';
import { foldLineState, type LineDefinitions } from '../../src/line/line-state.ts';
import { lineDefinitions, planRestore } from '../../src/line/restore-plan.ts';
import { parseConfig } from '../../src/config/index.ts';
import { lineYaml, simAxis, startLine, type LineHarness } from '../support/line-harness.ts';

/**
 * Issue #11: a crash and a restart with the same config and journal. Run 1 is cut off mid-work (as
 * kill -9 would: no stop, no shutdown holds); run 2 takes over the line state folded from run 1's
 * events and must move nothing a person did not decide.
 */
const YAML = lineYaml({
  axes: `${simAxis('a')}\n${simAxis('b')}`,
  jobs: [
    '  - id: ja\n    axis: a\n    moves:\n      - { positionMm: 400, speedMmPerS: 200 }\n',
    '  - id: kb1\n    axis: b\n    moves:\n      - { positionMm: 50, speedMmPerS: 200 }\n',
    '  - id: kb2\n    axis: b\n    moves:\n      - { positionMm: 300, speedMmPerS: 100 }\n      - { positionMm: 20, speedMmPerS: 100 }\n      - { positionMm: 500, speedMmPerS: 100 }\n',
  ].join(''),
  faults: '    - { axis: a, atMs: 500, fault: { kind: jam } }\n',
});

const BASE_TIME_MS = Date.parse('2026-12-04T10:00:00.000Z');
/** Run 1's events as its journal holds them: each with its wall-clock time. */
const journalOf = (h: LineHarness) => h.events.map((e) => ({ ...e, time: new Date(BASE_TIME_MS + e.atMs).toISOString() }));
const definitionsOf = (yaml: string): LineDefinitions => {
  const config = parseConfig(yaml, 'test.yaml');
  return lineDefinitions(config.axes, config.jobs);
};
const job = (h: LineHarness, id: string) => h.line.supervisor.jobs().find((j) => j.id === id)!;

/** Run 1 until a has tripped (latched, its job parked), kb1 is done and kb2 is mid-way; then "killed". */
async function crashedRun(): Promise<LineHarness> {
  const h = startLine(YAML);
  await h.runUntil(
    () =>
      job(h, 'ja').status === 'parked' &&
      job(h, 'kb2').movesDone >= 1 &&
      h.eventsOf('axis_state').some((e) => e.axis === 'b' && e.job?.id === 'kb2' && e.job.move === 2 && e.to === 'DiscreteMotion'),
  );
  expect(h.eventsOf('trip')).toEqual([expect.objectContaining({ axis: 'a', reason: 'following_error', latched: true })]);
  expect(job(h, 'kb1').status).toBe('done');
  return h;
}

describe('a restart takes over the line state the last run left', () => {
  it('keeps the jammed axis unpowered and latched, its job parked, done jobs done, and parks the interrupted job', async () => {
    const first = await crashedRun();
    const state = foldLineState(journalOf(first), definitionsOf(YAML));
    const plan = planRestore(state, definitionsOf(YAML));

    const second = startLine(YAML, { restore: plan });
    await second.runUntil(() => second.clock.now() >= 3000);

    // Nothing of a but a hold where it stands: it waits in ErrorStop for a technician, its power stage never commanded.
    expect(
      second
        .requestsOf('a')
        .filter((r) => r.request.op !== 'readStatus')
        .map((r) => r.request.op),
    ).toEqual(['hold']);
    expect(second.line.supervisor.snapshot().find((s) => s.id === 'a')).toMatchObject({ state: 'ErrorStop' });
    // b is powered and re-synced where it stands, and then moves nowhere: kb1 is done, kb2 parked.
    const resync = second.eventsOf('resync').find((e) => e.axis === 'b')!;
    expect(second.requestsOf('b', 'moveTo').map((r) => (r.request as { targetMm: number }).targetMm)).toEqual([resync.positionMm]);
    expect(job(second, 'kb1')).toMatchObject({ status: 'done', movesDone: 1 });
    expect(job(second, 'ja')).toMatchObject({ status: 'parked', movesDone: 0 });
    expect(job(second, 'ja').parkedReason).toMatch(
      /^no fallback axis is configured; still parked after a restart \(last seen at 2026-12-04T10:00:\d\d\.\d{3}Z, move 1\)$/,
    );
    expect(job(second, 'kb2')).toMatchObject({ status: 'parked', movesDone: 1 });
    expect(job(second, 'kb2').parkedReason).toMatch(/^interrupted by a restart \(last seen at 2026-12-04T10:00:\d\d\.\d{3}Z, move 2\)$/);
    expect(second.line.supervisor.isSettled()).toBe(true);

    expect(second.eventsOf('line_restored')).toEqual([
      expect.objectContaining({
        latched: [{ axis: 'a', reason: 'following_error' }],
        jobsDone: ['kb1'],
        jobsParked: [
          { job: 'ja', axis: 'a', reason: expect.stringMatching(/^no fallback axis is configured; still parked after a restart/) },
        ],
        jobsInterrupted: [expect.objectContaining({ job: 'kb2', axis: 'b', move: 2 })],
        changed: [],
        dropped: [],
      }),
    ]);
    await second.stop();
  });

  it('a technician resets the latched axis and resumes the interrupted job: it runs from the interrupted move', async () => {
    const first = await crashedRun();
    const plan = planRestore(foldLineState(journalOf(first), definitionsOf(YAML)), definitionsOf(YAML));
    const second = startLine(YAML, { restore: plan });
    await second.runUntil(() => second.clock.now() >= 500);
    second.line.supervisor.operator.resume('kb2', undefined, 'console:ana');
    await second.runUntil(() => job(second, 'kb2').status === 'done');
    const targets = second.requestsOf('b', 'moveTo').map((r) => (r.request as { targetMm: number }).targetMm);
    // The re-sync, then moves 2 and 3 only (move 1 was done before the crash).
    expect(targets.slice(1)).toEqual([20, 500]);
    await second.stop();
  });

  it('a changed job starts afresh and says so; a removed one is reported as dropped', async () => {
    const first = await crashedRun();
    const edited = YAML.replace('{ positionMm: 50, speedMmPerS: 200 }', '{ positionMm: 60, speedMmPerS: 200 }').replace(
      / {2}- id: ja\n {4}axis: a\n {4}moves:\n {6}- \{ positionMm: 400, speedMmPerS: 200 \}\n/,
      '',
    );
    const plan = planRestore(foldLineState(journalOf(first), definitionsOf(YAML)), definitionsOf(edited));
    expect(plan.report.changed).toEqual([
      expect.stringMatching(/^job kb1: its definition changed since the last run \(it was done, 1 moves done\); it starts afresh$/),
    ]);
    expect(plan.report.dropped).toEqual(['job ja']);
    expect(plan.jobs.has('kb1')).toBe(false);
    // The latch is the machine's, not the file's: it stays.
    expect(plan.report.latched).toEqual([{ axis: 'a', reason: 'following_error' }]);
  });
});
