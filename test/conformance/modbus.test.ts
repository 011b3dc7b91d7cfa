import { ModbusAxisDriver } from '../../drivers/modbus/index.ts';
import { BusScheduler } from '../../protocols/bus-scheduler.ts';
import { loadDriveProfile } from '../../protocols/profile-schema.ts';
import { FakeModbusMaster } from '../drivers/modbus/support/fake-master.ts';
import { simOnVirtualClock } from '../sim/modbus/support/sim-harness.ts';
import { describeDriverContract } from './driver-contract.ts';
import type { DriverRig } from './rig.ts';

/**
 * ModbusAxisDriver against the simulator's Modbus face (its register image, control logic and
 * comm-loss watchdog) through the test master, in virtual time: a drive that really moves. No
 * support helper yet puts the real RTU master in front of the simulator on a virtual clock.
 */
async function modbusRig(profileName: string): Promise<DriverRig> {
  const profile = await loadDriveProfile(profileName);
  const { clock, server, drive } = simOnVirtualClock(profile, [1], { initialPositionMm: 12.5 });
  const master = new FakeModbusMaster(clock, server);
  const scheduler = new BusScheduler(clock);
  const driver = new ModbusAxisDriver({ family: 'modbus-rtu', unitId: 1, profile, master, scheduler, clock, name: 'axis-X' });
  return {
    driver,
    clock,
    inPositionMm: 0.01, // the model's default
    callMs: 50,
    move: { distanceMm: 20, speedMmPerS: 50 },
    traffic: () => master.log.length,
    writes: () => master.writes().length,
    silence: () => {
      master.faultFor = () => ({ kind: 'silent' });
    },
    raiseAlarm: (code) => drive().injectFault({ kind: 'alarm', code }),
    dispose: async () => {
      await driver.close();
      scheduler.close();
      await server.close();
    },
  };
}

describeDriverContract('ModbusAxisDriver, bits style (kpower-generic)', () => modbusRig('kpower-generic'));
describeDriverContract('ModbusAxisDriver, CiA 402 (cia402-generic)', () => modbusRig('cia402-generic'));
