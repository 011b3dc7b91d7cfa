import { describe, expect, it } from 'vitest';
import type { CallOptions, ReadStatusOptions } from '../../drivers/contract.ts';
import { SimulatedDriver } from '../../drivers/simulated/simulated-driver.ts';
import { SimulatedDrive } from '../../sim/simulated-drive.ts';
import { defaultBreakerOptions } from '../../src/breaker/options.ts';
import { VirtualClock } from '../../src/common/virtual-clock.ts';
import { Supervisor } from '../../src/supervisor/supervisor.ts';

/** A simulated drive whose power-up takes `enableMs`, as a bus exchange sequence would; notes reads and power-ups. */
class TimedEnable extends SimulatedDriver {
  readonly readsAtMs: number[] = [];
  readonly enables: { startMs: number; endMs: number }[] = [];

  constructor(
    drive: SimulatedDrive,
    private readonly clockRef: VirtualClock,
    private readonly enableMs: number,
  ) {
    super(drive, clockRef);
  }

  override readStatus(options: ReadStatusOptions) {
    this.readsAtMs.push(this.clockRef.now());
    return super.readStatus(options);
  }

  override async enable(options: CallOptions): Promise<void> {
    const startMs = this.clockRef.now();
    await this.clockRef.sleep(this.enableMs);
    await super.enable(options);
    this.enables.push({ startMs, endMs: this.clockRef.now() });
  }
}

function line(warmupMs: number) {
  const clock = new VirtualClock();
  const drivers = ['a', 'b', 'c'].map(
    (name) =>
      new TimedEnable(
        new SimulatedDrive({ clock, name, model: { maxSpeedMmPerS: 100, maxAccelMmPerS2: 1000, trackingTimeConstantMs: 10 } }),
        clock,
        15,
      ),
  );
  const supervisor = new Supervisor({
    clock,
    periodMs: 10,
    warmupMs,
    jobs: [],
    axes: drivers.map((driver, i) => ({
      id: `ax${i + 1}`,
      driver,
      limits: { minMm: 0, maxMm: 100, maxSpeedMmPerS: 100 },
      fallback: undefined,
      timeoutMs: 40,
      inPositionMm: 0.05,
      recovery: 'auto' as const,
      breaker: defaultBreakerOptions,
      followingError: { minWindowMm: 1, maxWindowMm: 5, timeMs: 40 },
    })),
  });
  return { clock, drivers, supervisor };
}

describe('power-up after a warm-up, one axis at a time', () => {
  it('polls every drive read-only through the warm-up, then powers the axes one after another', async () => {
    const { clock, drivers, supervisor } = line(300);
    supervisor.start();
    await clock.advanceTo(290);
    for (const driver of drivers) {
      expect(driver.readsAtMs.length).toBeGreaterThan(20);
      expect(driver.enables).toEqual([]);
    }
    expect(supervisor.snapshot().map((s) => s.state)).toEqual(['Disabled', 'Disabled', 'Disabled']);

    await clock.advanceTo(600);
    expect(supervisor.snapshot().map((s) => s.state)).toEqual(['Standstill', 'Standstill', 'Standstill']);
    const enables = drivers.flatMap((d) => d.enables).sort((x, y) => x.startMs - y.startMs);
    expect(enables).toHaveLength(3);
    expect(enables[0]!.startMs).toBeGreaterThanOrEqual(300);
    // Never two power-ups at once: each starts after the one before it ended.
    for (let i = 1; i < enables.length; i++) expect(enables[i]!.startMs).toBeGreaterThanOrEqual(enables[i - 1]!.endMs);
  });

  it('without a warm-up the first cycle already powers an axis', async () => {
    const { clock, drivers, supervisor } = line(0);
    supervisor.start();
    await clock.advanceTo(30);
    expect(drivers.flatMap((d) => d.enables).length).toBeGreaterThanOrEqual(1);
  });
});
