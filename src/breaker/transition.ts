/** What a caller may do with the axis: move only when 'closed'. An isolated breaker reports 'open'. */
export type BreakerState = 'closed' | 'open' | 'half_open';

/** Reasons a caller passes to trip(): something seen on the axis that must stop motion at once. */
export type ExternalTripReason =
  | 'following_error' // the following-error monitor exceeded its window for its time
  | 'alarm' // the drive latched an alarm
  | 'port_lost' // the serial port or connection is gone
  | 'drive_held' // the drive stopped and holds by itself (its comm-loss watchdog, a local stop) while commanded to move
  | 'stale_sample'; // no status from the drive for too long, though the drive itself did not fail

/** Why the breaker opened. */
export type TripReason =
  | 'consecutive_failures'
  | 'failure_ratio'
  | 'probe_failed' // half_open → open, with the cooldown backed off
  | 'isolated'
  | ExternalTripReason;

/** Why the breaker moved towards closed or into it. */
export type RecoveryReason =
  | 'cooldown_elapsed' // open → half_open, at the first probe after the cooldown
  | 'isolation_released' // open → open: the last isolation hold was disposed, a normal cooldown starts
  | 'probes_passed' // half_open → closed
  | 'manual_reset'; // open or half_open → closed

export type TransitionReason = TripReason | RecoveryReason;

/**
 * One change of the breaker. `from` and `to` are public states, so both are 'open' when an isolation
 * starts on an open breaker or ends; every event's `from` is the previous event's `to`.
 */
export interface BreakerTransition {
  readonly axis: string;
  readonly from: BreakerState;
  readonly to: BreakerState;
  /** Clock time of the change, ms. */
  readonly atMs: number;
  readonly reason: TransitionReason;
  /** What the caller said: the failed call, the alarm, who isolated or reset. */
  readonly detail?: string;
}

/** Counts since construction, for metrics. A snapshot: it does not change afterwards. */
export interface BreakerCounters {
  /** Openings by reason. */
  readonly trips: Readonly<Record<TripReason, number>>;
  /** allowsMotion() answers of false. */
  readonly rejections: number;
  /** Outcomes of normal calls counted while closed. */
  readonly successes: number;
  readonly failures: number;
  /** Results that arrived for a state no longer current, and were ignored. */
  readonly lateResults: number;
}
