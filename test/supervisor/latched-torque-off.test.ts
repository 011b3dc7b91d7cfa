import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { describeEvent } from '../../src/events/describe-event.ts';
import { lineYaml, simAxis, startLine } from '../support/line-harness.ts';

const jamLine = (extra: string) =>
  lineYaml({
    axes: simAxis('a', extra),
    jobs: '  - id: j\n    axis: a\n    moves:\n      - { positionMm: 400, speedMmPerS: 300 }\n',
  });

async function jamMidMove(extra: string) {
  const h = startLine(jamLine(extra));
  const drive = h.line.simulators.get('a')!;
  await h.runUntil(() => drive.peekStatus().positionMm >= 150);
  const jam = drive.injectFault({ kind: 'jam' });
  await h.runUntil(() => h.eventsOf('hold').length > 0, h.clock.now() + 2_000);
  await h.clock.advanceBy(200);
  return { h, drive, jam };
}

describe('onLatchedTrip', () => {
  it('torque_off: a latched trip holds the axis, then drops its torque, and says so; a reset re-syncs and powers it again where it stands', async () => {
    const { h, drive, jam } = await jamMidMove('    onLatchedTrip: torque_off\n');
    expect(h.eventsOf('trip')[0]).toMatchObject({ axis: 'a', reason: 'following_error', latched: true });
    expect(h.eventsOf('hold')).toEqual([expect.objectContaining({ axis: 'a', cause: 'trip', acknowledged: true, torqueOff: true })]);
    expect(describeEvent(h.eventsOf('hold')[0]!)).toMatch(/a: hold \(trip\) confirmed by the drive, then torque off$/);
    const ops = h.requestsOf('a').map((r) => r.request.op);
    expect(ops.slice(ops.lastIndexOf('hold'))).toContain('disable');
    expect(drive.peekStatus().enabled).toBe(false);
    // No second trip for a drive that is off because we turned it off.
    await h.clock.advanceBy(1_000);
    expect(h.eventsOf('trip')).toHaveLength(1);
    jam.dispose();
    const stoodAtMm = drive.peekStatus().positionMm;
    const resyncs = h.eventsOf('resync').length;
    void h.line.supervisor.operator.reset('a', 'test');
    await h.runUntil(() => h.eventsOf('resync').length > resyncs, h.clock.now() + 2_000);
    expect(drive.peekStatus().enabled).toBe(true);
    expect(h.eventsOf('resync').at(-1)!.positionMm).toBeCloseTo(stoodAtMm, 0);
    await h.stop();
  });

  it("torque_off: an isolation is the technician's hold and keeps the torque", async () => {
    const h = startLine(jamLine('    onLatchedTrip: torque_off\n'));
    const drive = h.line.simulators.get('a')!;
    await h.runUntil(() => drive.peekStatus().positionMm >= 150);
    const isolation = h.line.supervisor.operator.isolate('a', 'tech');
    await h.runUntil(() => h.eventsOf('hold').length > 0, h.clock.now() + 2_000);
    await h.clock.advanceBy(200);
    expect(h.eventsOf('trip')[0]).toMatchObject({ axis: 'a', reason: 'isolated' });
    expect(h.eventsOf('hold')[0]).not.toHaveProperty('torqueOff');
    expect(drive.peekStatus().enabled).toBe(true);
    isolation.dispose();
    await h.stop();
  });

  it('hold (the default): the torque stays on after a latched trip', async () => {
    const { h, drive } = await jamMidMove('');
    expect(h.eventsOf('hold')[0]).toMatchObject({ cause: 'trip', acknowledged: true });
    expect(h.eventsOf('hold')[0]).not.toHaveProperty('torqueOff');
    expect(drive.peekStatus().enabled).toBe(true);
    await h.stop();
  });

  it('is refused with the values it takes', () => {
    expect(() => parseConfig(jamLine('    onLatchedTrip: limp\n'), 't.yaml')).toThrow(/onLatchedTrip.*hold.*torque_off/s);
  });
});
