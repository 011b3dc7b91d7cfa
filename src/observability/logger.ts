import { pino, type DestinationStream, type Logger } from 'pino';
import { LOG_LEVELS, type LogLevel } from '../config/index.ts';
export { LOG_LEVEL_ENV, LogLevelError, chooseLogLevel, isLogLevelError } from './log-level.ts';

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
