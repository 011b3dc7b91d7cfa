/**
 * The line's durable state: what must survive a crash or restart so that nothing moves that a
 * person did not decide. Latched trips, technicians' disables and isolation holds per axis; per job
 * its status, axis and progress. It is folded from the events the run journals (so the journal is
 * its one record), and checkpointed whole as a `line_state` record at each run's start and at the
 * top of each rotated journal file, so the newest file alone restores it.
 */

export type DurableJobStatus = 'queued' | 'running' | 'done' | 'parked';

export interface DurableAxis {
  /** A trip that waits for a technician's reset. */
  readonly latched?: { readonly reason: string; readonly detail: string };
  /** A technician disabled the axis (MC_Power off); it stays off until enabled. */
  readonly disabled?: boolean;
  /** Holders of isolation holds on the axis, oldest first. */
  readonly isolatedBy?: readonly string[];
  /** Healthy baselines of its degradation signals, by signal (src/degradation/): a restart watches at once instead of learning again. */
  readonly baselines?: Readonly<Record<string, DurableBaseline>>;
}

export interface DurableBaseline {
  readonly mean: number;
  readonly sd: number;
}

export interface DurableJob {
  readonly status: DurableJobStatus;
  /** The axis that owns the job now (after hand-offs and resumes). */
  readonly axis: string;
  /** Moves complete. */
  readonly movesDone: number;
  readonly parkedReason?: string;
  /** Wall-clock time (ISO 8601 UTC) of the last event about the job, when the journal had one. */
  readonly lastSeen?: string;
}

/** Per axis and job id, a digest of its definition in the config that ran: a changed one is never silently mixed. */
export interface LineDefinitions {
  readonly axes: Readonly<Record<string, string>>;
  readonly jobs: Readonly<Record<string, string>>;
}

export interface LineState {
  readonly axes: Readonly<Record<string, DurableAxis>>;
  readonly jobs: Readonly<Record<string, DurableJob>>;
  readonly definitions: LineDefinitions;
}

/** The journal record that holds the whole line state (a checkpoint). */
export const LINE_STATE_RECORD = 'line_state';
/** The journal record of a new line state started on purpose: nothing before it is taken over. */
export const LINE_STATE_FRESH = 'line_state_fresh';

export const emptyLineState = (definitions: LineDefinitions): LineState => ({ axes: {}, jobs: {}, definitions });

/** A journal record as read back: only `type` is trusted, every other field is checked before use. */
type JournalRecord = { readonly type: string; readonly [key: string]: unknown };

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * Folds journal records into the line state, one record at a time. The one writer of the durable
 * state: the live run feeds it every event it journals (for the rotation checkpoint), a start feeds
 * it the journal's records (to restore). Records it does not know, or with fields missing, change
 * nothing.
 */
export class LineStateTracker {
  private axes: Record<string, DurableAxis>;
  private jobs: Record<string, DurableJob>;
  private definitions: LineDefinitions;

  constructor(initial: LineState) {
    this.axes = { ...initial.axes };
    this.jobs = { ...initial.jobs };
    this.definitions = initial.definitions;
  }

  snapshot(): LineState {
    return { axes: { ...this.axes }, jobs: { ...this.jobs }, definitions: this.definitions };
  }

  apply(record: JournalRecord): void {
    const axis = str(record.axis);
    const time = str(record.time);
    switch (record.type) {
      case LINE_STATE_RECORD:
        if (isLineState(record.state)) this.replace(record.state);
        return;
      case LINE_STATE_FRESH:
        this.replace(emptyLineState(this.definitions));
        return;
      case 'trip':
        if (axis && record.latched === true)
          this.setAxis(axis, { latched: { reason: str(record.reason) ?? 'unknown', detail: str(record.detail) ?? '' } });
        return;
      case 'axis_state':
        if (axis) this.axisState(axis, str(record.from), str(record.to), record.job, time);
        return;
      case 'isolation': {
        const by = str(record.by);
        if (!axis || !by) return;
        const others = (this.axes[axis]?.isolatedBy ?? []).filter((holder) => holder !== by);
        this.setAxis(axis, { isolatedBy: record.held === true ? [...others, by] : others });
        return;
      }
      case 'baseline_learned': {
        const signal = str(record.signal);
        const mean = num(record.mean);
        const sd = num(record.sd);
        if (axis && signal && mean !== undefined && sd !== undefined)
          this.setAxis(axis, { baselines: { ...this.axes[axis]?.baselines, [signal]: { mean, sd } } });
        return;
      }
      case 'relearn':
        if (axis) this.setAxis(axis, { baselines: undefined });
        return;
      case 'job_done':
        this.setJob(str(record.job), time, { status: 'done', axis });
        return;
      case 'job_parked':
        this.setJob(str(record.job), time, { status: 'parked', axis, parkedReason: str(record.reason) ?? 'parked' });
        return;
      case 'transfer':
      case 'job_resumed': {
        const fromMove = num(record.fromMove);
        const to = record.type === 'transfer' ? str(record.to) : axis;
        this.setJob(str(record.job), time, {
          status: 'queued',
          axis: to,
          parkedReason: undefined,
          ...(fromMove ? { movesDone: fromMove - 1 } : {}),
        });
        return;
      }
    }
  }

  private axisState(axis: string, from: string | undefined, to: string | undefined, job: unknown, time: string | undefined): void {
    // ErrorStop is left only through a reset (or a comm recovery, which latched trips never get).
    if (from === 'ErrorStop' && to !== 'ErrorStop') this.setAxis(axis, { latched: undefined });
    if (to === 'Disabled' && from !== 'Disabled') this.setAxis(axis, { disabled: true });
    if (to === 'Standstill' && from === 'Disabled') this.setAxis(axis, { disabled: undefined });
    if (typeof job !== 'object' || job === null) return;
    const id = str((job as { id?: unknown }).id);
    const move = num((job as { move?: unknown }).move);
    if (!id || move === undefined) return;
    if (to === 'DiscreteMotion') this.setJob(id, time, { status: 'running', axis, movesDone: move - 1 });
    else if (from === 'DiscreteMotion' && to === 'Standstill') this.setJob(id, time, { axis, movesDone: move });
  }

  private replace(state: LineState): void {
    this.axes = { ...state.axes };
    this.jobs = { ...state.jobs };
    this.definitions = state.definitions;
  }

  private setAxis(id: string, change: Partial<DurableAxis>): void {
    this.axes[id] = withoutUndefined({ ...this.axes[id], ...change });
  }

  private setJob(id: string | undefined, time: string | undefined, change: { -readonly [K in keyof DurableJob]?: DurableJob[K] }): void {
    if (!id) return;
    const before: DurableJob = this.jobs[id] ?? { status: 'queued', axis: change.axis ?? '', movesDone: 0 };
    const axis = change.axis ?? before.axis;
    this.jobs[id] = withoutUndefined({ ...before, ...change, axis, ...(time ? { lastSeen: time } : {}) });
  }
}

/** Drops keys whose value is undefined, so a checkpoint carries only what is set. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function isLineState(value: unknown): value is LineState {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const isRecord = (x: unknown) => typeof x === 'object' && x !== null && !Array.isArray(x);
  return isRecord(v.axes) && isRecord(v.jobs) && isRecord(v.definitions);
}

/** The line state a journal's records leave: folded from the last checkpoint (or the start) on. */
export function foldLineState(records: readonly JournalRecord[], definitions: LineDefinitions): LineState {
  let from = 0;
  for (let i = records.length - 1; i >= 0; i--) {
    if (records[i]!.type === LINE_STATE_RECORD && isLineState(records[i]!.state)) {
      from = i;
      break;
    }
  }
  const tracker = new LineStateTracker(emptyLineState(definitions));
  for (let i = from; i < records.length; i++) tracker.apply(records[i]!);
  return tracker.snapshot();
}
