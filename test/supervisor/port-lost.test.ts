import { describe, expect, it } from 'vitest';
import type { AxisDriver } from '../../drivers/contract.ts';
import { DriveCommError } from '../../drivers/errors.ts';
import { SimulatedDriver } from '../../drivers/simulated/simulated-driver.ts';
import { SimulatedDrive } from '../../sim/simulated-drive.ts';
import { defaultBreakerOptions } from '../../src/breaker/options.ts';
import { VirtualClock } from '../../src/common/virtual-clock.ts';
import { Supervisor } from '../../src/supervisor/supervisor.ts';
import type { SupervisorEvent } from '../../src/events/events.ts';

describe('port loss', () => {
  it('trips the axis at the first call that finds its port gone, without waiting for three misses', async () => {
    const clock = new VirtualClock();
    const drivers = ['a', 'b'].map(
      (id) =>
        new SimulatedDriver(
          new SimulatedDrive({ clock, name: id, model: { maxSpeedMmPerS: 100, maxAccelMmPerS2: 1000, trackingTimeConstantMs: 10 } }),
          clock,
        ),
    );
    const supervisor = new Supervisor({
      clock,
      periodMs: 10,
      jobs: [],
      axes: drivers.map((driver, i) => ({
        id: ['a', 'b'][i]!,
        driver,
        limits: { minMm: 0, maxMm: 100, maxSpeedMmPerS: 100 },
        fallback: undefined,
        timeoutMs: 20,
        inPositionMm: 0.05,
        recovery: 'auto' as const,
        breaker: defaultBreakerOptions,
        followingError: { minWindowMm: 1, maxWindowMm: 5, timeMs: 40 },
      })),
    });
    const events: SupervisorEvent[] = [];
    supervisor.onEvent((e) => events.push(e));
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
    const drive = new SimulatedDrive({
      clock,
      name: 'a',
      model: { maxSpeedMmPerS: 100, maxAccelMmPerS2: 1000, trackingTimeConstantMs: 10 },
    });
    const inner = new SimulatedDriver(drive, clock);
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
    const supervisor = new Supervisor({
      clock,
      periodMs: 10,
      jobs: [],
      axes: [
        {
          id: 'a',
          driver,
          limits: { minMm: 0, maxMm: 100, maxSpeedMmPerS: 100 },
          fallback: undefined,
          timeoutMs: 20,
          inPositionMm: 0.05,
          recovery: 'auto',
          breaker: defaultBreakerOptions,
          followingError: { minWindowMm: 1, maxWindowMm: 5, timeMs: 40 },
        },
      ],
    });
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
