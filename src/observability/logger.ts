import { pino, type DestinationStream, type Logger } from 'pino';
import { LOG_LEVELS, type LogLevel } from '../config/index.ts';

/** The environment variable that overrides the config's `log.level` for one run. */
export const LOG_LEVEL_ENV = 'AXISGUARD_LOG_LEVEL';

/** AXISGUARD_LOG_LEVEL names no level: refused at start, like a bad config. */
export class LogLevelError extends Error {
  readonly isLogLevelError = true;
  override readonly name = 'LogLevelError';

  constructor(value: string) {
    super(`${LOG_LEVEL_ENV}='${value}' is not a log level; use one of ${LOG_LEVELS.join(', ')}`);
  }
}

export const isLogLevelError = (e: unknown): e is LogLevelError =>
  typeof e === 'object' && e !== null && (e as LogLevelError).isLogLevelError === true;

/** The level to log at: AXISGUARD_LOG_LEVEL when set (and not empty), else the config's. Throws LogLevelError. */
export function chooseLogLevel(configured: LogLevel, fromEnv: string | undefined): LogLevel {
  if (fromEnv === undefined || fromEnv === '') return configured;
  const level = LOG_LEVELS.find((l) => l === fromEnv.toLowerCase());
  if (!level) throw new LogLevelError(fromEnv);
  return level;
}

export interface LoggerOptions {
  readonly level: LogLevel;
  /** Where the JSON lines go; `axisguard run` passes stderr, so that --json stdout holds events only. */
  readonly stream: DestinationStream;
  /**
   * The live status table is redrawn on the same terminal: a log line would break the redraw, so
   * only `error` and `fatal` are written (the table's recent events tell the rest of the story).
   */
  readonly besideLiveTable: boolean;
}

/**
 * The run's one logger, made by the CLI and passed to whoever logs. Each line is a JSON object:
 * `level` (its name), `time` (ISO 8601 wall time), `pid`, `hostname`, `msg`, and the fields of what
 * is logged (events add `event` and their own fields, e.g. `axis`, `reason`, `atMs`).
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.besideLiveTable ? atLeastError(options.level) : options.level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.stream,
  );
}

/** `level`, or `error` if `level` is less severe; `silent` stays silent. */
function atLeastError(level: LogLevel): LogLevel {
  return level === 'silent' || LOG_LEVELS.indexOf(level) <= LOG_LEVELS.indexOf('error') ? level : 'error';
}
