import { LOG_LEVELS, type LogLevel } from '../config/index.ts';
import { brandedError, brandGuard } from '../common/branded-error.ts';

// Apart from the logger (and pino), so that `run --check-config` checks the level without loading it.

/** The environment variable that overrides the config's `log.level` for one run. */
export const LOG_LEVEL_ENV = 'AXISGUARD_LOG_LEVEL';

/** AXISGUARD_LOG_LEVEL names no level: refused at start, like a bad config. */
export class LogLevelError extends brandedError(
  'LogLevelError',
  [],
  (value: string) => `${LOG_LEVEL_ENV}='${value}' is not a log level; use one of ${LOG_LEVELS.join(', ')}`,
) {}

export const isLogLevelError = brandGuard<LogLevelError>('isLogLevelError');

/** The level to log at: AXISGUARD_LOG_LEVEL when set (and not empty), else the config's. Throws LogLevelError. */
export function chooseLogLevel(configured: LogLevel, fromEnv: string | undefined): LogLevel {
  if (fromEnv === undefined || fromEnv === '') return configured;
  const level = LOG_LEVELS.find((l) => l === fromEnv.toLowerCase());
  if (!level) throw new LogLevelError(fromEnv);
  return level;
}
