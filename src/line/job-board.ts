import type { Move } from './move.ts';
import type { HandOffDecision } from './fallback.ts';

export type JobStatus = 'queued' | 'running' | 'done' | 'parked';

/** A job as configured: a sequence of moves for one axis. */
export interface JobSpec {
  readonly id: string;
  readonly axis: string;
  readonly moves: readonly Move[];
}

export interface JobTransfer {
  readonly from: string;
  readonly to: string;
  readonly atMs: number;
  /** 1-based number of the first move the new axis runs. */
  readonly fromMove: number;
}

/** A read-only view of a job for displays, the journal and tests. */
export interface JobView {
  readonly id: string;
  /** The axis that owns the job now (after transfers), or that owned it when it was parked. */
  readonly axis: string;
  readonly originalAxis: string;
  readonly status: JobStatus;
  readonly moves: readonly Move[];
  /** How many moves are complete. */
  readonly movesDone: number;
  readonly parkedReason: string | undefined;
  readonly transfers: readonly JobTransfer[];
}

interface JobRecord {
  readonly spec: JobSpec;
  axis: string;
  status: JobStatus;
  movesDone: number;
  parkedReason: string | undefined;
  readonly transfers: JobTransfer[];
}

/** The next move an axis should run, with its job. */
export interface NextMove {
  readonly jobId: string;
  /** 0-based index of the move within its job. */
  readonly index: number;
  readonly move: Move;
}

export type HandOffOutcome =
  | { readonly kind: 'transferred'; readonly job: JobView; readonly transfer: JobTransfer }
  | { readonly kind: 'parked'; readonly job: JobView };

/**
 * Every job of the line and which axis runs it. Each axis works through its queue in order; when an
 * axis trips, its unfinished jobs are handed off (to a fallback, or parked with a reason). No job is
 * ever removed: done and parked jobs stay visible.
 */
export class JobBoard {
  private readonly records: JobRecord[];

  constructor(specs: readonly JobSpec[]) {
    this.records = specs.map((spec) => ({ spec, axis: spec.axis, status: 'queued', movesDone: 0, parkedReason: undefined, transfers: [] }));
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
    return view(record);
  }

  /**
   * Hands every unfinished job of `axis` on, in queue order. `decide` is asked once per job with its
   * remaining moves (the interrupted move is run again in full, to its absolute target).
   */
  handOff(axis: string, atMs: number, decide: (remaining: readonly Move[], firstMoveNumber: number) => HandOffDecision): HandOffOutcome[] {
    const open = this.records.filter((r) => r.axis === axis && isOpen(r));
    return open.map((record) => {
      const decision = decide(record.spec.moves.slice(record.movesDone), record.movesDone + 1);
      if ('park' in decision) {
        record.status = 'parked';
        record.parkedReason = decision.park;
        return { kind: 'parked', job: view(record) };
      }
      const transfer: JobTransfer = { from: axis, to: decision.to, atMs, fromMove: record.movesDone + 1 };
      record.transfers.push(transfer);
      record.axis = decision.to;
      record.status = 'queued';
      // Moving the record to the end puts the rescued job behind the fallback's own work, in order.
      this.records.splice(this.records.indexOf(record), 1);
      this.records.push(record);
      return { kind: 'transferred', job: view(record), transfer };
    });
  }

  /** Every job, in board order. */
  jobs(): JobView[] {
    return this.records.map(view);
  }

  /** True when no job is queued or running. */
  isSettled(): boolean {
    return this.records.every((r) => !isOpen(r));
  }

  private firstOpen(axis: string): JobRecord | undefined {
    return this.records.find((r) => r.axis === axis && isOpen(r));
  }
}

const isOpen = (r: JobRecord): boolean => r.status === 'queued' || r.status === 'running';

const view = (r: JobRecord): JobView => ({
  id: r.spec.id,
  axis: r.axis,
  originalAxis: r.spec.axis,
  status: r.status,
  moves: r.spec.moves,
  movesDone: r.movesDone,
  parkedReason: r.parkedReason,
  transfers: [...r.transfers],
});
