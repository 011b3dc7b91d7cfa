import { describe, it } from 'vitest';
import { ModbusAxisDriver } from '../../drivers/modbus/index.ts';
import { BusScheduler } from '../../protocols/bus-scheduler.ts';
import { loadDriveProfile } from '../../protocols/profile-schema.ts';
import { RtuMaster } from '../../protocols/rtu-master.ts';
import { RealClock } from '../../src/common/clock.ts';
import { describeDriverContract } from './driver-contract.ts';
import type { DriverRig } from './rig.ts';

/**
 * The contract against a real Modbus RTU drive, when the environment names one:
 * AXISGUARD_CONFORMANCE_PORT (serial path) and AXISGUARD_CONFORMANCE_UNIT (unit id) are required;
 * AXISGUARD_CONFORMANCE_PROFILE (default kpower-generic), AXISGUARD_CONFORMANCE_BAUD (19200) and
 * AXISGUARD_CONFORMANCE_STEP_MM (1, at most MAX_STEP_MM) and AXISGUARD_CONFORMANCE_WINDOW_MM (the drive's
 * in-position window, 0.01) are optional. The drive is disabled before
 * each case, so use an axis that may go limp (no hanging load). Every move is one step from where
 * the axis stands, alternately forwards and backwards, and every case ends with a hold.
 */
const env = process.env;
const port = env.AXISGUARD_CONFORMANCE_PORT;
const unit = env.AXISGUARD_CONFORMANCE_UNIT;

/** The largest step the suite will ever command on real hardware, mm. */
const MAX_STEP_MM = 5;
const STEP_MM = Math.min(Math.abs(Number(env.AXISGUARD_CONFORMANCE_STEP_MM ?? 1)), MAX_STEP_MM);
/** Slow, so that a hold right after the start lands well short of the step. */
const SPEED_MM_PER_S = 5;
/** Several RTU exchanges per call (enable walks CiA 402 states) at a low baud rate. */
const CALL_MS = 500;

if (!(STEP_MM > 0)) throw new RangeError(`AXISGUARD_CONFORMANCE_STEP_MM must be a number > 0, got ${env.AXISGUARD_CONFORMANCE_STEP_MM}`);

/** Cases made so far: odd ones step backwards, so the axis never wanders more than one step. */
let made = 0;

async function hardwareRig(path: string, unitId: number): Promise<DriverRig> {
  const clock = new RealClock();
  const profile = await loadDriveProfile(env.AXISGUARD_CONFORMANCE_PROFILE ?? 'kpower-generic');
  const master = new RtuMaster({ path, baudRate: Number(env.AXISGUARD_CONFORMANCE_BAUD ?? 19200), clock });
  await master.open();
  let traffic = 0;
  let writes = 0;
  master.onExchange(({ request }) => {
    traffic++;
    if (request.kind !== 'readHoldingRegisters') writes++;
  });
  const scheduler = new BusScheduler(clock);
  const driverOn = (name: string) => new ModbusAxisDriver({ family: 'modbus-rtu', unitId, profile, master, scheduler, clock, name });
  // A driver of its own for safety: the one under test may be closed by the case.
  const safety = driverOn('conformance safety');
  const deadline = () => ({ deadlineMs: clock.now() + CALL_MS });
  try {
    await safety.hold(deadline());
    await safety.disable(deadline());
  } catch (error) {
    scheduler.close();
    await master.close();
    throw error;
  }
  const driver = driverOn('conformance');
  const sign = made++ % 2 === 0 ? 1 : -1;
  return {
    driver,
    clock,
    inPositionMm: Number(env.AXISGUARD_CONFORMANCE_WINDOW_MM ?? 0.01),
    callMs: CALL_MS,
    move: { distanceMm: sign * STEP_MM, speedMmPerS: SPEED_MM_PER_S },
    traffic: () => traffic,
    writes: () => writes,
    dispose: async () => {
      try {
        await driver.close();
        await safety.hold(deadline());
      } finally {
        scheduler.close();
        await master.close();
      }
    },
  };
}

if (port && unit) {
  describeDriverContract(`ModbusAxisDriver on unit ${unit} at ${port}`, () => hardwareRig(port, Number(unit)), {
    silence: 'a real drive cannot be made to stop answering from here',
    alarms: 'no alarm is raised on a real drive on purpose',
  });
} else {
  describe('AxisDriver contract on a real Modbus drive', () => {
    it.skip('set AXISGUARD_CONFORMANCE_PORT (serial path) and AXISGUARD_CONFORMANCE_UNIT (unit id) to run it', () => {});
  });
}
