import { IllegalAxisCommandError } from '../axis/axis-state.ts';
import { BreakerIsolatedError, BreakerOpenError } from '../breaker/errors.ts';
import type { Disposable } from '../common/disposable.ts';
import type { JobBoard } from '../line/job-board.ts';
import type { AxisActions } from './axis-actions.ts';
import type { AxisRuntime } from './axis-runtime.ts';

/** Jog speed as a share of the axis's max speed: slow enough for a person watching the machine. */
export const JOG_SPEED_SHARE = 0.1;

/**
 * What a technician may do to one axis. Every action checks the state table first, so a refused
 * command never reaches the drive; every action that may lead to motion re-syncs first.
 * `by` names who asked (console session, signal, ...) for the journal.
 */
export class Operator {
  constructor(
    private readonly actions: AxisActions,
    private readonly board: JobBoard,
    private readonly axis: (axisId: string) => AxisRuntime,
  ) {}

  /** Forces the breaker open (hold and job hand-off follow) until the returned disposable is released. */
  isolate(axisId: string, by: string): Disposable {
    return this.axis(axisId).breaker.isolate(by);
  }

  /**
   * MC_Stop, latched: the axis holds position until `release`. Its current job move is interrupted
   * and runs again after release. On an axis in ErrorStop it just sends another hold.
   * Does not wait for the axis's in-flight work: a hold must not queue.
   */
  async hold(axisId: string, by: string): Promise<void> {
    const axis = this.axis(axisId);
    if (axis.state !== 'ErrorStop') {
      axis.apply('stop', `held by ${by}`);
      axis.activeMove = undefined;
    }
    await this.actions.hold(axis, 'operator');
  }

  /** Ends a latched stop: re-sync, then Standstill (jobs carry on). */
  async release(axisId: string, by: string): Promise<void> {
    const axis = this.axis(axisId);
    axis.assertAllowed('release');
    await axis.runExclusive(() => this.actions.resyncAndApply(axis, 'release', `released by ${by}`, () => axis.state === 'Stopping'));
  }

  /** MC_Reset: clears the drive alarm, re-syncs, then closes the breaker and returns to Standstill. */
  async reset(axisId: string, by: string): Promise<void> {
    const axis = this.axis(axisId);
    axis.assertAllowed('reset');
    const holders = axis.breaker.isolatedBy;
    if (holders.length > 0) throw new BreakerIsolatedError(axis.id, holders);
    await axis.runExclusive(async () => {
      await axis.call('resetAlarm', (o) => axis.setup.driver.resetAlarm(o));
      await this.actions.resyncAndApply(axis, 'reset', `reset by ${by}`, () => {
        if (axis.state !== 'ErrorStop') return false;
        axis.breaker.reset(by);
        axis.latchedTrip = undefined;
        return true;
      });
    });
  }

  /** MC_Power off. The axis stays off (the cycle does not power it again) until `enable`. */
  async disable(axisId: string, by: string): Promise<void> {
    const axis = this.axis(axisId);
    axis.apply('powerOff', `disabled by ${by}`);
    axis.wantPower = false;
    axis.activeMove = undefined;
    await axis.runExclusive(async () => {
      try {
        await axis.call('disable', (o) => axis.setup.driver.disable(o));
      } catch (error) {
        this.actions.countFailure(axis, error);
        throw error;
      }
    });
  }

  /** MC_Power on: re-sync (target := actual), enable, Standstill. */
  async enable(axisId: string, by: string): Promise<void> {
    const axis = this.axis(axisId);
    axis.assertAllowed('power');
    await axis.runExclusive(() => {
      // Set inside the queue, so the cycle cannot power the axis in between under another name.
      axis.wantPower = true;
      return this.actions.resyncAndApply(axis, 'power', `enabled by ${by}`, () => axis.state === 'Disabled');
    });
  }

  /**
   * Moves an idle axis by `deltaMm` at the jog speed, within its travel. Refused on an axis with job
   * work waiting (the jog would interleave with it), outside Standstill, or with the breaker not closed.
   */
  async jog(axisId: string, deltaMm: number, by: string): Promise<void> {
    const axis = this.axis(axisId);
    if (!Number.isFinite(deltaMm) || deltaMm === 0) throw new RangeError(`jog distance must be a non-zero number of mm, got ${deltaMm}`);
    await axis.runExclusive(async () => {
      // Checked once this axis's queue is ours: the state cannot change under us from here on.
      if (axis.state !== 'Standstill') throw new IllegalAxisCommandError(axis.id, axis.state, 'moveAbsolute', 'jog needs an axis at Standstill');
      const waiting = this.board.nextMove(axis.id);
      if (waiting) throw new IllegalAxisCommandError(axis.id, axis.state, 'moveAbsolute', `job ${waiting.jobId} is waiting on this axis; jog only an idle axis`);
      if (!axis.breaker.allowsMotion()) throw new BreakerOpenError(axis.id, axis.breaker.state);
      const here = await axis.sample();
      const { minMm, maxMm, maxSpeedMmPerS } = axis.setup.limits;
      const targetMm = here.positionMm + deltaMm;
      if (targetMm < minMm || targetMm > maxMm) {
        throw new RangeError(`jog of ${deltaMm} mm would take '${axis.id}' to ${targetMm.toFixed(3)} mm, outside its travel [${minMm}, ${maxMm}] mm`);
      }
      axis.apply('moveAbsolute', `jog ${deltaMm} mm by ${by}`);
      axis.activeMove = { move: { positionMm: targetMm, speedMmPerS: maxSpeedMmPerS * JOG_SPEED_SHARE }, source: { kind: 'jog', by }, acknowledged: false };
      axis.followingError.reset();
      await this.actions.move(axis);
    });
  }
}
