import type { Clock } from '../common/clock.ts';
import type { Config, LogLevel } from '../config/index.ts';
import { Journal, isJournalOpenError, type JournalOpenError } from '../journal/index.ts';
import { LOG_LEVEL_ENV, chooseLogLevel, isLogLevelError, type LogLevelError } from '../observability/index.ts';
import { isLineStateUnreadableError, openDurableLine, type DurableLine, type LineStateUnreadableError } from './durable-line.ts';

/** What a run records into, opened before anything of the line is built. */
export interface RunJournal {
  readonly logLevel: LogLevel;
  /** The line state the run takes over and keeps current. */
  readonly durable: DurableLine;
  /** Undefined without a journal path (config or `--journal`). */
  readonly journal: Journal | undefined;
}

/**
 * Chooses the log level (the environment's override included), reads the line state the journal
 * holds (before the journal is opened for this run's records) and opens the journal, rotating as
 * the config says. Throws what isRunJournalRefusal recognises: a refusal at start.
 */
export async function openRunJournal(config: Config, journalPath: string | undefined, fresh: boolean, clock: Clock): Promise<RunJournal> {
  const logLevel = chooseLogLevel(config.log.level, process.env[LOG_LEVEL_ENV]);
  const durable = await openDurableLine(journalPath, config, fresh);
  // Each new file after a rotation starts with the whole line state, so the newest file alone restores it.
  const rotation = {
    maxBytes: config.journal?.maxBytes,
    keepFiles: config.journal?.keepFiles,
    onRotate: () => [durable.checkpoint(clock.now())],
  };
  const journal = journalPath === undefined ? undefined : new Journal(journalPath, rotation);
  return { logLevel, durable, journal };
}

/** A journal that will not open, a log level refused, a line state that cannot be read: openRunJournal's refusals (exit code 2). */
export const isRunJournalRefusal = (error: unknown): error is JournalOpenError | LogLevelError | LineStateUnreadableError =>
  isJournalOpenError(error) || isLogLevelError(error) || isLineStateUnreadableError(error);
