import { describe, expect, it } from 'vitest';
import { rigAxis, rigDrive, rigSupervisor } from '../support/supervisor-rig.ts';
import type { ReadPurpose, ReadStatusOptions } from '../../drivers/contract.ts';
import { SimulatedDriver } from '../../drivers/simulated/simulated-driver.ts';
import type { SimulatedDrive } from '../../sim/simulated-drive.ts';
import { defaultBreakerOptions } from '../../src/breaker/options.ts';
import { VirtualClock } from '../../src/common/virtual-clock.ts';

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
    const drive = rigDrive(clock, 'a');
    const driver = new PurposeRecorder(drive, clock);
    const { supervisor } = rigSupervisor({
      clock,
      axes: [rigAxis('a', driver, { breaker: { ...defaultBreakerOptions, cooldownMs: 100 } })],
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
