import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isIllegalAxisCommandError } from '../../src/axis/axis-state.ts';
import { DEMO_CONFIG_PATH } from '../../src/cli/run-command.ts';
import { lineYaml, simAxis, startLine } from '../support/line-harness.ts';

const job = (id: string, axis: string, targets: number[], speed = 300) =>
  `  - id: ${id}\n    axis: ${axis}\n    moves:\n${targets.map((t) => `      - { positionMm: ${t}, speedMmPerS: ${speed} }`).join('\n')}\n`;

const fault = (axis: string, atMs: number, spec: string, clearAtMs?: number) =>
  `    - { axis: ${axis}, atMs: ${atMs}, ${clearAtMs === undefined ? '' : `clearAtMs: ${clearAtMs}, `}fault: ${spec} }\n`;

describe('supervisor on a line of simulated drives', () => {
  it('finishes the healthy axes jobs while one axis jams, and moves the jammed job to its fallback in order', async () => {
    const h = startLine(
      lineYaml({
        axes: simAxis('a', '    fallback: b\n') + simAxis('b') + simAxis('c'),
        jobs: job('ja', 'a', [300, 50, 450, 150]) + job('jb', 'b', [200]) + job('jc', 'c', [100, 500, 0]),
        faults: fault('a', 1500, '{ kind: jam }'),
      }),
    );
    await h.runToEnd();
    expect(h.fatal).toEqual([]);
    const trip = h.eventsOf('trip')[0];
    expect(trip).toMatchObject({ axis: 'a', reason: 'following_error' });
    // Held at once: the hold reaches the drive in the same instant as the trip, and the drive confirms it.
    expect(h.requestsOf('a', 'hold').find((r) => r.atMs >= trip!.atMs)).toMatchObject({ atMs: trip!.atMs, outcome: 'applied' });
    expect(h.eventsOf('hold').find((e) => e.axis === 'a' && e.cause === 'trip')).toMatchObject({ acknowledged: true });
    const transfer = h.eventsOf('transfer')[0]!;
    expect(transfer).toMatchObject({ job: 'ja', from: 'a', to: 'b' });
    // b runs its own job, then the remaining moves of ja in their original order.
    const bTargets = h.requestsOf('b', 'moveTo').map((r) => (r.request as { targetMm: number }).targetMm);
    const remaining = [300, 50, 450, 150].slice(transfer.fromMove - 1);
    expect(bTargets.slice(-remaining.length)).toEqual(remaining);
    expect(h.line.supervisor.jobs().map((j) => [j.id, j.status, j.axis])).toEqual([
      ['jb', 'done', 'b'],
      ['jc', 'done', 'c'],
      ['ja', 'done', 'b'],
    ]);
    // c never noticed: no trip, no hold other than the final shutdown hold.
    expect(
      h
        .eventsOf('hold')
        .filter((e) => e.axis === 'c')
        .map((e) => e.cause),
    ).toEqual(['shutdown']);
  });

  it('trips on missed deadlines, holds, parks the job without a fallback, and re-syncs before the axis moves again', async () => {
    const h = startLine(
      lineYaml({
        axes: simAxis('a') + simAxis('b'),
        jobs: job('ja', 'a', [500, 0], 200) + job('jb', 'b', [100, 200, 300, 400, 500], 100),
        faults: fault('a', 1000, '{ kind: silent }', 1700),
      }),
    );
    await h.runUntil(() => h.line.supervisor.snapshot()[0]!.state === 'Standstill' && h.clock.now() > 1700);
    const trip = h.eventsOf('trip')[0]!;
    expect(trip).toMatchObject({ axis: 'a', reason: 'consecutive_failures' });
    expect(trip.atMs).toBeGreaterThanOrEqual(1000 + 3 * 20);
    expect(trip.atMs).toBeLessThanOrEqual(1000 + 4 * 20 + 10);
    // The trip times its row: three failed calls after the drive fell silent, the last at the trip.
    expect(trip.failedCallsAtMs).toHaveLength(3);
    expect(trip.failedCallsAtMs![0]).toBeGreaterThan(1000);
    expect(trip.failedCallsAtMs!.at(-1)).toBe(trip.atMs);
    expect(h.eventsOf('job_parked')).toEqual([expect.objectContaining({ job: 'ja', axis: 'a', reason: 'no fallback axis is configured' })]);
    // The silent drive could not confirm the trip hold; it is sent again as soon as the drive answers.
    const holds = h.eventsOf('hold').filter((e) => e.axis === 'a');
    expect(holds.map((e) => e.acknowledged)).toEqual([false, true]);
    expect(holds[1]!.atMs).toBeGreaterThan(1700);
    // While open and half-open, the drive got read-only probes and holds only: nothing that moves.
    const recovered = h
      .eventsOf('resync')
      .filter((e) => e.axis === 'a')
      .at(-1)!;
    const whileTripped = h.requestsOf('a').filter((r) => r.atMs > trip.atMs && r.atMs < holds[1]!.atMs);
    expect(new Set(whileTripped.map((r) => r.request.op))).toEqual(new Set(['readStatus', 'hold']));
    // Re-sync: the first motion command after the fault targets the actual position (no jump).
    const firstMove = h.requestsOf('a', 'moveTo').find((r) => r.atMs > holds[1]!.atMs)!;
    const targetMm = (firstMove.request as { targetMm: number }).targetMm;
    expect(Math.abs(targetMm - recovered.positionMm)).toBeLessThanOrEqual(0.05);
    expect(h.line.supervisor.snapshot()[0]).toMatchObject({ state: 'Standstill', breaker: 'closed', latched: undefined });
    await h.stop();
  });

  it('trips on the failure ratio when a drive drops many answers but never enough in a row', async () => {
    const h = startLine(
      lineYaml({
        axes: simAxis(
          'a',
          '    breaker: { consecutiveFailures: 50, failureRatio: { threshold: 0.5, windowSize: 20, minimumCalls: 10 } }\n',
        ),
        faults: fault('a', 200, '{ kind: dropout, probability: 0.6 }'),
      }),
    );
    await h.runUntil(() => h.eventsOf('trip').length > 0, 10_000);
    expect(h.eventsOf('trip')[0]).toMatchObject({ axis: 'a', reason: 'failure_ratio' });
    expect(h.requestsOf('a', 'hold').length).toBeGreaterThan(0);
    await h.stop();
  });

  it('trips on a drive alarm and latches until a technician resets it after the alarm clears', async () => {
    const h = startLine(
      lineYaml({ axes: simAxis('a'), jobs: job('ja', 'a', [500], 100), faults: fault('a', 500, '{ kind: alarm, code: 7 }', 3000) }),
    );
    await h.runUntil(() => h.clock.now() >= 4000);
    expect(h.eventsOf('trip')[0]).toMatchObject({ axis: 'a', reason: 'alarm', detail: 'drive alarm code 7' });
    expect(h.line.supervisor.snapshot()[0]).toMatchObject({ state: 'ErrorStop', latched: expect.stringMatching(/^alarm/) });
    const resetDone = h.line.supervisor.operator.reset('a', 'technician');
    let settled = false;
    void resetDone.finally(() => (settled = true));
    await h.runUntil(() => settled);
    await resetDone;
    expect(h.line.supervisor.snapshot()[0]).toMatchObject({ state: 'Standstill', breaker: 'closed', latched: undefined });
    expect(h.eventsOf('resync').at(-1)).toMatchObject({ axis: 'a' });
    await h.stop();
  });

  it('refuses an illegal command with the state and why, and sends nothing to the drive', async () => {
    const h = startLine(lineYaml({ axes: simAxis('a') }));
    await h.runUntil(() => h.line.supervisor.snapshot()[0]!.state === 'Standstill');
    const before = h.requests.length;
    const refused = await h.line.supervisor.operator.reset('a', 'technician').catch((e: unknown) => e);
    expect(isIllegalAxisCommandError(refused)).toBe(true);
    expect((refused as Error).message).toBe("axis 'a' refused 'reset' in state Standstill: there is no error to reset");
    expect(h.requests.length).toBe(before);
    await h.stop();
  });

  it('isolates an axis on request: held, job handed on, and it stays latched after the isolation ends', async () => {
    const h = startLine(lineYaml({ axes: simAxis('a', '    fallback: b\n') + simAxis('b'), jobs: job('ja', 'a', [500, 0], 100) }));
    await h.runUntil(() => h.clock.now() >= 1000);
    const isolation = h.line.supervisor.operator.isolate('a', 'technician');
    expect(h.eventsOf('trip').at(-1)).toMatchObject({ axis: 'a', reason: 'isolated' });
    expect(h.eventsOf('transfer').at(-1)).toMatchObject({ job: 'ja', from: 'a', to: 'b' });
    // The journal tells it in the order it happened: the breaker opened, the trip's hold and hand-off, then the isolation.
    const told = h.events.map((e) => e.type).filter((t) => t === 'breaker' || t === 'trip' || t === 'transfer' || t === 'isolation');
    expect(told.slice(-4)).toEqual(['breaker', 'trip', 'transfer', 'isolation']);
    isolation.dispose();
    await h.runUntil(() => h.clock.now() >= 5000);
    expect(h.line.supervisor.snapshot()[0]).toMatchObject({
      state: 'ErrorStop',
      breaker: 'closed',
      latched: expect.stringMatching(/^isolated/),
    });
    await h.stop();
  });

  it('holds every axis on stop', async () => {
    const h = startLine(lineYaml({ axes: simAxis('a') + simAxis('b'), jobs: job('ja', 'a', [500], 100) }));
    await h.runUntil(() => h.clock.now() >= 800);
    await h.stop();
    expect(h.requestsOf('a', 'hold').at(-1)?.outcome).toBe('applied');
    expect(h.requestsOf('b', 'hold').at(-1)?.outcome).toBe('applied');
    expect(h.events.at(-1)).toMatchObject({ type: 'stop' });
  });

  it('polls a healthy axis just as often when its neighbour is silent', async () => {
    const polls = async (neighbourSilent: boolean) => {
      const h = startLine(
        lineYaml({
          axes: simAxis('a') + simAxis('b'),
          faults: neighbourSilent ? fault('b', 100, '{ kind: silent }') : undefined,
        }),
      );
      // Counts a window that ends before the run does: which of two timers due at the very same
      // instant fires first is not what this test is about.
      await h.runUntil(() => h.clock.now() >= 2150);
      const count = h.requestsOf('a', 'readStatus').filter((r) => r.atMs >= 100 && r.atMs < 2100).length;
      await h.stop();
      return count;
    };
    const alone = await polls(false);
    expect(alone).toBeGreaterThan(150);
    expect(await polls(true)).toBe(alone);
  });

  it('gives identical journals for two virtual runs of the demo line', async () => {
    const demo = readFileSync(DEMO_CONFIG_PATH, 'utf8');
    const run = async () => {
      const h = startLine(demo);
      await h.runToEnd();
      return JSON.stringify(h.events);
    };
    const first = await run();
    expect(first).toContain('"type":"trip"');
    expect(await run()).toBe(first);
  });
});
