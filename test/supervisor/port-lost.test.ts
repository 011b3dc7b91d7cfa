import { describe, expect, it } from 'vitest';
import { rigAxis, rigDriver, rigSupervisor } from '../support/supervisor-rig.ts';
import type { AxisDriver } from '../../drivers/contract.ts';
import { DriveCommError } from '../../drivers/errors.ts';
import { VirtualClock } from '../../src/common/virtual-clock.ts';

describe('port loss', () => {
  it('trips the axis at the first call that finds its port gone, without waiting for three misses', async () => {
    const clock = new VirtualClock();
    const drivers = ['a', 'b'].map((id) => rigDriver(clock, id).inner);
    const { supervisor, events } = rigSupervisor({ clock, axes: drivers.map((driver, i) => rigAxis(['a', 'b'][i]!, driver)) });
    supervisor.start();
    await clock.advanceTo(200);
    await drivers[0]!.close();
    await clock.advanceTo(230);
    const trips = events.filter((e) => e.type === 'trip');
    expect(trips).toEqual([expect.objectContaining({ axis: 'a', reason: 'port_lost' })]);
    expect(trips[0]!.atMs).toBeLessThanOrEqual(210);
    expect(supervisor.snapshot().map((s) => [s.id, s.state])).toEqual([
      ['a', 'ErrorStop'],
      ['b', 'Standstill'],
    ]);
  });
});

describe('a port that comes back', () => {
  it('lets the axis probe at once when told its port was reopened, instead of waiting out the grown cooldown', async () => {
    const clock = new VirtualClock();
    const { inner } = rigDriver(clock, 'a');
    let portGone = false;
    const refuseWhileGone =
      <A extends unknown[], T>(call: (...args: A) => Promise<T>) =>
      (...args: A): Promise<T> =>
        portGone ? Promise.reject(new DriveCommError('port_lost', '/dev/ttyUSB0 is gone')) : call(...args);
    const driver: AxisDriver = {
      family: 'unpluggable',
      readStatus: refuseWhileGone((o) => inner.readStatus(o)),
      moveTo: refuseWhileGone((c, o) => inner.moveTo(c, o)),
      hold: refuseWhileGone((o) => inner.hold(o)),
      enable: refuseWhileGone((o) => inner.enable(o)),
      disable: refuseWhileGone((o) => inner.disable(o)),
      resetAlarm: refuseWhileGone((o) => inner.resetAlarm(o)),
      close: () => inner.close(),
    };
    const { supervisor } = rigSupervisor({ clock, axes: [rigAxis('a', driver)] });
    supervisor.start();
    await clock.advanceTo(200);
    portGone = true;
    // Gone long enough for failed probes to back the cooldown off to 4 s.
    await clock.advanceTo(4_000);
    const waitMs = supervisor.axisDetail('a').breaker.nextProbeAtMs! - clock.now();
    expect(waitMs).toBeGreaterThan(1_000);
    portGone = false;
    supervisor.probeSoon(['a']);
    const backAtMs = clock.now();
    await clock.advanceBy(100);
    expect(supervisor.axisDetail('a').breaker.state).toBe('closed');
    expect(supervisor.snapshot()[0]!.state).toBe('Standstill');
    expect(clock.now() - backAtMs).toBeLessThan(waitMs);
    const stopped = supervisor.stop('test over');
    await clock.advanceBy(100);
    await stopped;
  });
});
