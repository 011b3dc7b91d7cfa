import { ModbusAxisDriver } from '../../../../drivers/modbus/index.ts';
import { BusScheduler } from '../../../../protocols/bus-scheduler.ts';
import type { DriveProfile } from '../../../../protocols/drive-profile.ts';
import { loadDriveProfile } from '../../../../protocols/profile-schema.ts';
import { VirtualClock } from '../../../../src/common/virtual-clock.ts';
import { DriveRegisters } from './drive-registers.ts';
import { FakeModbusMaster, hex, type Transaction } from './fake-master.ts';
import { rejectionOf, settle, resolvedValue } from '../../../support/settle.ts';
export { settle, type Outcome } from '../../../support/settle.ts';

/** A bus with units 1 and 2 of one profile, in virtual time. */
export async function bus(profileName: string, options: { latencyMs?: number; registers?: number; maxRetries?: number } = {}) {
  const profile: DriveProfile = await loadDriveProfile(profileName);
  const clock = new VirtualClock();
  const registers = new DriveRegisters([1, 2], options.registers ?? 0x1000);
  const master = new FakeModbusMaster(clock, registers, options.latencyMs ?? 1);
  const scheduler = new BusScheduler(clock);
  const driverFor = (unitId: number) =>
    new ModbusAxisDriver({
      family: 'modbus-rtu',
      unitId,
      profile,
      master,
      scheduler,
      clock,
      name: 'axis-X',
      maxRetries: options.maxRetries ?? 0,
    });
  return { profile, clock, registers, regs: registers.registers(1), master, scheduler, driver: driverFor(1), driverFor };
}

/** The value `call` resolved with; throws its error otherwise. */
export async function value<T>(clock: VirtualClock, call: Promise<T>): Promise<T> {
  return resolvedValue(await settle(clock, call));
}

/** The error `call` rejected with, and when. */
export async function rejection(clock: VirtualClock, call: Promise<unknown>): Promise<{ error: unknown; atMs: number }> {
  return rejectionOf(await settle(clock, call));
}

export const by = (clock: VirtualClock, ms: number) => ({ deadlineMs: clock.now() + ms });

/** `u1 R 0x0001x12`, `u1 W 0x0000=0x0005`: one line per transaction. */
export const compact = (log: readonly Transaction[]): string[] =>
  log.map((t) => `u${t.unitId} ${t.fc === 3 ? `R ${hex(t.address)}x${t.count}` : `W ${hex(t.address)}=${t.values.map(hex).join(',')}`}`);
