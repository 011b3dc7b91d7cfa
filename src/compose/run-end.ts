import { isOpenJob, type JobView } from '../line/job-board.ts';

/** `--until`: `done` ends a run once its work is settled; `never` (a service) only on a signal or `--duration`. */
export type UntilMode = 'done' | 'never';

/** The `--until` values, for the command line. */
export const UNTIL_MODES: readonly UntilMode[] = ['done', 'never'];

/**
 * Why a run with jobs ends by itself, or undefined while it goes on: once no job is queued or
 * running. With a technician console, not while a job is parked: a technician may still resume it.
 * With `until: 'never'` never (SIGINT/SIGTERM or `--duration` end such a run).
 */
export function settledEndReason(jobs: readonly JobView[], consoleConfigured: boolean, until: UntilMode = 'done'): string | undefined {
  if (until === 'never') return undefined;
  if (jobs.some(isOpenJob)) return undefined;
  if (consoleConfigured && jobs.some((job) => job.status === 'parked')) return undefined;
  return 'every job is done or parked';
}
