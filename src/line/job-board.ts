// One file on purpose (over ~250 lines): one state table of jobs. Hand-off, parking, resume and the
// per-axis index of the first open job all write the same records, and the index is only right if
// every writer clears it; the fallback decision and the restore plan are already files of their own.
import type { Move } from './move.ts';
import type { HandOffDecision } from './fallback.ts';
import type { RestoredJob } from './restore-plan.ts';
import { brandedError, brandGuard } from '../common/branded-error.ts';

export type JobStatus = 'queued' | 'running' | 'done' | 'parked';

/** A job as configured: a sequence of moves for one axis. */
export interface JobSpec {
  readonly id: string;
  readonly axis: string;
  readonly moves: readonly Move[];
}

/** Why and when a job was parked. */
export interface JobParking {
  readonly atMs: number;
  readonly reason: string;
}

interface TransferBase {
  readonly from: string;
  readonly to: string;
  readonly atMs: number;
  /** 1-based number of the first move the new axis runs. */
  readonly fromMove: number;
}

/** A trip handed the job to the fallback of its axis. */
export interface FallbackTransfer extends TransferBase {
  readonly kind: 'fallback';
}

/** A technician resumed the parked job (`from` is where it was parked; `to` may be the same axis). */
export interface ResumeTransfer extends TransferBase {
  readonly kind: 'resume';
  readonly by: string;
  /** The parking this resume ended: the job's history keeps it. */
  readonly parked: JobParking;
}

/** A change of the axis that runs a job, or of its status from parked back to queued. */
export type JobTransfer = FallbackTransfer | ResumeTransfer;

/** A resume the board refused: the job is not parked, or the axis cannot run its remaining moves. Nothing changed. */
export class JobNotResumableError extends brandedError(
  'JobNotResumableError',
  ['job'],
  (job: string, why: string) => `job '${job}' cannot be resumed: ${why}`,
) {}

export const isJobNotResumableError = brandGuard<JobNotResumableError>('isJobNotResumableError');

/** A read-only view of a job for displays, the journal and tests. */
export interface JobView {
  readonly id: string;
  /** The axis that owns the job now (after transfers and resumes), or that owned it when it was parked. */
  readonly axis: string;
  readonly originalAxis: string;
  readonly status: JobStatus;
  readonly moves: readonly Move[];
  /** How many moves are complete. */
  readonly movesDone: number;
  /** Why the job is parked now; undefined unless its status is `parked` (a resume's transfer keeps it). */
  readonly parkedReason: string | undefined;
  /** Every fallback hand-off and resume, oldest first. */
  readonly transfers: readonly JobTransfer[];
}

interface JobRecord {
  readonly spec: JobSpec;
  axis: string;
  status: JobStatus;
  movesDone: number;
  /** Set while the job is parked. */
  parking: JobParking | undefined;
  readonly transfers: JobTransfer[];
}

/** The next move an axis should run, with its job. */
export interface NextMove {
  readonly jobId: string;
  /** 0-based index of the move within its job. */
  readonly index: number;
  readonly move: Move;
}

export interface ResumeOutcome {
  readonly job: JobView;
  readonly transfer: ResumeTransfer;
}

export type HandOffOutcome =
  | { readonly kind: 'transferred'; readonly job: JobView; readonly transfer: FallbackTransfer }
  | { readonly kind: 'parked'; readonly job: JobView };

/**
 * Every job of the line and which axis runs it. Each axis works through its queue in order; when an
 * axis trips, its unfinished jobs are handed off (to a fallback, or parked with a reason). A parked
 * job stays parked until a technician resumes it. No job is ever removed: done and parked jobs stay
 * visible, and each job keeps its hand-offs, parkings and resumes.
 */
export class JobBoard {
  private readonly records: JobRecord[];
  /**
   * Per axis, where its first open job is, or from where to look: no open job of the axis lies before
   * it. Every cycle of every axis asks for its first open job, and a long board (a day of jobs) must
   * not be scanned from the start each time. Cleared when a job moves (hand-off, resume).
   */
  private readonly scanFrom = new Map<string, number>();
  /** Jobs queued or running. */
  private openJobs: number;

  constructor(specs: readonly JobSpec[]) {
    this.records = specs.map((spec) => ({ spec, axis: spec.axis, status: 'queued', movesDone: 0, parking: undefined, transfers: [] }));
    this.openJobs = this.records.length;
  }

  /**
   * Before any work: how jobs an earlier run left start this run (restore-plan.ts): done, parked
   * (with its reason) or queued, on their axis, with their moves done. Jobs not named stay as they are.
   */
  restore(restored: ReadonlyMap<string, RestoredJob>, atMs: number): void {
    for (const record of this.records) {
      const job = restored.get(record.spec.id);
      if (!job) continue;
      record.axis = job.axis;
      record.status = job.status;
      record.movesDone = Math.min(job.movesDone, record.spec.moves.length);
      record.parking = job.status === 'parked' ? { atMs, reason: job.parkedReason ?? 'parked' } : undefined;
    }
    this.openJobs = this.records.filter(isOpenJob).length;
    this.scanFrom.clear();
  }

  /** The next move for `axis`: the first move not yet done of its first unfinished job. */
  nextMove(axis: string): NextMove | undefined {
    const record = this.firstOpen(axis);
    if (!record) return undefined;
    const move = record.spec.moves[record.movesDone];
    return move && { jobId: record.spec.id, index: record.movesDone, move };
  }

  /** Marks the current job of `axis` as running (its first move was commanded). */
  markRunning(axis: string): void {
    const record = this.firstOpen(axis);
    if (record) record.status = 'running';
  }

  /** Records that `axis` finished its current move; returns the job when that was its last move. */
  completeMove(axis: string): JobView | undefined {
    const record = this.firstOpen(axis);
    if (!record) return undefined;
    record.movesDone += 1;
    if (record.movesDone < record.spec.moves.length) return undefined;
    record.status = 'done';
    this.openJobs -= 1;
    return view(record);
  }

  /**
   * Hands every unfinished job of `axis` on, in queue order. `decide` is asked once per job with its
   * remaining moves (the interrupted move is run again in full, to its absolute target).
   */
  handOff(axis: string, atMs: number, decide: (remaining: readonly Move[], firstMoveNumber: number) => HandOffDecision): HandOffOutcome[] {
    const open = this.records.filter((r) => r.axis === axis && isOpenJob(r));
    return open.map((record) => {
      const decision = decide(record.spec.moves.slice(record.movesDone), record.movesDone + 1);
      if ('park' in decision) {
        record.status = 'parked';
        record.parking = { atMs, reason: decision.park };
        this.openJobs -= 1;
        return { kind: 'parked', job: view(record) };
      }
      const transfer: FallbackTransfer = { kind: 'fallback', from: axis, to: decision.to, atMs, fromMove: record.movesDone + 1 };
      // Behind the fallback's own work, in order.
      this.requeue(record, transfer);
      return { kind: 'transferred', job: view(record), transfer };
    });
  }

  /**
   * A technician's resume: puts parked job `jobId` back in the queue of `axis`, behind the work
   * already queued there, from its first unfinished move (the interrupted move runs again in full, to
   * its absolute target). `whyNot` is asked with the remaining moves; a reason refuses the resume.
   * Throws RangeError for an unknown job and JobNotResumableError for a refused resume; a refused
   * resume changes nothing.
   */
  resume(
    jobId: string,
    axis: string,
    atMs: number,
    by: string,
    whyNot: (remaining: readonly Move[], firstMoveNumber: number) => string | undefined,
  ): ResumeOutcome {
    const record = this.record(jobId);
    // `parking` is set exactly while the job is parked; checking both narrows its type.
    if (record.status !== 'parked' || !record.parking) {
      throw new JobNotResumableError(jobId, `it is ${record.status} on '${record.axis}'; only a parked job can be resumed`);
    }
    const refusal = whyNot(record.spec.moves.slice(record.movesDone), record.movesDone + 1);
    if (refusal) throw new JobNotResumableError(jobId, refusal);
    const transfer: ResumeTransfer = {
      kind: 'resume',
      from: record.axis,
      to: axis,
      atMs,
      fromMove: record.movesDone + 1,
      by,
      parked: record.parking,
    };
    record.parking = undefined;
    this.requeue(record, transfer);
    this.openJobs += 1;
    return { job: view(record), transfer };
  }

  /**
   * A job queued while the line runs, after every job the board has: its axis takes it when its own
   * earlier jobs are done. The caller has checked it as a config job is checked; a taken id is a
   * RangeError (no job is ever replaced).
   */
  add(spec: JobSpec): JobView {
    if (this.records.some((r) => r.spec.id === spec.id)) throw new RangeError(`job id '${spec.id}' is taken; give the new job its own id`);
    const record: JobRecord = { spec, axis: spec.axis, status: 'queued', movesDone: 0, parking: undefined, transfers: [] };
    this.records.push(record);
    this.openJobs++;
    return view(record);
  }

  /** The job called `jobId`; a RangeError naming the known ids for an unknown one. */
  job(jobId: string): JobView {
    return view(this.record(jobId));
  }

  /** Every job, in board order. */
  jobs(): JobView[] {
    return this.records.map(view);
  }

  /** True when no job is queued or running. */
  isSettled(): boolean {
    return this.openJobs === 0;
  }

  private firstOpen(axis: string): JobRecord | undefined {
    const records = this.records;
    let i = this.scanFrom.get(axis) ?? 0;
    while (i < records.length && !(records[i]!.axis === axis && isOpenJob(records[i]!))) i++;
    this.scanFrom.set(axis, i);
    return records[i];
  }

  private record(jobId: string): JobRecord {
    const record = this.records.find((r) => r.spec.id === jobId);
    if (!record) throw new RangeError(`no job '${jobId}' (known: ${this.records.map((r) => r.spec.id).join(', ') || 'none'})`);
    return record;
  }

  /**
   * Queues `record` on `transfer.to`, at the end of the board. At the end, because each axis runs its
   * first open job: anywhere earlier the job would cut in before a job the axis is already running.
   */
  private requeue(record: JobRecord, transfer: JobTransfer): void {
    record.transfers.push(transfer);
    record.axis = transfer.to;
    record.status = 'queued';
    this.records.splice(this.records.indexOf(record), 1);
    this.records.push(record);
    this.scanFrom.clear();
  }
}

/** A job still to be worked on: queued or running (not done, not parked). */
export const isOpenJob = (job: { readonly status: JobStatus }): boolean => job.status === 'queued' || job.status === 'running';

const view = (r: JobRecord): JobView => ({
  id: r.spec.id,
  axis: r.axis,
  originalAxis: r.spec.axis,
  status: r.status,
  moves: r.spec.moves,
  movesDone: r.movesDone,
  parkedReason: r.parking?.reason,
  transfers: [...r.transfers],
});
