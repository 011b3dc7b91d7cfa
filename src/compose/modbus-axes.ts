import { isAbsolute, resolve } from 'node:path';
import { ModbusAxisDriver } from '../../drivers/modbus/index.ts';
import type { DriveProfile } from '../../protocols/drive-profile.ts';
import { BUILT_IN_PROFILES, loadDriveProfile } from '../../protocols/profile-schema.ts';
import type { Clock } from '../common/clock.ts';
import type { AxisConfig, Config } from '../config/index.ts';
import type { ModbusDriverConfig } from '../config/bus-config.ts';
import type { Bus } from './buses.ts';

/** Profiles by the name or path the config gives, loaded once each. */
export type ProfileTable = ReadonlyMap<string, DriveProfile>;

/** Where a profile named in the config is: a built-in name, or a file relative to the config's folder. */
const profileLocation = (profile: string, baseDir: string): string =>
  BUILT_IN_PROFILES.includes(profile) || isAbsolute(profile) ? profile : resolve(baseDir, profile);

/** Loads every profile the config's Modbus axes name. Throws DriveProfileError for a bad one. */
export async function loadProfiles(config: Config, baseDir: string): Promise<ProfileTable> {
  const names = new Set(config.axes.flatMap((axis) => (axis.driver.type === 'modbus' ? [axis.driver.profile] : [])));
  const entries = await Promise.all(
    [...names].map(async (name) => [name, await loadDriveProfile(profileLocation(name, baseDir))] as const),
  );
  return new Map(entries);
}

/** The driver of one Modbus axis, sharing its bus's transport and scheduler with its neighbours. */
export function modbusDriver(
  axis: Pick<AxisConfig, 'id' | 'retries'>,
  driver: ModbusDriverConfig,
  bus: Bus,
  profile: DriveProfile,
  clock: Clock,
): ModbusAxisDriver {
  return new ModbusAxisDriver({
    family: bus.family,
    unitId: driver.unitId,
    profile,
    master: bus.master,
    scheduler: bus.scheduler,
    clock,
    name: axis.id,
    maxRetries: axis.retries,
  });
}
