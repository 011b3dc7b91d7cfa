import { describe, expect, it } from 'vitest';
import type { ReadPurpose, ReadStatusOptions } from '../../drivers/contract.ts';
import { SimulatedDriver } from '../../drivers/simulated/simulated-driver.ts';
import { SimulatedDrive } from '../../sim/simulated-drive.ts';
import { defaultBreakerOptions } from '../../src/breaker/options.ts';
import { VirtualClock } from '../../src/common/virtual-clock.ts';
import { Supervisor } from '../../src/supervisor/supervisor.ts';

/** A simulated drive whose status reads note what they were for, as a driver on a shared bus would use it. */
class PurposeRecorder extends SimulatedDriver {
  readonly purposes: { readonly atMs: number; readonly purpose: ReadPurpose; readonly breaker: string }[] = [];
  breakerState: () => string = () => '?';

  constructor(
    drive: SimulatedDrive,
    private readonly clockRef: VirtualClock,
  ) {
    super(drive, clockRef);
  }

  override readStatus(options: ReadStatusOptions) {
    this.purposes.push({ atMs: this.clockRef.now(), purpose: options.purpose ?? 'poll', breaker: this.breakerState() });
    return super.readStatus(options);
  }
}

describe('the purpose of a status read reaches the driver', () => {
  it('polls while the breaker is closed; a half-open breaker reads with purpose probe, so a shared bus serves it last', async () => {
    const clock = new VirtualClock();
    const drive = new SimulatedDrive({
      clock,
      name: 'a',
      model: { maxSpeedMmPerS: 100, maxAccelMmPerS2: 1000, trackingTimeConstantMs: 10 },
    });
    const driver = new PurposeRecorder(drive, clock);
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
          breaker: { ...defaultBreakerOptions, cooldownMs: 100 },
          followingError: { minWindowMm: 1, maxWindowMm: 5, timeMs: 40 },
        },
      ],
    });
    driver.breakerState = () => supervisor.axisDetail('a').breaker.state;
    supervisor.start();
    await clock.advanceTo(200);
    const fault = drive.injectFault({ kind: 'silent' });
    await clock.advanceTo(600);
    drive.clearFault(fault.id);
    await clock.advanceTo(1500);

    const byBreaker = (state: string) => new Set(driver.purposes.filter((p) => p.breaker === state).map((p) => p.purpose));
    expect(byBreaker('closed')).toEqual(new Set(['poll']));
    expect(byBreaker('half_open')).toEqual(new Set(['probe']));
    expect(supervisor.axisDetail('a').breaker.state).toBe('closed');
    let stopped = false;
    void supervisor.stop('test over').then(() => {
      stopped = true;
    });
    await clock.runUntil(() => stopped);
  });
});
