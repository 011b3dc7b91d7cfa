import type { AxisState } from '../axis/axis-state.ts';
import { isOpenJob, type JobView } from '../line/job-board.ts';
import type { AxisRuntime } from './axis-runtime.ts';
import type { DowngradeSettings } from './axis-setup.ts';

/** What a display needs to know about one axis at one moment. */
export interface AxisSnapshot {
  readonly id: string;
  readonly family: string;
  readonly state: AxisState;
  readonly breaker: string;
  readonly positionMm: number | undefined;
  readonly followingErrorMm: number | undefined;
  /** The job the axis is working on now, or undefined when idle. */
  readonly job: { readonly id: string; readonly movesDone: number; readonly moves: number } | undefined;
  /** Jobs owned by the axis that are still waiting. */
  readonly queuedJobs: number;
  /** Why the axis waits for a technician's reset, if it does. */
  readonly latched: string | undefined;
  /** How long the supervisor has had no status from the drive, ms, less its own stalls: the age of positionMm. */
  readonly unobservedMs: number;
  /** While the axis is degraded (src/degradation/): the downgrade plan in force; undefined when healthy. */
  readonly degraded: DowngradeSettings['plan'] | undefined;
}

export function snapshotOf(axis: AxisRuntime, jobs: readonly JobView[]): AxisSnapshot {
  const open = jobs.filter((j) => j.axis === axis.id && isOpenJob(j));
  const current = open[0];
  return {
    id: axis.id,
    family: axis.setup.driver.family,
    state: axis.state,
    breaker: axis.breaker.state,
    positionMm: axis.lastSample?.positionMm,
    followingErrorMm: axis.lastSample?.followingErrorMm,
    job: current && { id: current.id, movesDone: current.movesDone, moves: current.moves.length },
    queuedJobs: Math.max(0, open.length - 1),
    latched: axis.latchedTrip && `${axis.latchedTrip.reason}: ${axis.latchedTrip.detail}`,
    unobservedMs: axis.unobservedForMs(),
    degraded: axis.health.degraded ? axis.health.downgradePlan : undefined,
  };
}
