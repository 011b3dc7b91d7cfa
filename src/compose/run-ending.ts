import type { Logger } from 'pino';
import { summaryLine } from '../events/describe-summary.ts';
import type { RunEvent, RunStartRecord, RunSummary } from '../events/events.ts';
import { runEndRecord } from './run-records.ts';

/**
 * Why a start failed: `refused` when the config needs what is not there (an optional package not
 * installed), `failed` when something outside it is in the way (a port taken, a socket served).
 */
export type FailedStart = 'refused' | 'failed';

/** How a run that got past its config ended: what the CLI maps to an exit code. */
export interface RunEnding {
  readonly summary: RunSummary;
  /** An internal error ended it (a crash, every axis held first). */
  readonly crashed: boolean;
  /** Why the start failed; undefined if it started. */
  readonly failedStart: FailedStart | undefined;
}

/**
 * A clean run: it started, did not crash, every job is done and every hold confirmed (a run
 * without jobs: every hold confirmed).
 */
export function isCleanRun({ summary, crashed, failedStart }: RunEnding): boolean {
  const { jobs, holdsNotConfirmed } = summary;
  return !crashed && failedStart === undefined && jobs.done === jobs.total && holdsNotConfirmed.length === 0;
}

export interface RunEndTelling extends RunEnding {
  /** The exit code the run ends with (the CLI's mapping of this ending): run_end records it. */
  readonly exitCode: number;
  readonly runStart: RunStartRecord;
  /** The run's clock, in ms. */
  readonly atMs: () => number;
  /** The run's one way to record an event: journal, JSON output, log. */
  readonly record: (event: RunEvent) => void;
  readonly logger: Pick<Logger, 'info' | 'warn'>;
}

/**
 * Tells how a run ended, once everything that records has stopped: the `run_summary` event, one
 * readable log line (`run_summary_line`: info for a clean run, warn otherwise) and `run_end`, the
 * run's last record.
 */
export function tellRunEnd(t: RunEndTelling): void {
  const { exitCode } = t;
  t.record({ type: 'run_summary', atMs: t.atMs(), ...t.summary });
  const line = summaryLine(t.summary);
  if (isCleanRun(t)) t.logger.info({ event: 'run_summary_line', exitCode }, line);
  else t.logger.warn({ event: 'run_summary_line', exitCode }, `${line}; exit code ${exitCode}`);
  t.record(runEndRecord(t.atMs(), t.runStart, t.summary, exitCode));
}
