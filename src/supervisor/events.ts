import type { AxisState } from '../axis/axis-state.ts';
import type { RestoreReport } from '../line/restore-plan.ts';

/** A job's move, 1-based, as events name it. */
export interface JobMoveRef {
  readonly id: string;
  readonly move: number;
}

/** Why a hold was sent. */
export type HoldCause = 'trip' | 'shutdown' | 'operator' | 'recovery';

/**
 * Everything the supervisor reports, one union discriminated by `type`. `atMs` is time on the
 * supervisor's Clock (virtual or monotonic), never wall time. Journal, JSON output, the status
 * table and metrics subscribe; none of them calls back into the supervisor.
 */
export type SupervisorEvent =
  | { readonly type: 'start'; readonly atMs: number; readonly axes: readonly string[]; readonly jobs: number }
  /** `job`: the job move this change starts or completes (moveAbsolute / moveDone of a job's move), `move` 1-based. */
  | {
      readonly type: 'axis_state';
      readonly atMs: number;
      readonly axis: string;
      readonly from: AxisState;
      readonly to: AxisState;
      readonly reason: string;
      readonly job?: JobMoveRef;
    }
  | {
      readonly type: 'breaker';
      readonly atMs: number;
      readonly axis: string;
      readonly from: string;
      readonly to: string;
      readonly reason: string;
      readonly detail?: string;
    }
  /** `ownStallMs`: the supervisor itself had just stalled this long (see 'stall'), which may have caused the trip. */
  /** `latched`: the axis waits in ErrorStop for a technician's reset (and stays so across restarts). */
  | {
      readonly type: 'trip';
      readonly atMs: number;
      readonly axis: string;
      readonly reason: string;
      readonly detail: string;
      readonly latched: boolean;
      readonly ownStallMs?: number;
    }
  /** A technician's isolation hold on `axis` was taken (`held`) or released: it outlives a restart until released. */
  | { readonly type: 'isolation'; readonly atMs: number; readonly axis: string; readonly by: string; readonly held: boolean }
  | {
      readonly type: 'hold';
      readonly atMs: number;
      readonly axis: string;
      readonly cause: HoldCause;
      readonly acknowledged: boolean;
      readonly detail?: string;
    }
  | { readonly type: 'resync'; readonly atMs: number; readonly axis: string; readonly positionMm: number }
  | {
      readonly type: 'transfer';
      readonly atMs: number;
      readonly job: string;
      readonly from: string;
      readonly to: string;
      readonly fromMove: number;
    }
  | { readonly type: 'job_done'; readonly atMs: number; readonly job: string; readonly axis: string }
  | { readonly type: 'job_parked'; readonly atMs: number; readonly job: string; readonly axis: string; readonly reason: string }
  /** A technician resumed a parked job: queued on `axis` (where it was parked, `parkedOn`, or another) from `fromMove`. */
  | {
      readonly type: 'job_resumed';
      readonly atMs: number;
      readonly job: string;
      readonly axis: string;
      readonly parkedOn: string;
      readonly fromMove: number;
      readonly by: string;
    }
  /** The supervisor itself could not act for `lengthMs` (its cycle timer ran that late): our delay, never a drive's fault. */
  | { readonly type: 'stall'; readonly atMs: number; readonly lengthMs: number }
  /** What an earlier run left and this one took over (latches, disables, isolations, done/parked/interrupted jobs), right after `start`. */
  | ({ readonly type: 'line_restored'; readonly atMs: number } & RestoreReport)
  /** A technician started a new line state: the next start takes over nothing from before this (this run goes on as it is). */
  | { readonly type: 'line_state_fresh'; readonly atMs: number; readonly by: string }
  | { readonly type: 'stop'; readonly atMs: number; readonly reason: string };

export type SupervisorEventType = SupervisorEvent['type'];
