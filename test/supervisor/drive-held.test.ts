import { describe, expect, it } from 'vitest';
import { rigAxis, rigDriver, rigSupervisor } from '../support/supervisor-rig.ts';
import type { AxisDriver } from '../../drivers/contract.ts';
import { VirtualClock } from '../../src/common/virtual-clock.ts';
import { tripMidMove } from '../support/line-harness.ts';

describe('a drive that holds by itself during a move (its comm-loss watchdog, a local stop)', () => {
  it('trips the axis (drive_held) instead of waiting forever for the move, parks its job, and recovers by re-syncing where the drive stands', async () => {
    // At 100 mm, as the drive's watchdog does it: a hold that did not come from the supervisor.
    const { h, drive, actedAtMs: heldAtMs } = await tripMidMove(100, (d) => d.execute({ op: 'hold' }), 1_000);
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

  it('does not take the holds of its own shutdown for a drive that held by itself', async () => {
    const clock = new VirtualClock();
    const { drive, inner } = rigDriver(clock, 'a', { maxSpeedMmPerS: 300, maxAccelMmPerS2: 2000, trackingTimeConstantMs: 10 });
    let readWaiting = false;
    // Status reads wait 3 ms for the bus, as behind other traffic: the shutdown hold, which jumps the
    // queue, reaches the drive before a read already under way, whose answer then shows the hold.
    const driver: AxisDriver = {
      family: 'queued',
      readStatus: async (o) => {
        readWaiting = true;
        await clock.sleep(3);
        readWaiting = false;
        return inner.readStatus(o);
      },
      moveTo: (c, o) => inner.moveTo(c, o),
      hold: (o) => inner.hold(o),
      enable: (o) => inner.enable(o),
      disable: (o) => inner.disable(o),
      resetAlarm: (o) => inner.resetAlarm(o),
      close: () => inner.close(),
    };
    const { supervisor, events } = rigSupervisor({
      clock,
      jobs: [{ id: 'j', axis: 'a', moves: [{ positionMm: 400, speedMmPerS: 300 }] }],
      axes: [
        rigAxis('a', driver, {
          limits: { minMm: 0, maxMm: 500, maxSpeedMmPerS: 300 },
          followingError: { minWindowMm: 1, maxWindowMm: 10, timeMs: 40 },
        }),
      ],
    });
    supervisor.start();
    await clock.runUntil(() => drive.peekStatus().positionMm >= 100);
    await clock.runUntil(() => readWaiting);
    const stopped = supervisor.stop('test over');
    await clock.advanceBy(50);
    await stopped;
    expect(events.filter((e) => e.type === 'trip')).toEqual([]);
    expect(events.filter((e) => e.type === 'hold').map((e) => e.type === 'hold' && e.cause)).toEqual(['shutdown']);
    expect(events.at(-1)).toMatchObject({ type: 'stop' });
  });
});
