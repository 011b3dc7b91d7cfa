import type { TripReason } from '../breaker/transition.ts';
import type { JobView } from '../line/job-board.ts';
import type { AxisDetail } from '../supervisor/detail.ts';
import type { Metric } from './payload.ts';

/**
 * What the line publishes as Sparkplug metrics: the edge node's (jobs, trips, our own stalls) and
 * each axis's (a device). A birth carries every metric; data carries the ones that changed
 * (report by exception), position and following error only beyond their deadbands.
 */

/** The writable metrics a host sends in a DCMD, each a Boolean `true`; listed in every DBIRTH (value false). */
export const DEVICE_COMMANDS = { hold: 'Command/Hold', release: 'Command/Release', reset: 'Command/Reset' } as const;
/** NCMD: a parked job's id to resume (String). */
export const RESUME_JOB = 'Command/Resume Job';
/** NCMD: a new job as JSON, `{id, axis, moves: [{positionMm, speedMmPerS}]}` (String). */
export const QUEUE_JOB = 'Command/Queue Job';
/** Why the last host command was refused or what it did (node and device). */
export const LAST_COMMAND = 'Command/Last Result';
export const REBIRTH = 'Node Control/Rebirth';
export const BD_SEQ = 'bdSeq';

/** The trips after which a drive counts as unreachable (DDEATH) until its breaker closes again. */
const COMM_LOSS: ReadonlySet<TripReason> = new Set<TripReason>(['consecutive_failures', 'failure_ratio', 'port_lost', 'stale_sample']);

/** One axis as the edge node sees it: the supervisor's detail, and the last host command's result. */
export interface AxisView {
  readonly detail: AxisDetail;
  readonly lastCommand: string;
}

/** Whether the axis's drive is reachable: not while its breaker is open on a loss of communication. */
export const reachable = (view: AxisView): boolean =>
  view.detail.breaker.tripReason === undefined || !COMM_LOSS.has(view.detail.breaker.tripReason);

/** A short word for the axis's health, for a host's alarm list. */
function health(view: AxisView): string {
  const { detail } = view;
  if (detail.latchedTrip) return `latched: ${detail.latchedTrip.reason}`;
  if (detail.breaker.isolatedBy.length > 0) return 'isolated';
  if (detail.breaker.tripReason) return `tripped: ${detail.breaker.tripReason}`;
  if (detail.holdPending) return 'hold not confirmed';
  if (detail.degradation.degraded) return `degraded (plan ${detail.degradation.plan})`;
  return 'ok';
}

/** The degraded signals of the axis, comma-separated; empty while it is healthy. */
const degradedSignals = ({ detail }: AxisView): string =>
  detail.degradation.signals
    .filter((v) => v.degraded)
    .map((v) => v.signal)
    .join(', ');

export function deviceMetrics(view: AxisView): Metric[] {
  const { detail } = view;
  const job = detail.snapshot.job;
  return [
    { name: 'State', type: 'String', value: detail.snapshot.state },
    { name: 'Breaker', type: 'String', value: detail.breaker.state },
    { name: 'Trip Reason', type: 'String', value: detail.breaker.tripReason ?? '' },
    { name: 'Health', type: 'String', value: health(view) },
    { name: 'Degraded Signals', type: 'String', value: degradedSignals(view) },
    { name: 'Speed Factor', type: 'Double', value: detail.degradation.speedFactor },
    { name: 'Position mm', type: 'Double', value: detail.lastSample?.positionMm ?? null },
    { name: 'Following Error mm', type: 'Double', value: detail.lastSample?.followingErrorMm ?? null },
    { name: 'Following Error Window mm', type: 'Double', value: detail.followingErrorWindowMm ?? null },
    { name: 'Alarm Code', type: 'Int32', value: detail.lastSample?.alarmCode ?? 0 },
    { name: 'Job', type: 'String', value: job ? `${job.id} (move ${Math.min(job.movesDone + 1, job.moves)}/${job.moves})` : '' },
    { name: 'Jobs Queued', type: 'Int32', value: detail.snapshot.queuedJobs },
    { name: LAST_COMMAND, type: 'String', value: view.lastCommand },
  ];
}

/** The device's writable metrics, for its birth only. */
export const deviceCommandMetrics = (): Metric[] => Object.values(DEVICE_COMMANDS).map((name) => ({ name, type: 'Boolean', value: false }));

/** The line as the edge node publishes it. */
export interface LineView {
  readonly jobs: readonly JobView[];
  readonly axesTripped: number;
  /** Our own stalls (the supervisor late by MIN_REPORTED_STALL_MS or more) since the run began, and the longest, ms. */
  readonly stalls: number;
  readonly longestStallMs: number;
  /** The longest cycle since the last report, ms (from a tick to its last axis task), whole ms. */
  readonly cycleMaxMs: number;
  readonly lastCommand: string;
}

export function nodeMetrics(line: LineView): Metric[] {
  const count = (status: JobView['status']) => line.jobs.filter((j) => j.status === status).length;
  return [
    { name: 'Line/Jobs Queued', type: 'Int32', value: count('queued') },
    { name: 'Line/Jobs Running', type: 'Int32', value: count('running') },
    { name: 'Line/Jobs Done', type: 'Int32', value: count('done') },
    { name: 'Line/Jobs Parked', type: 'Int32', value: count('parked') },
    { name: 'Line/Axes Tripped', type: 'Int32', value: line.axesTripped },
    { name: 'Line/Stalls', type: 'Int32', value: line.stalls },
    { name: 'Line/Longest Stall ms', type: 'Double', value: Math.round(line.longestStallMs) },
    { name: 'Line/Cycle Max ms', type: 'Int32', value: line.cycleMaxMs },
    { name: LAST_COMMAND, type: 'String', value: line.lastCommand },
  ];
}

/** Deadbands of report by exception, by metric name; others go out on any change. */
export type Deadbands = Readonly<Record<string, number>>;

export const deadbandsOf = (d: { readonly positionMm: number; readonly followingErrorMm: number }): Deadbands => ({
  'Position mm': d.positionMm,
  'Following Error mm': d.followingErrorMm,
  // The longest cycle of each report moves by a millisecond or two all the time; a host needs the jumps.
  'Line/Cycle Max ms': CYCLE_MAX_DEADBAND_MS,
});

const CYCLE_MAX_DEADBAND_MS = 5;

/**
 * What one publisher (the node, or one device) last told the host, so that data carries only what
 * changed: a number moved by more than its deadband, anything else by any change.
 */
export class LastReported {
  private readonly values = new Map<string, Metric['value']>();

  /** A birth told everything. */
  born(metrics: readonly Metric[]): void {
    this.values.clear();
    for (const m of metrics) this.values.set(m.name, m.value);
  }

  /** The metrics that changed since last reported, now taken as reported. */
  changed(metrics: readonly Metric[], deadbands: Deadbands): Metric[] {
    const out: Metric[] = [];
    for (const m of metrics) {
      const before = this.values.get(m.name);
      const band = deadbands[m.name];
      const moved =
        typeof m.value === 'number' && typeof before === 'number' && band !== undefined
          ? Math.abs(m.value - before) > band
          : m.value !== before;
      if (!moved) continue;
      this.values.set(m.name, m.value);
      out.push(m);
    }
    return out;
  }
}
