import { indexAxes } from './axis-index.ts';
import { formatPath, type PathIssue } from './issue-path.ts';
import { checkJobs } from './job-checks.ts';
import { Job } from './schema.ts';
import type { AxisConfig, JobConfig } from './types.ts';
import { configErrorMap, toPathIssues } from './zod-issues.ts';

/** The largest job text a host may send, bytes: a day of moves, and a bound on what parsing one costs. */
export const MAX_QUEUED_JOB_BYTES = 64 * 1024;
/** The most problems named in a refusal (a job with thousands of bad moves is one mistake repeated). */
const MAX_NAMED = 5;

export type QueuedJobCheck = { readonly ok: true; readonly job: JobConfig } | { readonly ok: false; readonly problems: readonly string[] };

/**
 * A job sent while the line runs (JSON: `{id, axis, moves: [{positionMm, speedMmPerS}]}`), checked
 * exactly as a job in the config file is (the same schema and the same travel and speed checks
 * against the line's axes), and its id against every job the line has. Problems are named by
 * their path in the job (`moves[2].speedMmPerS: ...`).
 */
export function checkQueuedJob(text: string, axes: readonly AxisConfig[], jobIds: ReadonlySet<string>): QueuedJobCheck {
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_QUEUED_JOB_BYTES)
    return refused([`the job is ${bytes} bytes; at most ${MAX_QUEUED_JOB_BYTES} (split it into several jobs)`]);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return refused([
      `not JSON: ${(error as Error).message}; send {"id": ..., "axis": ..., "moves": [{"positionMm": ..., "speedMmPerS": ...}]}`,
    ]);
  }
  const parsed = Job.safeParse(data, { error: configErrorMap });
  const issues: PathIssue[] = parsed.success ? [] : toPathIssues(parsed.error.issues);
  const axisIssues: PathIssue[] = [];
  checkJobs([data], indexAxes(axes, axisIssues), issues);
  if (parsed.success && jobIds.has(parsed.data.id))
    issues.push({ path: ['id'], message: `job id '${parsed.data.id}' is taken by a job of this line; give the new job its own id` });
  if (issues.length > 0 || !parsed.success) {
    // checkJobs names paths within `jobs`; here the job is the document.
    const named = issues.map((i) => {
      const path = i.path[0] === 'jobs' ? i.path.slice(2) : i.path;
      return `${formatPath(path) || 'job'}: ${i.message}`;
    });
    return refused(named.length > MAX_NAMED ? [...named.slice(0, MAX_NAMED), `... and ${named.length - MAX_NAMED} more problems`] : named);
  }
  return { ok: true, job: parsed.data };
}

const refused = (problems: readonly string[]): QueuedJobCheck => ({ ok: false, problems });
