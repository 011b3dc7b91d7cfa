import type { JournalEvent } from '../journal/journal.ts';

/**
 * What a person reads the morning after, folded from a journal: each run (how it started and ended),
 * each trip as an incident (when, why, how fast the axis was held and whether its drive confirmed
 * it, where its jobs went, when the axis was back) and what is still open with the next step for
 * each. Pure: journal records in, a report out; reading and rendering are elsewhere.
 */

export interface Incident {
  readonly axis: string;
  readonly reason: string;
  readonly detail: string;
  readonly latched: boolean;
  /** Wall-clock time of the trip (ISO 8601 UTC), when the journal had it. */
  readonly time: string | undefined;
  readonly atMs: number;
  /** From the trip to the first hold sent for it, ms; undefined when none was. */
  readonly toHoldMs: number | undefined;
  /** From the trip to the first hold for it that the drive confirmed, ms; undefined when none was (before the axis was back or the run ended). */
  readonly holdConfirmedAfterMs: number | undefined;
  /** Where the axis's jobs went: `pick-a -> pickB from move 2`, `press-1 parked: no fallback ...`. */
  readonly jobs: readonly string[];
  /** From the trip until the axis left ErrorStop (recovered or reset), ms; undefined while it had not. */
  readonly backAfterMs: number | undefined;
  /** Who or what brought it back: `reset by console:ana`, `breaker closed: probes_passed`, ... */
  readonly backHow: string | undefined;
}

export interface OpenItem {
  readonly what: string;
  readonly next: string;
}

export interface RunReport {
  readonly runId: string;
  readonly config: string | undefined;
  readonly startedAt: string | undefined;
  readonly endedAt: string | undefined;
  /** `every job is done or parked`, `SIGTERM received`, ...; for a run without its closing record, why not known. */
  readonly ending: string;
  readonly exitCode: number | undefined;
  /** From the run's first record to its last, ms on its clock. */
  readonly lengthMs: number;
  readonly axes: readonly string[];
  readonly incidents: readonly Incident[];
  readonly stalls: { readonly count: number; readonly longestMs: number };
  /** Per axis with incidents that came back: mean time from trip to back, ms (MTTR). */
  readonly meanTimeToBackMs: Readonly<Record<string, number>>;
  readonly open: readonly OpenItem[];
  /** Every record of the run that the timeline draws (trips, holds, transfers, re-syncs, stalls, axis states). */
  readonly events: readonly JournalEvent[];
}

export interface IncidentReport {
  readonly runs: readonly RunReport[];
  /** Lines of the journal that were not records (a half line after a kill, corruption): skipped, named here. */
  readonly skipped: readonly { readonly file: string; readonly line: number; readonly reason: string }[];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
/** The last record of `type` in `run`. */
const lastOf = (run: readonly JournalEvent[], type: string): JournalEvent | undefined => [...run].reverse().find((e) => e.type === type);

const TIMELINE_TYPES = new Set(['trip', 'hold', 'transfer', 'resync', 'stall', 'axis_state', 'job_parked', 'job_done', 'breaker']);

/** Splits the records into runs at each run_start (records before the first one form a run of their own). */
function splitRuns(events: readonly JournalEvent[]): JournalEvent[][] {
  const runs: JournalEvent[][] = [];
  for (const e of events) {
    if (e.type === 'run_start' || runs.length === 0) runs.push([]);
    runs.at(-1)!.push(e);
  }
  return runs;
}

function incidentsOf(run: readonly JournalEvent[]): Incident[] {
  const incidents: Incident[] = [];
  run.forEach((e, i) => {
    if (e.type !== 'trip') return;
    const axis = str(e.axis) ?? '?';
    const after = run.slice(i + 1);
    const backIndex = after.findIndex((a) => a.type === 'axis_state' && a.axis === axis && a.from === 'ErrorStop' && a.to !== 'ErrorStop');
    const until = backIndex < 0 ? after : after.slice(0, backIndex);
    const holds = until.filter((a) => a.type === 'hold' && a.axis === axis && a.cause === 'trip');
    const back = backIndex < 0 ? undefined : after[backIndex]!;
    const confirmed = holds.find((h) => h.acknowledged === true);
    const jobs = until
      .filter((a) => (a.type === 'transfer' && a.from === axis) || (a.type === 'job_parked' && a.axis === axis))
      .map((a) =>
        a.type === 'transfer' ? `${str(a.job)} -> ${str(a.to)} from move ${String(a.fromMove)}` : `${str(a.job)} parked: ${str(a.reason)}`,
      );
    incidents.push({
      axis,
      reason: str(e.reason) ?? '?',
      detail: str(e.detail) ?? '',
      latched: e.latched === true,
      time: e.time,
      atMs: e.atMs,
      toHoldMs: holds[0] && holds[0].atMs - e.atMs,
      holdConfirmedAfterMs: confirmed && confirmed.atMs - e.atMs,
      jobs,
      backAfterMs: back && back.atMs - e.atMs,
      backHow: back && str(back.reason),
    });
  });
  return incidents;
}

/** What is still open at the end of a run, each with what a person does next. */
function openItems(run: readonly JournalEvent[], incidents: readonly Incident[]): OpenItem[] {
  const open: OpenItem[] = [];
  const latchedNow = new Map<string, Incident>();
  for (const incident of incidents) if (incident.latched && incident.backAfterMs === undefined) latchedNow.set(incident.axis, incident);
  for (const [axis, incident] of latchedNow)
    open.push({
      what: `${axis} latched in ErrorStop after ${incident.reason} (${incident.detail})`,
      next:
        incident.reason === 'alarm'
          ? `read the drive's alarm code and fix its cause, then \`reset ${axis}\` on the console`
          : `inspect the mechanics of ${axis} (jam, crash, loose coupling), then \`reset ${axis}\` on the console`,
    });
  const parked = new Map<string, string>();
  for (const e of run) {
    const job = str(e.job);
    if (!job) continue;
    if (e.type === 'job_parked') parked.set(job, `${job} parked on ${str(e.axis)}: ${str(e.reason)}`);
    else if (e.type === 'job_resumed' || e.type === 'job_done' || e.type === 'transfer') parked.delete(job);
  }
  for (const [job, what] of parked)
    open.push({ what, next: `once its axis is fixed, \`jobs resume ${job}\` (or \`jobs resume ${job} <axis>\`) on the console` });
  const summary = lastOf(run, 'run_end')?.summary as { holdsNotConfirmed?: string[] } | undefined;
  for (const axis of summary?.holdsNotConfirmed ?? [])
    open.push({
      what: `${axis}: its last hold was never confirmed by the drive`,
      next: `check ${axis} at the machine before anything else`,
    });
  if (!run.some((e) => e.type === 'run_end'))
    open.push({
      what: 'the run ended without its closing record (killed, crashed or power lost)',
      next: 'the next start restores the line state from this journal: read its line_restored event (what it took over) before resuming work',
    });
  return open;
}

function meanTimeToBack(incidents: readonly Incident[]): Record<string, number> {
  const sums = new Map<string, number[]>();
  for (const i of incidents) if (i.backAfterMs !== undefined) sums.set(i.axis, [...(sums.get(i.axis) ?? []), i.backAfterMs]);
  return Object.fromEntries([...sums].map(([axis, times]) => [axis, times.reduce((a, b) => a + b, 0) / times.length]));
}

function runReport(run: readonly JournalEvent[]): RunReport {
  const start = run.find((e) => e.type === 'run_start');
  const end = lastOf(run, 'run_end');
  const incidents = incidentsOf(run);
  const stalls = run.filter((e) => e.type === 'stall').map((e) => (typeof e.lengthMs === 'number' ? e.lengthMs : 0));
  const axes = (run.find((e) => e.type === 'start')?.axes as string[] | undefined) ?? [];
  return {
    runId: str(start?.runId) ?? '(no run_start record)',
    config: str(start?.configPath),
    startedAt: run[0]?.time,
    endedAt: run.at(-1)?.time,
    ending: end ? (str(end.reason) ?? '?') : 'no closing record: the process was killed, crashed or lost power',
    exitCode: typeof end?.exitCode === 'number' ? end.exitCode : undefined,
    lengthMs: (run.at(-1)?.atMs ?? 0) - (run[0]?.atMs ?? 0),
    axes,
    incidents,
    stalls: { count: stalls.length, longestMs: Math.max(0, ...stalls) },
    meanTimeToBackMs: meanTimeToBack(incidents),
    open: openItems(run, incidents),
    events: run.filter((e) => TIMELINE_TYPES.has(e.type)),
  };
}

/** The report of `events` (oldest first), runs started at or after `since` (ISO 8601) only, when given. */
export function buildReport(events: readonly JournalEvent[], skipped: IncidentReport['skipped'], since?: string): IncidentReport {
  const sinceMs = since === undefined ? undefined : Date.parse(since);
  const runs = splitRuns(events)
    .filter((run) => sinceMs === undefined || (run[0]?.time !== undefined && Date.parse(run[0].time) >= sinceMs))
    .map(runReport);
  return { runs, skipped };
}
