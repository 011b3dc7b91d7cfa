import { isCleanRun, type RunEnding } from '../compose/run-ending.ts';
import { EXIT_BAD_CONFIG, EXIT_ERROR, EXIT_INCOMPLETE, EXIT_OK } from './exit-codes.ts';

/**
 * The exit code of a run (README, "Outcomes and exit codes"): a crash or a failed start first (2
 * when the config needs what is not there, else 1); else EXIT_OK only when every job is done and
 * every hold confirmed (a run without jobs: every hold confirmed), EXIT_INCOMPLETE for parked,
 * interrupted or never started jobs, or a hold no drive confirmed.
 */
export function runExitCode(ending: RunEnding): number {
  if (ending.crashed) return EXIT_ERROR;
  if (ending.failedStart !== undefined) return ending.failedStart === 'refused' ? EXIT_BAD_CONFIG : EXIT_ERROR;
  return isCleanRun(ending) ? EXIT_OK : EXIT_INCOMPLETE;
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
