/**
 * The AxisDriver contract: the few operations the supervisor needs from one servo axis, whatever
 * drive family or bus is behind it. Types only; error classes live in ./errors.ts.
 *
 * Every call takes a deadline on the supervisor's Clock. A driver must settle its promise by then
 * (rejecting with a DriveCommError of reason 'timeout'); the supervisor also enforces the deadline
 * itself and ignores any answer that arrives later.
 */

/** One status sample of a drive, taken in a single read. Positions in mm, speeds in mm/s. */
export interface DriveStatus {
  /** Actual (encoder) position. */
  readonly positionMm: number;
  /** The position target the drive is currently heading to or holding. */
  readonly targetMm: number;
  /** Actual velocity, signed. */
  readonly velocityMmPerS: number;
  /** Profile setpoint minus actual position, as the drive computes it. Signed. */
  readonly followingErrorMm: number;
  /** The drive's alarm code; 0 means no alarm. */
  readonly alarmCode: number;
  /** Power stage enabled (CiA 402 OperationEnabled or QuickStopActive). */
  readonly enabled: boolean;
  /** No alarm is latched and the drive can be enabled. */
  readonly ready: boolean;
  /** The profile generator is still moving. */
  readonly moving: boolean;
  /** A hold (controlled stop, then hold position) is active. */
  readonly holding: boolean;
  /** The drive reports its target reached (in-position window of the drive itself). */
  readonly targetReached: boolean;
}

/** A point-to-point move. */
export interface MoveCommand {
  readonly targetMm: number;
  /** Profile speed; the drive's own acceleration limit applies. */
  readonly speedMmPerS: number;
}

/** Per-call options. */
export interface CallOptions {
  /** Absolute time on the supervisor's Clock by which the call must settle. */
  readonly deadlineMs: number;
}

/**
 * What a status read is for: `poll`, the supervision cycle's sample; `probe`, a half-open breaker's
 * read-only probe. A driver on a shared bus serves probes last (hold, commands, polls, then probes).
 */
export type ReadPurpose = 'poll' | 'probe';

/** readStatus options: the call's deadline and what the sample is for. */
export interface ReadStatusOptions extends CallOptions {
  /** Default 'poll'. */
  readonly purpose?: ReadPurpose;
}

/** Why an exchange was sent again: its answer had a bad CRC, was garbled, or did not come. */
export type RetryCause = 'crc' | 'garbled' | 'timeout';

/** Exchanges repeated so far, by cause. */
export type RetryCounts = Readonly<Record<RetryCause, number>>;

/**
 * What a driver knows of its link beyond each call's outcome, for degradation detection: a call that
 * succeeded after a retry is a success, but the retry says the link is getting worse.
 */
export interface DriveLinkStats {
  /** Exchanges this driver repeated after a corrupt or missing answer, so far (see drivers/exchange-retry.ts). */
  readonly retries: RetryCounts;
  /**
   * How long the drive took to answer the last status read, ms, from the request going out: no wait
   * for a shared bus, so a busy neighbour does not make this drive look slow. Undefined before one.
   */
  readonly lastReadMs: number | undefined;
}

/**
 * One servo axis. Valid in any drive state unless stated; a call the drive refuses because of a
 * latched alarm rejects with DriveFaultError.
 */
export interface AxisDriver {
  /** Short family name for displays and the journal, e.g. "simulated" or "modbus-rtu". */
  readonly family: string;
  /** Reads one status sample. Read-only: never changes what the drive does (used by half-open probes). */
  readStatus(options: ReadStatusOptions): Promise<DriveStatus>;
  /** Starts a move to an absolute target. Releases an active hold. Requires an enabled drive. */
  moveTo(command: MoveCommand, options: CallOptions): Promise<void>;
  /** Controlled stop at the drive's deceleration limit, then holds position until the next moveTo. */
  hold(options: CallOptions): Promise<void>;
  /** Enables the power stage; the drive's target is set to its actual position first (no jump). */
  enable(options: CallOptions): Promise<void>;
  /** Disables the power stage. */
  disable(options: CallOptions): Promise<void>;
  /** Clears a latched alarm if its cause is gone. The drive stays disabled or held. */
  resetAlarm(options: CallOptions): Promise<void>;
  /** Its link's statistics, when the driver keeps them (drivers that retry do). */
  readonly link?: DriveLinkStats;
  /** Releases the driver's resources (port, sockets). Idempotent. */
  close(): Promise<void>;
}
