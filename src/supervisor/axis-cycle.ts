import type { DriveStatus } from '../../drivers/contract.ts';
import type { ExternalTripReason } from '../breaker/transition.ts';
import { isDriveCommError, isOurDelay } from '../../drivers/errors.ts';
import type { JobBoard } from '../line/job-board.ts';
import { isDriveFailure, type ActionContext, type AxisActions } from './axis-actions.ts';
import type { ActiveMove, AxisRuntime } from './axis-runtime.ts';
import type { PowerUpGate } from './power-up-gate.ts';

/**
 * One axis's share of a supervision cycle: sample -> evaluate -> decide -> command. Closed breaker:
 * a status read, health checks, then job progress. Open breaker: at most one read-only probe.
 */
export class AxisCycle {
  constructor(
    private readonly ctx: ActionContext,
    private readonly actions: AxisActions,
    private readonly board: JobBoard,
    private readonly powerUps: PowerUpGate,
  ) {}

  service(axis: AxisRuntime): Promise<void> {
    return axis.breaker.state === 'closed' ? this.serviceClosed(axis) : this.probe(axis);
  }

  private async serviceClosed(axis: AxisRuntime): Promise<void> {
    let sample: DriveStatus;
    try {
      sample = await axis.sample();
    } catch (error) {
      this.actions.countFailure(axis, error);
      return;
    }
    axis.breaker.recordSuccess();
    if (axis.state === 'ErrorStop') {
      await this.recoverIfSound(axis, sample);
      return;
    }
    if (this.tripIfUnhealthy(axis, sample, { expectEnabled: axis.state !== 'Disabled' })) return;
    switch (axis.state) {
      case 'Disabled':
        if (axis.wantPower) await this.powerUps.pass(() => this.powerUp(axis));
        return;
      case 'Standstill': {
        const starting = this.startNextJobMove(axis);
        if (starting) await starting;
        return;
      }
      case 'DiscreteMotion':
        await this.followMove(axis, sample);
        return;
      case 'Stopping':
        return;
    }
  }

  /** Half-open probing: a read-only status read, never motion. */
  private async probe(axis: AxisRuntime): Promise<void> {
    if (!axis.breaker.tryBeginProbe()) return;
    let sample: DriveStatus;
    try {
      sample = await axis.sample('probe');
    } catch (error) {
      if (!isDriveCommError(error)) throw error;
      // A probe that never got the bus, or was judged while we were held up, says nothing about the drive: neither pass nor fail it.
      if (isOurDelay(error)) axis.breaker.abandonProbe();
      else axis.breaker.recordProbe(false, error.message);
      return;
    }
    const ok = sample.alarmCode === 0;
    axis.breaker.recordProbe(ok, ok ? 'drive answered without alarm' : `drive alarm ${sample.alarmCode}`);
    // A hold is always safe, so an unconfirmed trip hold goes out as soon as the drive answers.
    if (axis.holdPending) await this.actions.hold(axis, 'trip');
    if (axis.breaker.state === 'closed') await this.recoverIfSound(axis, sample);
  }

  /**
   * After a comm trip, once the drive answers again: it may still be hurt (a jam that outlasted the
   * comm fault, an alarm). Judge it before re-syncing, so the hurt trips and latches instead of
   * re-syncs failing quietly; an error outside the window waits for the monitor's verdict. Its power
   * stage may be off (its own comm-loss watchdog): that is no fault here, re-sync enables it again.
   */
  private async recoverIfSound(axis: AxisRuntime, sample: DriveStatus): Promise<void> {
    if (axis.latchedTrip || this.tripIfUnhealthy(axis, sample, { expectEnabled: false })) return;
    if (Math.abs(sample.followingErrorMm) > axis.followingError.limitMm(axis.followingErrorSpeedMmPerS(sample))) return;
    await this.recover(axis);
  }

  /** Trips the breaker (and returns true) when the sample shows a trip condition (see healthVerdict). */
  private tripIfUnhealthy(axis: AxisRuntime, sample: DriveStatus, { expectEnabled }: { readonly expectEnabled: boolean }): boolean {
    const verdict = healthVerdict(axis, sample, { expectEnabled, stopping: this.ctx.stopping(), nowMs: this.ctx.clock.now() });
    if (verdict) this.actions.trip(axis, verdict.reason, verdict.detail);
    return verdict !== undefined;
  }

  private async powerUp(axis: AxisRuntime): Promise<void> {
    axis.assertAllowed('power');
    await this.quietly(
      this.actions.resyncAndApply(
        axis,
        'power',
        'powered and re-synced',
        () => axis.state === 'Disabled' && axis.wantPower && axis.breaker.state === 'closed',
      ),
    );
  }

  /** After a comm trip: once the breaker is closed again, re-sync and return to Standstill. */
  private async recover(axis: AxisRuntime): Promise<void> {
    await this.quietly(
      this.actions.resyncAndApply(
        axis,
        'reset',
        'communication recovered and re-synced',
        () => axis.state === 'ErrorStop' && !axis.latchedTrip && axis.breaker.state === 'closed',
      ),
    );
  }

  /**
   * Resends an unconfirmed move, or completes the move once the axis has arrived. Not async: on most
   * cycles of a moving axis there is nothing to do, and an async function's frame is allocated even
   * then.
   */
  private followMove(axis: AxisRuntime, sample: DriveStatus): Promise<void> | undefined {
    const active = axis.activeMove;
    if (!active) return undefined;
    if (!active.acknowledged) return this.actions.move(axis);
    axis.health.watch.duringMove(sample, this.ctx.clock.now());
    const target = active.move.positionMm;
    const tolerance = axis.setup.inPositionMm;
    const arrived =
      !sample.moving &&
      sample.targetReached &&
      Math.abs(sample.targetMm - target) <= tolerance &&
      Math.abs(sample.positionMm - target) <= tolerance;
    return arrived ? this.finishMove(axis, active) : undefined;
  }

  private async finishMove(axis: AxisRuntime, active: ActiveMove): Promise<void> {
    const { source } = active;
    axis.finishMove(
      `reached ${active.move.positionMm} mm`,
      source.kind === 'job' ? { id: source.jobId, move: source.index + 1 } : undefined,
    );
    if (source.kind === 'job') {
      const finished = this.board.completeMove(axis.id);
      if (finished) this.ctx.emit({ type: 'job_done', atMs: this.ctx.clock.now(), job: finished.id, axis: axis.id });
    }
    await this.startNextJobMove(axis);
  }

  /**
   * Not async: an idle axis (no job queued) comes here every cycle, and an async function's frame
   * and promise are allocated even when there is nothing to start.
   */
  private startNextJobMove(axis: AxisRuntime): Promise<void> | undefined {
    const next = this.board.nextMove(axis.id);
    if (!next || this.ctx.stopping() || !axis.breaker.allowsMotion()) return undefined;
    // Draining: the running job finishes; a job not yet begun goes to the fallback with the rest of the queue.
    if (axis.health.draining && next.index === 0) {
      this.ctx.drained(axis);
      return undefined;
    }
    const factor = axis.health.speedFactor();
    const move = factor === 1 ? next.move : { ...next.move, speedMmPerS: next.move.speedMmPerS * factor };
    const derated = factor === 1 ? '' : ` at ${Math.round(factor * 100)} % speed (derated)`;
    axis.startMove(move, { kind: 'job', jobId: next.jobId, index: next.index }, `job ${next.jobId} move ${next.index + 1}${derated}`, {
      id: next.jobId,
      move: next.index + 1,
    });
    this.board.markRunning(axis.id);
    return this.actions.move(axis);
  }

  /** The cycle retries on its next tick, so a drive failure (already counted) ends the attempt quietly. */
  private async quietly(attempt: Promise<void>): Promise<void> {
    try {
      await attempt;
    } catch (error) {
      if (!isDriveFailure(error)) throw error;
    }
  }
}

interface TripVerdict {
  readonly reason: ExternalTripReason;
  readonly detail: string;
}

/**
 * Evaluates a sample: a drive alarm, a following error out of its window for its time, a drive that
 * holds by itself during a move, or, when `expectEnabled`, a power stage the drive turned off by
 * itself. Decides nothing; the only state it advances is the following-error monitor's time outside
 * its window.
 */
function healthVerdict(
  axis: AxisRuntime,
  sample: DriveStatus,
  { expectEnabled, stopping, nowMs }: { readonly expectEnabled: boolean; readonly stopping: boolean; readonly nowMs: number },
): TripVerdict | undefined {
  if (sample.alarmCode !== 0) return { reason: 'alarm', detail: `drive alarm code ${sample.alarmCode}` };
  if (expectEnabled && !sample.enabled) {
    // The drive dropped its power stage on its own: its comm-loss watchdog, STO or an internal fault.
    return { reason: 'alarm', detail: 'the drive disabled its power stage without a command' };
  }
  if (axis.state === 'DiscreteMotion' && sample.holding && !stopping) {
    // The supervisor sent no hold (shutdown holds every axis where it stands), yet the move will
    // never finish: the drive's own comm-loss watchdog held it (the supervisor went quiet too
    // long) or someone stopped it locally.
    return {
      reason: 'drive_held',
      detail: 'the drive stopped and holds by itself (its comm-loss watchdog or a local stop) during a move',
    };
  }
  const check = axis.followingError.evaluate(sample.followingErrorMm, axis.followingErrorSpeedMmPerS(sample), nowMs);
  if (!check.exceeded) return undefined;
  return {
    reason: 'following_error',
    detail: `following error ${sample.followingErrorMm.toFixed(3)} mm beyond its ${check.limitMm.toFixed(3)} mm window for ${Math.round(check.outsideForMs)} ms`,
  };
}
