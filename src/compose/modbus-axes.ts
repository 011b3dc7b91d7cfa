import { isAbsolute, resolve } from 'node:path';
import { ModbusAxisDriver } from '../../drivers/modbus/index.ts';
import { encodeRuns } from '../../drivers/modbus/register-codec.ts';
import type { DriveProfile } from '../../protocols/drive-profile.ts';
import { BUILT_IN_PROFILES, loadDriveProfile, statusBlockSpan } from '../../protocols/profile-schema.ts';
import { bitsPerChar, frameTimeMs } from '../../protocols/index.ts';
import type { Clock } from '../common/clock.ts';
import type { ConfigIssue } from '../config/index.ts';
import type { Config } from '../config/index.ts';
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
  const entries = await Promise.all([...names].map(async (name) => [name, await loadDriveProfile(profileLocation(name, baseDir))] as const));
  return new Map(entries);
}

/** Bytes on the wire of one exchange, request and answer. FC03: 8 + (5 + 2n). FC06: 8 + 8 (echo). FC16: (9 + 2n) + 8. */
const readExchangeBytes = (registers: number) => 8 + 5 + 2 * registers;
const writeExchangeBytes = (registers: number) => (registers === 1 ? 8 + 8 : 9 + 2 * registers + 8);

/**
 * The exchanges of one move, as ModbusAxisDriver.moveTo makes them: a status read, the target and
 * speed writes (one per run of adjacent registers), the control word write (steady state: its value
 * known, no edge to lower first).
 */
function moveExchangeBytes(profile: DriveProfile, statusRegisters: number): number[] {
  const { registers, wordOrder } = profile;
  const runs = encodeRuns(
    [
      { field: registers.targetPosition, value: 0 },
      { field: registers.profileSpeed, value: 0 },
    ],
    wordOrder,
  );
  return [readExchangeBytes(statusRegisters), ...runs.map((run) => writeExchangeBytes(run.values.length)), writeExchangeBytes(1)];
}

/**
 * Refuses an axis whose deadline is shorter than a move takes on its serial bus (the wire time of
 * its exchanges at the baud rate, plus the bus's slack): such an axis could read its status but
 * never finish a move command. At 9600 baud a 12-register status read alone takes ~40 ms.
 */
export function checkBusDeadlines(config: Config, profiles: ProfileTable): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  config.axes.forEach((axis, i) => {
    if (axis.driver.type !== 'modbus') return;
    const driver = axis.driver;
    const bus = config.buses.find((b) => b.id === driver.bus);
    const profile = profiles.get(driver.profile);
    const span = profile && statusBlockSpan(profile.registers);
    if (bus?.type !== 'rtu' || !span) return;
    const exchanges = moveExchangeBytes(profile, span.count);
    const bits = bitsPerChar(bus.parity, bus.stopBits);
    const wireMs = exchanges.reduce((sum, bytes) => sum + frameTimeMs(bytes, bus.baudRate, bits), 0);
    const neededMs = Math.ceil(wireMs + bus.slackMs);
    if (axis.timeoutMs < neededMs) {
      issues.push({
        path: `axes[${i}].timeoutMs`,
        message:
          `${axis.timeoutMs} ms is shorter than a move on bus '${bus.id}' (${exchanges.length} exchanges: status read, target and speed, control word; ` +
          `${wireMs.toFixed(1)} ms on the wire at ${bus.baudRate} baud + ${bus.slackMs} ms slack); set timeoutMs to at least ${neededMs}, or raise the baud rate`,
      });
    }
  });
  return issues;
}

/** The driver of one Modbus axis, sharing its bus's transport and scheduler with its neighbours. */
export function modbusDriver(axisId: string, driver: ModbusDriverConfig, bus: Bus, profile: DriveProfile, clock: Clock): ModbusAxisDriver {
  return new ModbusAxisDriver({
    family: bus.family,
    unitId: driver.unitId,
    profile,
    master: bus.master,
    scheduler: bus.scheduler,
    clock,
    name: axisId,
  });
}
