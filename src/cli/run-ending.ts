import type { Logger } from 'pino';
import type { RunEvent, RunStartRecord, RunSummary } from '../events/events.ts';
import { EXIT_OK } from './exit-codes.ts';
import { describeExitCode, runExitCode } from './run-exit-code.ts';
import { runEndRecord } from './run-records.ts';
import { describeSummary, summaryLine } from '../events/describe-summary.ts';

export interface RunEndTelling {
  readonly summary: RunSummary;
  readonly crashed: boolean;
  readonly failedStart: number | undefined;
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
 * run's last record. Returns the exit code and the lines for under the live table's last frame.
 */
export function tellRunEnd(t: RunEndTelling): { exitCode: number; lines: string[] } {
  const exitCode = runExitCode(t);
  t.record({ type: 'run_summary', atMs: t.atMs(), ...t.summary });
  const line = summaryLine(t.summary);
  if (exitCode === EXIT_OK) t.logger.info({ event: 'run_summary_line', exitCode }, line);
  else t.logger.warn({ event: 'run_summary_line', exitCode }, `${line}; exit code ${exitCode}`);
  t.record(runEndRecord(t.atMs(), t.runStart, t.summary, exitCode));
  return { exitCode, lines: [...describeSummary(t.summary), `  ${describeExitCode(exitCode)}`] };
}
