import { describe, expect, it } from 'vitest';
import { SimulatedDriver } from '../../drivers/simulated/simulated-driver.ts';
import { SimulatedDrive } from '../../sim/simulated-drive.ts';
import { defaultBreakerOptions } from '../../src/breaker/options.ts';
import { VirtualClock } from '../../src/common/virtual-clock.ts';
import type { SupervisorEvent } from '../../src/supervisor/events.ts';
import { Supervisor } from '../../src/supervisor/supervisor.ts';

describe('port loss', () => {
  it('trips the axis at the first call that finds its port gone, without waiting for three misses', async () => {
    const clock = new VirtualClock();
    const drivers = ['a', 'b'].map(
      (id) => new SimulatedDriver(new SimulatedDrive({ clock, name: id, model: { maxSpeedMmPerS: 100, maxAccelMmPerS2: 1000, trackingTimeConstantMs: 10 } }), clock),
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
