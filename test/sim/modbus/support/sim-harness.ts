import type { DriveProfile } from '../../../../protocols/drive-profile.ts';
import type { ModbusException } from '../../../../protocols/slave-handler.ts';
import { VirtualClock } from '../../../../src/common/virtual-clock.ts';
import type { SimEvent } from '../../../../sim/modbus/sim-events.ts';
import { SimServer } from '../../../../sim/modbus/sim-server.ts';
import { SimulatedDrive, type SimulatedDriveOptions } from '../../../../sim/simulated-drive.ts';

/** A SimServer on a VirtualClock serving one drive per unit id, all with `profile`; events recorded. */
export function simOnVirtualClock(
  profile: DriveProfile,
  unitIds: readonly number[] = [1],
  model: Partial<SimulatedDriveOptions['model']> = {},
) {
  const clock = new VirtualClock();
  const drives = new Map<number, SimulatedDrive>();
  for (const unitId of unitIds) {
    drives.set(
      unitId,
      new SimulatedDrive({
        clock,
        name: `unit ${unitId}`,
        baseLatencyMs: 0,
        model: { maxSpeedMmPerS: 200, maxAccelMmPerS2: 1000, trackingTimeConstantMs: 5, ...model },
      }),
    );
  }
  const server = new SimServer({ clock, units: unitIds.map((unitId) => ({ unitId, drive: drives.get(unitId)!, profile })) });
  const events: SimEvent[] = [];
  server.onEvent((event) => events.push(event));
  const drive = (unitId = unitIds[0]!): SimulatedDrive => drives.get(unitId)!;
  return { clock, server, drive, events };
}

/** Unwraps a register read, failing the test on an exception. */
export function values(result: readonly number[] | ModbusException): readonly number[] {
  if (!Array.isArray(result)) throw new Error(`expected registers, got exception ${(result as ModbusException).code}`);
  return result;
}
