import type { AxisDriver, DriveLinkStats, CallOptions, DriveStatus, MoveCommand } from '../../drivers/contract.ts';
import { isDriveCommError } from '../../drivers/errors.ts';
import type { Clock } from '../common/clock.ts';

/** A driver operation, as the contract names it. */
export type DriverOperation = Exclude<keyof AxisDriver, 'family' | 'close'>;

/**
 * How a call ended: answered by its deadline, answered after it (the supervisor had given up on it),
 * no answer (DriveCommError 'timeout'), or any other failure.
 */
export type CallOutcome = 'ok' | 'late' | 'timeout' | 'error';

/** One driver call. Times are ms on the bench's Clock. */
export interface CallRecord {
  readonly operation: DriverOperation;
  readonly startMs: number;
  readonly endMs: number;
  readonly deadlineMs: number;
  readonly outcome: CallOutcome;
}

/** One status sample the supervisor received in time. `atMs` is when it was asked for. */
export interface StatusSample {
  readonly atMs: number;
  readonly status: DriveStatus;
}

/** A move as sent to the drive (resends included). */
export interface MoveSent {
  readonly atMs: number;
  readonly command: MoveCommand;
}

/** A late answer and a missing one both mean the deadline was missed. */
export const missedDeadline = (call: CallRecord): boolean => call.outcome === 'late' || call.outcome === 'timeout';

/**
 * An AxisDriver that passes every call through to `inner` unchanged and records it: its round trip
 * and outcome, every status sample answered in time, every move sent. It decides nothing; the
 * supervisor around it still enforces each deadline itself.
 */
export class CallRecorder implements AxisDriver {
  readonly family: string;
  readonly calls: CallRecord[] = [];
  readonly samples: StatusSample[] = [];
  readonly moves: MoveSent[] = [];

  constructor(
    private readonly inner: AxisDriver,
    private readonly clock: Clock,
  ) {
    this.family = inner.family;
  }

  /** The inner driver's link statistics: recording changes nothing the supervisor watches. */
  get link(): DriveLinkStats | undefined {
    return this.inner.link;
  }

  async readStatus(options: CallOptions): Promise<DriveStatus> {
    const atMs = this.clock.now();
    const status = await this.timed('readStatus', options, () => this.inner.readStatus(options));
    if (this.clock.now() <= options.deadlineMs) this.samples.push({ atMs, status });
    return status;
  }

  moveTo(command: MoveCommand, options: CallOptions): Promise<void> {
    this.moves.push({ atMs: this.clock.now(), command });
    return this.timed('moveTo', options, () => this.inner.moveTo(command, options));
  }

  hold(options: CallOptions): Promise<void> {
    return this.timed('hold', options, () => this.inner.hold(options));
  }

  enable(options: CallOptions): Promise<void> {
    return this.timed('enable', options, () => this.inner.enable(options));
  }

  disable(options: CallOptions): Promise<void> {
    return this.timed('disable', options, () => this.inner.disable(options));
  }

  resetAlarm(options: CallOptions): Promise<void> {
    return this.timed('resetAlarm', options, () => this.inner.resetAlarm(options));
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async timed<T>(operation: DriverOperation, options: CallOptions, work: () => Promise<T>): Promise<T> {
    const startMs = this.clock.now();
    const record = (outcome: CallOutcome) =>
      this.calls.push({ operation, startMs, endMs: this.clock.now(), deadlineMs: options.deadlineMs, outcome });
    try {
      const value = await work();
      record(this.clock.now() <= options.deadlineMs ? 'ok' : 'late');
      return value;
    } catch (error) {
      record(isDriveCommError(error) && error.reason === 'timeout' ? 'timeout' : 'error');
      throw error;
    }
  }
}
