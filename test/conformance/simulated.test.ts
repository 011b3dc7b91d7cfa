import type { SimulatedDriveEndpoint } from '../../drivers/simulated/endpoint.ts';
import { SimulatedDriver } from '../../drivers/simulated/simulated-driver.ts';
import { SimulatedDrive } from '../../sim/simulated-drive.ts';
import { VirtualClock } from '../../src/common/virtual-clock.ts';
import { describeDriverContract } from './driver-contract.ts';
import type { DriverRig } from './rig.ts';

/** The simulator in process, in virtual time; the axis starts off zero so that "no jump" means something. */
async function simulatedRig(): Promise<DriverRig> {
  const clock = new VirtualClock();
  const drive = new SimulatedDrive({
    clock,
    name: 'axis-Y',
    model: { maxSpeedMmPerS: 200, maxAccelMmPerS2: 1000, trackingTimeConstantMs: 5, initialPositionMm: 12.5 },
  });
  const endpoint: SimulatedDriveEndpoint = drive;
  const driver = new SimulatedDriver(endpoint, clock);
  const commands = () => {
    const { readStatus: _reads, ...applied } = drive.stats().applied;
    return Object.values(applied).reduce((sum, n) => sum + n, 0);
  };
  return {
    driver,
    clock,
    inPositionMm: 0.01, // the model's default
    callMs: 20,
    move: { distanceMm: 20, speedMmPerS: 50 },
    traffic: () => drive.stats().received,
    writes: commands,
    silence: () => void drive.injectFault({ kind: 'silent' }),
    raiseAlarm: (code) => drive.injectFault({ kind: 'alarm', code }),
    dispose: () => driver.close(),
  };
}

describeDriverContract('SimulatedDriver', simulatedRig);
