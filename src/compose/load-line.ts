import { dirname } from 'node:path';
import { isDriveProfileError, type DriveProfileError } from '../../protocols/profile-schema.ts';
import { ConfigError, isConfigError, loadConfigFile, type Config } from '../config/index.ts';
import { loadProfiles, type ProfileTable } from './modbus-axes.ts';
import { checkBusDeadlines, checkBusKeepAlive } from './rtu-timing-checks.ts';
import { checkBusServoAxes } from './servo-line-checks.ts';

/** A config and the drive profiles its Modbus axes name, checked against each other. */
export interface LoadedLine {
  readonly config: Config;
  readonly profiles: ProfileTable;
}

/**
 * Loads a line config and its drive profiles (relative paths resolve against the config's folder),
 * then checks what needs both: every Modbus axis's deadline, and every drive's comm-loss watchdog,
 * against its bus's wire time.
 * Throws ConfigError or DriveProfileError; both are refusals at start (exit code 2).
 */
export async function loadLine(path: string): Promise<LoadedLine> {
  const config = await loadConfigFile(path);
  const profiles = await loadProfiles(config, dirname(path));
  const issues = [...checkBusDeadlines(config, profiles), ...checkBusKeepAlive(config, profiles), ...checkBusServoAxes(config)];
  if (issues.length > 0) throw new ConfigError(path, issues);
  return { config, profiles };
}

/** A config or drive profile the line cannot load (loadLine's refusals): refused at start, exit code 2. Anything else is a bug. */
export const isLineLoadRefusal = (error: unknown): error is ConfigError | DriveProfileError =>
  isConfigError(error) || isDriveProfileError(error);
