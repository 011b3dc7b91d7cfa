import { describe, expect, it } from 'vitest';
import { LINE_STATE_RECORD, LineStateTracker, emptyLineState, foldLineState } from '../../src/line/line-state.ts';
import { planRestore } from '../../src/line/restore-plan.ts';

const DEFS = { axes: { a: 'da', b: 'db' }, jobs: { j: 'dj' } };
const at = (atMs: number) => ({ atMs, time: new Date(Date.UTC(2026, 11, 4, 8, 0, 0, atMs)).toISOString() });

describe('the line state folded from journal records', () => {
  it('a latch stays until the axis leaves ErrorStop (a reset); a comm trip that is not latched leaves nothing', () => {
    const tracker = new LineStateTracker(emptyLineState(DEFS));
    tracker.apply({ type: 'trip', ...at(1), axis: 'a', reason: 'timeout', detail: 'no answer', latched: false });
    expect(tracker.snapshot().axes).toEqual({});
    tracker.apply({ type: 'trip', ...at(2), axis: 'a', reason: 'alarm', detail: 'drive alarm code 7', latched: true });
    tracker.apply({ type: 'axis_state', ...at(3), axis: 'a', from: 'Standstill', to: 'ErrorStop', reason: 'fault' });
    expect(tracker.snapshot().axes.a).toEqual({ latched: { reason: 'alarm', detail: 'drive alarm code 7' } });
    tracker.apply({ type: 'axis_state', ...at(4), axis: 'a', from: 'ErrorStop', to: 'Standstill', reason: 'reset by console:ana' });
    expect(tracker.snapshot().axes.a).toEqual({});
  });

  it('isolation holds are kept per holder until each is released; a disable until the axis is powered again', () => {
    const tracker = new LineStateTracker(emptyLineState(DEFS));
    tracker.apply({ type: 'isolation', ...at(1), axis: 'b', by: 'console:ana', held: true });
    tracker.apply({ type: 'isolation', ...at(2), axis: 'b', by: 'console:bo', held: true });
    tracker.apply({ type: 'isolation', ...at(3), axis: 'b', by: 'console:ana', held: false });
    tracker.apply({ type: 'axis_state', ...at(4), axis: 'a', from: 'Standstill', to: 'Disabled', reason: 'disabled by console:bo' });
    expect(tracker.snapshot().axes).toEqual({ a: { disabled: true }, b: { isolatedBy: ['console:bo'] } });
    tracker.apply({ type: 'axis_state', ...at(5), axis: 'a', from: 'Disabled', to: 'Standstill', reason: 'enabled by console:bo' });
    expect(tracker.snapshot().axes.a).toEqual({});
  });

  it('degradation baselines are kept per signal until a relearn, and restored unless the axis definition changed', () => {
    const tracker = new LineStateTracker(emptyLineState(DEFS));
    tracker.apply({ type: 'baseline_learned', ...at(1), axis: 'a', signal: 'read_time_ms', mean: 1.5, sd: 0.02 });
    tracker.apply({ type: 'baseline_learned', ...at(2), axis: 'a', signal: 'settle_time_ms', mean: 50, sd: 0.4 });
    tracker.apply({ type: 'baseline_learned', ...at(3), axis: 'b', signal: 'read_time_ms', mean: 'not a number', sd: 1 });
    tracker.apply({ type: 'baseline_learned', ...at(3), axis: 'b', signal: 'read_time_ms', mean: 2, sd: 0.1 });
    const baselines = { read_time_ms: { mean: 1.5, sd: 0.02 }, settle_time_ms: { mean: 50, sd: 0.4 } };
    expect(tracker.snapshot().axes.a).toEqual({ baselines });
    const kept = planRestore(tracker.snapshot(), DEFS);
    expect(kept.axes.get('a')?.baselines).toEqual(baselines);
    expect(kept.report.changed).toEqual([]);

    const other = planRestore(tracker.snapshot(), { ...DEFS, axes: { a: 'another drive', b: 'db' } });
    expect(other.axes.get('a')?.baselines).toBeUndefined();
    expect(other.report.changed).toEqual([
      'axis a: its definition changed since the last run; its degradation baselines are learned again',
    ]);

    tracker.apply({ type: 'relearn', ...at(4), axis: 'a', by: 'console:ana' });
    expect(tracker.snapshot().axes.a).toEqual({});
    expect(tracker.snapshot().axes.b).toEqual({ baselines: { read_time_ms: { mean: 2, sd: 0.1 } } });
  });

  it('job progress: move starts and completions, hand-offs and resumes, done and parked', () => {
    const tracker = new LineStateTracker(emptyLineState(DEFS));
    const moveOfJ = { axis: 'a', job: { id: 'j', move: 1 } };
    tracker.apply({ type: 'axis_state', ...at(1), ...moveOfJ, from: 'Standstill', to: 'DiscreteMotion', reason: 'job j move 1' });
    tracker.apply({ type: 'axis_state', ...at(2), ...moveOfJ, from: 'DiscreteMotion', to: 'Standstill', reason: 'reached' });
    expect(tracker.snapshot().jobs.j).toEqual({ status: 'running', axis: 'a', movesDone: 1, lastSeen: at(2).time });
    tracker.apply({ type: 'transfer', ...at(3), job: 'j', from: 'a', to: 'b', fromMove: 2 });
    expect(tracker.snapshot().jobs.j).toMatchObject({ status: 'queued', axis: 'b', movesDone: 1 });
    tracker.apply({ type: 'job_parked', ...at(4), job: 'j', axis: 'b', reason: 'b tripped too' });
    expect(tracker.snapshot().jobs.j).toMatchObject({ status: 'parked', parkedReason: 'b tripped too' });
    tracker.apply({ type: 'job_resumed', ...at(5), job: 'j', axis: 'a', parkedOn: 'b', fromMove: 2, by: 'console:ana' });
    expect(tracker.snapshot().jobs.j).toEqual({ status: 'queued', axis: 'a', movesDone: 1, lastSeen: at(5).time });
    tracker.apply({ type: 'job_done', ...at(6), job: 'j', axis: 'a' });
    expect(tracker.snapshot().jobs.j).toMatchObject({ status: 'done', axis: 'a' });
  });

  it('records with missing or mistyped fields change nothing', () => {
    const tracker = new LineStateTracker(emptyLineState(DEFS));
    for (const record of [
      { type: 'trip', atMs: 1, latched: true },
      { type: 'isolation', atMs: 1, axis: 'a', held: true },
      { type: 'job_done', atMs: 1, job: 7 },
      { type: 'axis_state', atMs: 1, axis: 'a', from: 'Standstill', to: 'DiscreteMotion', job: { id: 'j' } },
      { type: LINE_STATE_RECORD, atMs: 1, state: { axes: [] } },
      { type: 'something_new', atMs: 1 },
    ])
      tracker.apply(record);
    expect(tracker.snapshot()).toEqual(emptyLineState(DEFS));
  });

  it('folds from the last checkpoint on: what came before it is already in it', () => {
    const checkpoint = {
      axes: { a: { latched: { reason: 'alarm', detail: 'x' } } },
      jobs: { j: { status: 'done' as const, axis: 'a', movesDone: 2 } },
      definitions: DEFS,
    };
    const state = foldLineState(
      [
        { type: 'trip', ...at(1), axis: 'b', reason: 'alarm', detail: 'before the checkpoint', latched: true },
        { type: LINE_STATE_RECORD, ...at(2), state: checkpoint },
        { type: 'isolation', ...at(3), axis: 'b', by: 'console:ana', held: true },
      ],
      { axes: {}, jobs: {} },
    );
    expect(state).toEqual({ ...checkpoint, axes: { ...checkpoint.axes, b: { isolatedBy: ['console:ana'] } } });
  });
});

describe('planning a restore', () => {
  it('parks a job that had begun, leaves one that had not as configured, and reports each', () => {
    const plan = planRestore(
      {
        axes: {},
        jobs: {
          begun: { status: 'running', axis: 'a', movesDone: 0, lastSeen: '2026-12-04T08:00:00.000Z' },
          between: { status: 'running', axis: 'a', movesDone: 2 },
          waiting: { status: 'queued', axis: 'a', movesDone: 0 },
        },
        definitions: { axes: {}, jobs: {} },
      },
      { axes: { a: 'da' }, jobs: { begun: 'x', between: 'y', waiting: 'z' } },
    );
    expect([...plan.jobs]).toEqual([
      [
        'begun',
        {
          status: 'parked',
          axis: 'a',
          movesDone: 0,
          parkedReason: 'interrupted by a restart (last seen at 2026-12-04T08:00:00.000Z, move 1)',
        },
      ],
      ['between', { status: 'parked', axis: 'a', movesDone: 2, parkedReason: 'interrupted by a restart (move 3)' }],
    ]);
    expect(plan.report.jobsInterrupted.map((j) => j.job)).toEqual(['begun', 'between']);
  });

  it('a parked job keeps its reason and one restart note, however many restarts', () => {
    const once = planRestore(
      {
        axes: {},
        jobs: {
          j: {
            status: 'parked',
            axis: 'a',
            movesDone: 1,
            parkedReason: 'no fallback axis is configured',
            lastSeen: '2026-12-04T08:00:00.000Z',
          },
        },
        definitions: { axes: {}, jobs: {} },
      },
      { axes: { a: 'da' }, jobs: { j: 'dj' } },
    );
    const reason = once.jobs.get('j')!.parkedReason!;
    expect(reason).toBe('no fallback axis is configured; still parked after a restart (last seen at 2026-12-04T08:00:00.000Z, move 2)');
    const twice = planRestore(
      {
        axes: {},
        jobs: { j: { status: 'parked', axis: 'a', movesDone: 1, parkedReason: reason, lastSeen: '2026-12-04T09:00:00.000Z' } },
        definitions: { axes: {}, jobs: {} },
      },
      { axes: { a: 'da' }, jobs: { j: 'dj' } },
    );
    expect(twice.jobs.get('j')!.parkedReason).toBe(
      'no fallback axis is configured; still parked after a restart (last seen at 2026-12-04T09:00:00.000Z, move 2)',
    );
  });

  it('a job on an axis the config no longer has is parked, naming the axis', () => {
    const plan = planRestore(
      { axes: {}, jobs: { j: { status: 'queued', axis: 'gone', movesDone: 1 } }, definitions: { axes: {}, jobs: { j: 'dj' } } },
      { axes: { a: 'da' }, jobs: { j: 'dj' } },
    );
    expect(plan.jobs.get('j')?.parkedReason).toBe("interrupted by a restart (move 2); its axis 'gone' is not in the config any more");
  });
});
