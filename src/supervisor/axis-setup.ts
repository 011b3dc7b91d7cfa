import type { AxisDriver } from '../../drivers/contract.ts';
import type { BreakerOptions } from '../breaker/options.ts';
import type { AxisLimits } from '../line/move.ts';
import type { WatchTuning } from '../degradation/signals.ts';

/** Following-error window of one axis; the max window applies at the axis's max speed. */
export interface FollowingErrorSettings {
  readonly minWindowMm: number;
  readonly maxWindowMm: number;
  readonly timeMs: number;
}

/** Everything the supervisor needs to run one axis: its driver and its resolved settings. */
export interface AxisSetup {
  readonly id: string;
  readonly driver: AxisDriver;
  readonly limits: AxisLimits;
  /** The axis that takes over this axis's unfinished jobs when it trips. */
  readonly fallback: string | undefined;
  /** Deadline of each driver call. */
  readonly timeoutMs: number;
  /** How close to the target counts as arrived. */
  readonly inPositionMm: number;
  /** auto: after a comm trip and a closed breaker, re-sync and carry on; manual: wait for a reset. */
  readonly recovery: 'auto' | 'manual';
  /** After a latched trip: hold with the torque kept (default), or hold and then drop the torque. */
  readonly onLatchedTrip?: 'hold' | 'torque_off';
  readonly breaker: BreakerOptions;
  readonly followingError: FollowingErrorSettings;
  /** What the supervisor does while the axis is degraded (see axis-health.ts). Default: warn only. */
  readonly downgrade?: DowngradeSettings;
  /** How its degradation is watched (window, warm-up); default DEFAULT_WATCH. */
  readonly watch?: WatchTuning;
}

/**
 * The downgrade plan of a degraded axis: `warn` (events and displays only), `derate` (job moves
 * started while degraded run at `derateFactor` of their speed), `drain` (its running job finishes,
 * then its queued jobs go to its fallback; it takes no new job until it recovers or is relearned).
 */
export interface DowngradeSettings {
  readonly plan: 'warn' | 'derate' | 'drain';
  /** Share of a move's speed while derated, (0, 1]. */
  readonly derateFactor: number;
}
