import type { RunSummary } from '../events/events.ts';
import { EXIT_BAD_CONFIG, EXIT_ERROR, EXIT_INCOMPLETE, EXIT_OK } from './exit-codes.ts';

/** How a run of `axisguard run` that got past its config ended, for its exit code. */
export interface RunEnding {
  readonly summary: RunSummary;
  /** An internal error ended it (a crash, every axis held first). */
  readonly crashed: boolean;
  /** The exit code of a start that failed (a port taken, a socket served, a missing package); undefined if it started. */
  readonly failedStart: number | undefined;
}

/**
 * The exit code of a run (README, "Outcomes and exit codes"): a crash or a failed start first;
 * else EXIT_OK only when every job is done and every hold confirmed (a run without jobs: every
 * hold confirmed), EXIT_INCOMPLETE for parked, interrupted or never started jobs, or a hold no
 * drive confirmed.
 */
export function runExitCode({ summary, crashed, failedStart }: RunEnding): number {
  if (crashed) return EXIT_ERROR;
  if (failedStart !== undefined) return failedStart;
  const { jobs, holdsNotConfirmed } = summary;
  return jobs.done === jobs.total && holdsNotConfirmed.length === 0 ? EXIT_OK : EXIT_INCOMPLETE;
}

/** The exit code in words, for the live table's last line. */
export function describeExitCode(code: number): string {
  switch (code) {
    case EXIT_OK:
      return 'exit code 0 (every job done, every hold confirmed)';
    case EXIT_INCOMPLETE:
      return 'exit code 3 (work not done or a hold not confirmed)';
    case EXIT_ERROR:
      return 'exit code 1 (internal error or failed start)';
    case EXIT_BAD_CONFIG:
      return 'exit code 2 (refused at start: the config needs what is not there)';
    default:
      return `exit code ${code}`;
  }
}
