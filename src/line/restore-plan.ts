import { createHash } from 'node:crypto';
import type { DurableBaseline, DurableJob, LineDefinitions, LineState } from './line-state.ts';

/** How a job starts this run, restored from the last one. */
export interface RestoredJob {
  readonly status: 'queued' | 'done' | 'parked';
  readonly axis: string;
  readonly movesDone: number;
  readonly parkedReason?: string;
}

/** How an axis starts this run, restored from the last one. */
export interface RestoredAxis {
  readonly latchedTrip?: { readonly reason: string; readonly detail: string };
  readonly disabled: boolean;
  readonly isolatedBy: readonly string[];
  /** Degradation baselines learned by an earlier run, by signal; none when the axis's definition changed. */
  readonly baselines?: Readonly<Record<string, DurableBaseline>>;
}

/** What was restored, for the `line_restored` event, the table and the journal (a type, so it fits a journal record). */
export type RestoreReport = {
  readonly latched: readonly { readonly axis: string; readonly reason: string }[];
  readonly isolated: readonly { readonly axis: string; readonly by: string }[];
  readonly disabled: readonly string[];
  readonly jobsDone: readonly string[];
  readonly jobsParked: readonly { readonly job: string; readonly axis: string; readonly reason: string }[];
  readonly jobsInterrupted: readonly { readonly job: string; readonly axis: string; readonly move: number; readonly lastSeen?: string }[];
  /** Definitions that differ from the run that left the state, and what was done about each. */
  readonly changed: readonly string[];
  /** Ids in the journal's state that the config no longer has. */
  readonly dropped: readonly string[];
};

export interface RestorePlan {
  readonly axes: ReadonlyMap<string, RestoredAxis>;
  readonly jobs: ReadonlyMap<string, RestoredJob>;
  readonly report: RestoreReport;
}

/** Whether a report has anything to say (a first run, or a line with nothing left over, has not). */
export const restoredAnything = (r: RestoreReport): boolean =>
  r.latched.length +
    r.isolated.length +
    r.disabled.length +
    r.jobsDone.length +
    r.jobsParked.length +
    r.jobsInterrupted.length +
    r.changed.length +
    r.dropped.length >
  0;

/** A short digest of a definition, independent of key order. */
export function definitionDigest(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Digests of every axis and job definition of a config. */
export function lineDefinitions(axes: readonly { readonly id: string }[], jobs: readonly { readonly id: string }[]): LineDefinitions {
  return {
    axes: Object.fromEntries(axes.map((axis) => [axis.id, definitionDigest(axis)])),
    jobs: Object.fromEntries(jobs.map((job) => [job.id, definitionDigest(job)])),
  };
}

/**
 * How this run starts from the state the last one left. Axes keep their latched trips, disables and
 * isolation holds whatever changed in the config (the fault is in the machine, not the file); a
 * changed axis definition is reported. Jobs: done stay done, parked stay parked, and one that had
 * begun (a move started or done) but was not finished is parked as interrupted: only a person
 * resumes it. A job whose definition changed starts afresh (reported), never mixing its old progress
 * with new moves. Ids the config no longer has are reported as dropped.
 */
export function planRestore(previous: LineState, current: LineDefinitions): RestorePlan {
  const changed: string[] = [];
  const dropped: string[] = [];
  const isChanged = (kind: 'axes' | 'jobs', id: string) => {
    const before = previous.definitions[kind][id];
    return before !== undefined && before !== current[kind][id];
  };

  const axes = new Map<string, RestoredAxis>();
  const latched: { axis: string; reason: string }[] = [];
  const isolated: { axis: string; by: string }[] = [];
  const disabled: string[] = [];
  for (const [id, axis] of Object.entries(previous.axes)) {
    if (current.axes[id] === undefined) {
      if (axis.latched || axis.disabled || axis.isolatedBy?.length) dropped.push(`axis ${id}`);
      continue;
    }
    // A changed axis (another drive, other limits) learns its baselines again rather than be judged against another's.
    const keepBaselines = axis.baselines !== undefined && !isChanged('axes', id);
    const restored: RestoredAxis = {
      ...(axis.latched ? { latchedTrip: axis.latched } : {}),
      disabled: axis.disabled === true,
      isolatedBy: axis.isolatedBy ?? [],
      ...(keepBaselines ? { baselines: axis.baselines } : {}),
    };
    if (restored.baselines) axes.set(id, restored);
    if (axis.baselines && !keepBaselines)
      changed.push(`axis ${id}: its definition changed since the last run; its degradation baselines are learned again`);
    if (!restored.latchedTrip && !restored.disabled && restored.isolatedBy.length === 0) continue;
    axes.set(id, restored);
    if (restored.latchedTrip) latched.push({ axis: id, reason: restored.latchedTrip.reason });
    for (const by of restored.isolatedBy) isolated.push({ axis: id, by });
    if (restored.disabled) disabled.push(id);
    if (isChanged('axes', id)) changed.push(`axis ${id}: its definition changed since the last run; its latched state is kept`);
  }

  const jobs = new Map<string, RestoredJob>();
  const jobsDone: string[] = [];
  const jobsParked: { job: string; axis: string; reason: string }[] = [];
  const jobsInterrupted: { job: string; axis: string; move: number; lastSeen?: string }[] = [];
  for (const [id, job] of Object.entries(previous.jobs)) {
    if (current.jobs[id] === undefined) {
      dropped.push(`job ${id}`);
      continue;
    }
    if (isChanged('jobs', id)) {
      changed.push(
        `job ${id}: its definition changed since the last run (it was ${job.status}, ${job.movesDone} moves done); it starts afresh`,
      );
      continue;
    }
    const onAxis = current.axes[job.axis] !== undefined ? job.axis : undefined;
    const restored = restoreJob(job, onAxis);
    if (!restored) continue;
    jobs.set(id, restored);
    if (restored.status === 'done') jobsDone.push(id);
    else if (job.status === 'parked') jobsParked.push({ job: id, axis: restored.axis, reason: restored.parkedReason ?? 'parked' });
    else
      jobsInterrupted.push({ job: id, axis: restored.axis, move: job.movesDone + 1, ...(job.lastSeen ? { lastSeen: job.lastSeen } : {}) });
  }
  return { axes, jobs, report: { latched, isolated, disabled, jobsDone, jobsParked, jobsInterrupted, changed, dropped } };
}

/** A job's start this run; undefined for one that had not begun (it is queued as configured). */
function restoreJob(job: DurableJob, axis: string | undefined): RestoredJob | undefined {
  const on = axis ?? job.axis;
  if (job.status === 'done') return { status: 'done', axis: on, movesDone: job.movesDone };
  const gone = axis === undefined ? `; its axis '${job.axis}' is not in the config any more` : '';
  const seen = `${job.lastSeen ? `last seen at ${job.lastSeen}, ` : ''}move ${job.movesDone + 1}`;
  if (job.status === 'parked') {
    // The reason it was parked for, and that a restart kept it so (once, however many restarts).
    const why = (job.parkedReason ?? 'parked').replace(KEPT_PARKED, '');
    return { status: 'parked', axis: on, movesDone: job.movesDone, parkedReason: `${why}; still parked after a restart (${seen})${gone}` };
  }
  if (job.status === 'queued' && job.movesDone === 0 && !gone) return undefined;
  return { status: 'parked', axis: on, movesDone: job.movesDone, parkedReason: `interrupted by a restart (${seen})${gone}` };
}

/** The note an earlier restore added to a parked job's reason. */
const KEPT_PARKED = /; still parked after a restart \(.*$/;
