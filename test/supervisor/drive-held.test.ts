import { describe, expect, it } from 'vitest';
import { lineYaml, simAxis, startLine } from '../support/line-harness.ts';

describe('a drive that holds by itself during a move (its comm-loss watchdog, a local stop)', () => {
  it('trips the axis (drive_held) instead of waiting forever for the move, parks its job, and recovers by re-syncing where the drive stands', async () => {
    const h = startLine(
      lineYaml({
        axes: simAxis('a'),
        jobs: '  - id: j\n    axis: a\n    moves:\n      - { positionMm: 400, speedMmPerS: 300 }\n',
      }),
    );
    const drive = h.line.simulators.get('a')!;
    await h.runUntil(() => drive.peekStatus().positionMm >= 100);
    const heldAtMs = h.clock.now();
    // As the drive's watchdog does it: a hold that did not come from the supervisor.
    drive.execute({ op: 'hold' });
    await h.runUntil(() => h.eventsOf('trip').length > 0, heldAtMs + 1_000);
    expect(h.eventsOf('trip')).toEqual([expect.objectContaining({ axis: 'a', reason: 'drive_held' })]);
    expect(h.eventsOf('trip')[0]!.atMs - heldAtMs).toBeLessThanOrEqual(20);
    expect(h.line.supervisor.jobs()[0]).toMatchObject({ status: 'parked' });

    // Not latched: once the breaker has closed again the axis re-syncs to where the drive stopped.
    await h.runUntil(() => h.line.supervisor.snapshot()[0]!.state === 'Standstill', heldAtMs + 5_000);
    const stoppedAtMm = drive.peekStatus().positionMm;
    const [resync] = h.eventsOf('resync').filter((e) => e.atMs > heldAtMs);
    expect(resync!.positionMm).toBeCloseTo(stoppedAtMm, 1);
    // After the hold nothing but the zero-length re-sync went out: the job waits for a technician.
    const movesAfter = h.requestsOf('a', 'moveTo').filter((r) => r.atMs > heldAtMs);
    expect(movesAfter.length).toBeGreaterThan(0);
    for (const move of movesAfter) expect(move.request.op === 'moveTo' && move.request.targetMm).toBeCloseTo(stoppedAtMm, 1);
    await h.stop();
  });
});
