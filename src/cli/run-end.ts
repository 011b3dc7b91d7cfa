import { isOpenJob, type JobView } from '../line/job-board.ts';

/**
 * Why a run with jobs ends by itself, or undefined while it goes on: once no job is queued or
 * running. With a technician console, not while a job is parked: a technician may still resume it
 * (SIGINT/SIGTERM or `--duration` end such a run).
 */
export function settledEndReason(jobs: readonly JobView[], consoleConfigured: boolean): string | undefined {
  if (jobs.some(isOpenJob)) return undefined;
  if (consoleConfigured && jobs.some((job) => job.status === 'parked')) return undefined;
  return 'every job is done or parked';
}
