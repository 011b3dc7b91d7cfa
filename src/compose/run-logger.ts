import type { Logger } from 'pino';
import type { LogLevel } from '../config/index.ts';
import { createLogger } from '../observability/index.ts';

/** The run's log, and how it says that the start failed. */
export interface RunLogger {
  readonly logger: Logger;
  /** A start that failed says why in a `start_failed` fatal line (plain text only when the log is silenced, so it is never mute). */
  readonly startFailed: (message: string) => void;
}

/**
 * The run's log: JSON lines on `err`; beside a live table on the same terminal only error and
 * fatal (see README, "Metrics and logs"). From here on `err` carries log lines only.
 */
export function createRunLogger(level: LogLevel, err: NodeJS.WritableStream, liveTable: boolean): RunLogger {
  const logger = createLogger({
    level,
    stream: err,
    besideLiveTable: liveTable && 'isTTY' in err && err.isTTY === true,
  });
  const startFailed = (message: string) => {
    if (logger.isLevelEnabled('fatal')) logger.fatal({ event: 'start_failed' }, `axisguard: ${message}`);
    else err.write(`axisguard: ${message}\n`);
  };
  return { logger, startFailed };
}
