import { LxServoDriver } from '../../drivers/bus-servo/lx-servo-driver.ts';
import { StsServoDriver } from '../../drivers/bus-servo/sts-servo-driver.ts';
import type { AxisDriver } from '../../drivers/contract.ts';
import { BusScheduler } from '../../protocols/bus-scheduler.ts';
import { STS_STATUS_BLOCK } from '../../protocols/bus-servo/sts-protocol.ts';
import { StsSyncReader } from '../../protocols/bus-servo/sts-sync-reader.ts';
import { servoLine } from '../protocols/bus-servo/support/servo-rig.ts';
import { describeDriverContract } from './driver-contract.ts';
import type { DriverRig } from './rig.ts';

type Line = Awaited<ReturnType<typeof servoLine>>;

/**
 * A bus-servo driver against the simulator's LX or STS face through the real ServoBusMaster and a
 * bus scheduler, in memory on a virtual clock: servo 1 (and a neighbour, 2) at 120 degrees, the
 * axis in degrees. Writes are what the servo carried out (the simulated drive's requests: reads
 * touch none), traffic is every frame the master sent.
 */
async function servoRig(
  protocol: 'lx' | 'sts',
  makeDriver: (line: Line, scheduler: BusScheduler) => AxisDriver,
  stepMm: number,
  inPositionMm: number,
) {
  const line = await servoLine(protocol, [1, 2]);
  const scheduler = new BusScheduler(line.clock, () => line.master.lineSettled());
  const driver = makeDriver(line, scheduler);
  let writes = 0;
  line.drive(1).onRequest(() => writes++);
  return {
    driver,
    clock: line.clock,
    inPositionMm,
    callMs: 40,
    // A silent servo costs one wire budget per exchange, less than the call's 40 ms.
    givesUpBeforeDeadline: true,
    // About 20 degrees, a whole number of the servo's steps: the target it reports is on its grid.
    move: { distanceMm: Math.round(20 / stepMm) * stepMm, speedMmPerS: 50 },
    traffic: () => line.master.counters.transactions,
    writes: () => writes,
    silence: () => line.server.inject(1, { kind: 'silent' }),
    dispose: async () => {
      await driver.close();
      scheduler.close();
      await line.master.close();
    },
  } satisfies DriverRig;
}

const common = (line: Line, scheduler: BusScheduler) => ({ servoId: 1, master: line.master, scheduler, clock: line.clock, mmPerDegree: 1 });
/** A servo's step (LX: 240 degrees in 1000 units; STS: 4096 steps a turn) and the driver's in-position tolerance: 2 LX units, 8 STS steps. */
const LX_STEP_MM = 0.24;
const STS_STEP_MM = 360 / 4096;
const LX_IN_POSITION_MM = 2 * LX_STEP_MM;
const STS_IN_POSITION_MM = 8 * STS_STEP_MM;
/** The bus servos' alarms are their own few bits (LX: 1 temperature, 2 voltage; STS: the status error byte), not a drive's 16-bit codes. */
const NO_CODES = { alarms: 'a bus servo reports a few fault bits, not any 16-bit code (its alarms are tested in test/drivers/bus-servo)' };

describeDriverContract(
  'LxServoDriver',
  () =>
    servoRig(
      'lx',
      (line, scheduler) => new LxServoDriver({ ...common(line, scheduler), maxTemperatureC: 70 }),
      LX_STEP_MM,
      LX_IN_POSITION_MM,
    ),
  NO_CODES,
);
describeDriverContract(
  'StsServoDriver',
  () => servoRig('sts', (line, scheduler) => new StsServoDriver(common(line, scheduler)), STS_STEP_MM, STS_IN_POSITION_MM),
  NO_CODES,
);
describeDriverContract(
  'StsServoDriver polling through the line SYNC_READ',
  () =>
    servoRig(
      'sts',
      (line, scheduler) =>
        new StsServoDriver({
          ...common(line, scheduler),
          syncReader: new StsSyncReader(line.master, scheduler, line.clock, STS_STATUS_BLOCK),
        }),
      STS_STEP_MM,
      STS_IN_POSITION_MM,
    ),
  NO_CODES,
);
