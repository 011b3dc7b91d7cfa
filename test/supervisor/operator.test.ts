import { describe, expect, it } from 'vitest';
import { isIllegalAxisCommandError } from '../../src/axis/axis-state.ts';
import { lineYaml, simAxis, startLine, type LineHarness } from '../support/line-harness.ts';

const state = (h: LineHarness, axis: string) => h.line.supervisor.snapshot().find((s) => s.id === axis)!;

/** Runs virtual time until the operator action settles, then returns its outcome (value or error). */
async function settle<T>(h: LineHarness, action: Promise<T>): Promise<T | unknown> {
  let done = false;
  const outcome = action.then(
    (v) => v,
    (e: unknown) => e,
  );
  void outcome.finally(() => (done = true));
  await h.runUntil(() => done);
  return outcome;
}

const oneJob = `  - id: j\n    axis: a\n    moves:\n      - { positionMm: 400, speedMmPerS: 100 }\n      - { positionMm: 0, speedMmPerS: 100 }\n`;

describe('operator actions', () => {
  it('holds a moving axis (latched stop) and resumes its job only after release re-syncs it', async () => {
    const h = startLine(lineYaml({ axes: simAxis('a'), jobs: oneJob }));
    await h.runUntil(() => h.clock.now() >= 1000);
    expect(state(h, 'a').state).toBe('DiscreteMotion');
    await settle(h, h.line.supervisor.operator.hold('a', 'tech'));
    expect(state(h, 'a').state).toBe('Stopping');
    const heldAt = h.clock.now();
    await h.runUntil(() => h.clock.now() >= heldAt + 2000);
    // While latched, nothing that moves reaches the drive.
    expect(h.requestsOf('a', 'moveTo').filter((r) => r.atMs > heldAt)).toEqual([]);
    await settle(h, h.line.supervisor.operator.release('a', 'tech'));
    const resync = h.eventsOf('resync').at(-1)!;
    const afterRelease = h.requestsOf('a', 'moveTo').filter((r) => r.atMs > heldAt);
    // First the zero-length re-sync move to where the axis stands, then the interrupted job move again.
    expect((afterRelease[0]!.request as { targetMm: number }).targetMm).toBeCloseTo(resync.positionMm, 1);
    await h.runToEnd();
    expect(h.line.supervisor.jobs()[0]).toMatchObject({ status: 'done', movesDone: 2 });
  });

  it('does not trip an axis held at full speed while it decelerates', async () => {
    const fast = `  - id: j\n    axis: a\n    moves:\n      - { positionMm: 550, speedMmPerS: 400 }\n`;
    const h = startLine(lineYaml({ axes: simAxis('a'), jobs: fast }));
    await h.runUntil(() => (state(h, 'a').positionMm ?? 0) > 200);
    await settle(h, h.line.supervisor.operator.hold('a', 'tech'));
    const heldAt = h.clock.now();
    await h.runUntil(() => h.clock.now() >= heldAt + 1000);
    expect(h.eventsOf('trip')).toEqual([]);
    expect(state(h, 'a').state).toBe('Stopping');
    await h.stop();
  });

  it('keeps a disabled axis off until it is enabled again, re-synced', async () => {
    const h = startLine(lineYaml({ axes: simAxis('a') }));
    await h.runUntil(() => state(h, 'a').state === 'Standstill');
    await settle(h, h.line.supervisor.operator.disable('a', 'tech'));
    await h.runUntil(() => h.clock.now() >= 1000);
    expect(state(h, 'a').state).toBe('Disabled');
    expect(h.requestsOf('a', 'disable').at(-1)?.outcome).toBe('applied');
    await settle(h, h.line.supervisor.operator.enable('a', 'tech'));
    expect(state(h, 'a').state).toBe('Standstill');
    expect(h.eventsOf('axis_state').at(-1)).toMatchObject({ axis: 'a', from: 'Disabled', to: 'Standstill', reason: 'enabled by tech' });
    await h.stop();
  });

  it('jogs an idle axis by the distance asked, at the jog speed, within its travel', async () => {
    const h = startLine(lineYaml({ axes: simAxis('a') }));
    await h.runUntil(() => state(h, 'a').state === 'Standstill');
    await settle(h, h.line.supervisor.operator.jog('a', 25, 'tech'));
    await h.runUntil(() => state(h, 'a').state === 'Standstill');
    expect(state(h, 'a').positionMm).toBeCloseTo(25, 1);
    expect(h.requestsOf('a', 'moveTo').at(-1)!.request).toMatchObject({ targetMm: 25, speedMmPerS: 40 });
    await h.stop();
  });

  it('refuses a jog outside the travel, or on an axis with job work waiting, and sends no move', async () => {
    const h = startLine(lineYaml({ axes: simAxis('a') + simAxis('b'), jobs: oneJob.replace('axis: a', 'axis: b') }));
    await h.runUntil(() => state(h, 'a').state === 'Standstill' && state(h, 'b').state === 'DiscreteMotion');
    const moves = h.requests.filter((r) => r.request.op === 'moveTo').length;
    const outside = await settle(h, h.line.supervisor.operator.jog('a', -5, 'tech'));
    expect((outside as Error).message).toBe("jog of -5 mm would take 'a' to -5.000 mm, outside its travel [0, 600] mm");
    const busy = await settle(h, h.line.supervisor.operator.jog('b', 5, 'tech'));
    expect(isIllegalAxisCommandError(busy)).toBe(true);
    expect(h.requests.filter((r) => r.request.op === 'moveTo' && r.axis === 'a').length + h.requestsOf('b', 'moveTo').length).toBe(moves);
    await h.stop();
  });
});
