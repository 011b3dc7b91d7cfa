import { describe, expect, it } from 'vitest';
import { axesNotUp, statusSummary, watchReadiness } from '../../src/service/readiness.ts';
import type { AxisSnapshot } from '../../src/supervisor/snapshot.ts';
import { lineYaml, simAxis, startLine, type LineHarness } from '../support/line-harness.ts';

const axis = (id: string, state: AxisSnapshot['state']): AxisSnapshot => ({
  id,
  family: 'simulated',
  state,
  breaker: 'closed',
  positionMm: 0,
  followingErrorMm: 0,
  job: undefined,
  queuedJobs: 0,
  latched: undefined,
  unobservedMs: 0,
  degraded: undefined,
});

/** Watches readiness of a line started by the harness; `ready` fills in when it is declared. */
function watch(h: LineHarness, boundMs: number) {
  const result: { atMs?: number; notUp?: readonly string[]; calls: number } = { calls: 0 };
  watchReadiness({
    clock: h.clock,
    boundMs,
    snapshot: () => h.line.supervisor.snapshot(),
    onEvent: h.line.supervisor.onEvent,
    onReady: (notUp) => {
      result.calls += 1;
      result.atMs = h.clock.now();
      result.notUp = notUp;
    },
  });
  return result;
}

describe('readiness', () => {
  it('counts an axis as up once it has left Disabled: powered and re-synced, or tripped', () => {
    const snapshot = [
      axis('a', 'Standstill'),
      axis('b', 'DiscreteMotion'),
      axis('c', 'ErrorStop'),
      axis('d', 'Disabled'),
      axis('e', 'Stopping'),
    ];
    expect(axesNotUp(snapshot)).toEqual(['d']);
  });

  it('summarises the line in one line, naming the axes that need a look', () => {
    const snapshot = [axis('a', 'Standstill'), axis('b', 'Standstill'), axis('c', 'ErrorStop'), axis('d', 'Disabled')];
    const jobs = (['done', 'parked', 'running', 'queued'] as const).map((status, i) => ({
      id: `j${i}`,
      axis: 'a',
      originalAxis: 'a',
      status,
      moves: [],
      movesDone: 0,
      parkedReason: undefined,
      transfers: [],
    }));
    expect(statusSummary(snapshot, jobs)).toBe('3/4 axes up: Standstill 2, ErrorStop c, Disabled d; jobs: 1 done, 1 parked, 2 open');
  });

  it('brings an axis up Disabled and moves it only after its re-sync to the actual position', async () => {
    const axisAt120 =
      '  - id: a\n    driver: { type: simulated, seed: 1, initialPositionMm: 120 }\n    limits: { minMm: 0, maxMm: 600, maxSpeedMmPerS: 400, maxAccelMmPerS2: 2000 }\n';
    const h = startLine(lineYaml({ axes: axisAt120, jobs: '  - { id: j, axis: a, moves: [{ positionMm: 300, speedMmPerS: 200 }] }\n' }));
    expect(h.line.supervisor.snapshot()[0]!.state).toBe('Disabled');
    await h.runUntil(() => h.eventsOf('job_done').length > 0);
    const resync = h.eventsOf('resync')[0]!;
    expect(resync.positionMm).toBeCloseTo(120, 3);
    expect(h.eventsOf('axis_state')[0]).toMatchObject({ from: 'Disabled', to: 'Standstill', atMs: resync.atMs });
    const commands = h.requestsOf('a').filter((r) => r.request.op !== 'readStatus');
    // hold, enable, re-target to where it is; only then the job's move.
    expect(commands.map((r) => r.request.op)).toEqual(['hold', 'enable', 'moveTo', 'moveTo']);
    expect(commands[2]!.request).toMatchObject({ targetMm: 120 });
    expect(commands[3]!.request).toMatchObject({ targetMm: 300 });
    expect(commands[3]!.atMs).toBeGreaterThanOrEqual(resync.atMs);
  });

  it('declares the line ready right after the last axis re-syncs, not before', async () => {
    const h = startLine(lineYaml({ axes: simAxis('a') + simAxis('bb') + simAxis('ccc') }));
    const ready = watch(h, 30_000);
    await h.runUntil(() => ready.calls > 0, 5000);
    const lastResync = Math.max(...h.eventsOf('resync').map((e) => e.atMs));
    expect(
      h
        .eventsOf('resync')
        .map((e) => e.axis)
        .sort(),
    ).toEqual(['a', 'bb', 'ccc']);
    expect(ready).toEqual({ calls: 1, atMs: lastResync, notUp: [] });
  });

  it('counts an axis that trips while starting as up: it is held and supervised', async () => {
    const h = startLine(
      lineYaml({ axes: simAxis('a') + simAxis('deaf'), faults: '    - { axis: deaf, atMs: 0, fault: { kind: silent } }\n' }),
    );
    const ready = watch(h, 30_000);
    await h.runUntil(() => ready.calls > 0, 5000);
    expect(h.eventsOf('trip')).toEqual([expect.objectContaining({ axis: 'deaf', reason: 'consecutive_failures' })]);
    expect(ready.notUp).toEqual([]);
    expect(h.line.supervisor.snapshot().map((a) => a.state)).toEqual(['Standstill', 'ErrorStop']);
  });

  it('declares the line ready at the bound anyway, naming the axes still down', async () => {
    const slow =
      '  - id: slow\n    driver: { type: simulated, seed: 2, latencyMs: 400 }\n    limits: { minMm: 0, maxMm: 600, maxSpeedMmPerS: 400, maxAccelMmPerS2: 2000 }\n    timeoutMs: 1000\n';
    const h = startLine(lineYaml({ axes: simAxis('a') + slow }));
    const ready = watch(h, 1000);
    await h.runUntil(() => ready.calls > 0, 5000);
    expect(ready).toEqual({ calls: 1, atMs: 1000, notUp: ['slow'] });
    // Once declared, it stays declared: the late axis coming up does not declare again.
    await h.runUntil(() => h.line.supervisor.snapshot()[1]!.state === 'Standstill', 20_000);
    expect(ready.calls).toBe(1);
  });
});
