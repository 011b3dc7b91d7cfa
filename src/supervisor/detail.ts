import type { DriveStatus, RetryCounts } from '../../drivers/contract.ts';
import type { SignalView } from '../degradation/axis-degradation.ts';
import type { DowngradeSettings } from './axis-setup.ts';
import type { BreakerCounters, BreakerState, TripReason } from '../breaker/transition.ts';
import type { JobView } from '../line/job-board.ts';
import type { AxisLimits } from '../line/move.ts';
import type { AxisRuntime, LatchedTrip } from './axis-runtime.ts';
import { snapshotOf, type AxisSnapshot } from './snapshot.ts';

/** The breaker of one axis as a display sees it. */
export interface BreakerDetail {
  readonly state: BreakerState;
  readonly counters: BreakerCounters;
  /** Who holds the breaker isolated, oldest first; empty when not isolated. */
  readonly isolatedBy: readonly string[];
  /** When open (not isolated): the earliest clock time, ms, a probe may start. */
  readonly nextProbeAtMs: number | undefined;
  /** Why it left closed, while it is not closed. */
  readonly tripReason: TripReason | undefined;
}

/** Everything a technician may want to read about one axis at one moment. A copy: it does not change afterwards. */
export interface AxisDetail {
  readonly snapshot: AxisSnapshot;
  readonly limits: AxisLimits;
  readonly fallback: string | undefined;
  /** The last status read from the drive, and when (clock ms); undefined before the first answer. */
  readonly lastSample: DriveStatus | undefined;
  readonly lastSampleAtMs: number | undefined;
  readonly breaker: BreakerDetail;
  /** The trip that waits for a technician's reset, if any. */
  readonly latchedTrip: LatchedTrip | undefined;
  /** False after a technician disabled the axis: the cycle does not power it again. */
  readonly wantPower: boolean;
  /** The hold sent on the last trip was not confirmed yet. */
  readonly holdPending: boolean;
  /** The following-error window at the last sample's speed (the move's, or the standstill window), mm; undefined before the first sample. */
  readonly followingErrorWindowMm: number | undefined;
  readonly degradation: DegradationDetail;
}

/** The degradation watch of one axis as a display sees it. */
export interface DegradationDetail {
  readonly degraded: boolean;
  readonly plan: DowngradeSettings['plan'];
  /** The share of their speed its job moves start at now (below 1 while derated). */
  readonly speedFactor: number;
  readonly draining: boolean;
  readonly signals: readonly SignalView[];
  /** Exchanges its driver repeated after a corrupt or missing answer, by cause; undefined when the driver does not say. */
  readonly retries: RetryCounts | undefined;
}

/** Reads one axis; never changes it (breaker counters are copied, not reset). */
export function detailOf(axis: AxisRuntime, jobs: readonly JobView[]): AxisDetail {
  const breaker = axis.breaker;
  return {
    snapshot: snapshotOf(axis, jobs),
    limits: axis.setup.limits,
    fallback: axis.setup.fallback,
    lastSample: axis.lastSample,
    lastSampleAtMs: axis.lastSampleAtMs,
    breaker: {
      state: breaker.state,
      counters: breaker.counters,
      isolatedBy: breaker.isolatedBy,
      nextProbeAtMs: breaker.nextProbeAtMs(),
      tripReason: breaker.tripReason,
    },
    latchedTrip: axis.latchedTrip,
    wantPower: axis.wantPower,
    holdPending: axis.holdPending,
    followingErrorWindowMm: axis.lastSample && axis.followingError.limitMm(axis.followingErrorSpeedMmPerS(axis.lastSample)),
    degradation: {
      degraded: axis.health.degraded,
      plan: axis.health.downgradePlan,
      speedFactor: axis.health.speedFactor(),
      draining: axis.health.draining,
      signals: axis.health.watch.signals(),
      retries: axis.setup.driver.link && { ...axis.setup.driver.link.retries },
    },
  };
}
