import { IllegalAxisCommandError } from '../axis/axis-state.ts';
import { BreakerIsolatedError, BreakerOpenError } from '../breaker/errors.ts';
import { disposableOnce, type Disposable } from '../common/disposable.ts';
import { assertNever } from '../common/never.ts';
import { whyAxisCannotTake } from '../line/fallback.ts';
import type { JobBoard, JobSpec, JobView, ResumeOutcome } from '../line/job-board.ts';
import type { ActionContext, AxisActions } from './axis-actions.ts';
import type { AxisRuntime } from './axis-runtime.ts';

/** Jog speed as a share of the axis's max speed: slow enough for a person watching the machine. */
export const JOG_SPEED_SHARE = 0.1;

/** A job queued while the line runs, and what must happen before its axis starts it (undefined: it starts in turn by itself). */
export interface JobQueued {
  readonly job: JobView;
  readonly waitsFor: string | undefined;
}

/** A resumed job, and what must happen before its axis starts it (undefined: it starts by itself). */
export interface JobResumed extends ResumeOutcome, JobQueued {}

/**
 * What a technician may do to one axis, and to a parked job. Every action checks the state table
 * first, so a refused command never reaches the drive; every action that may lead to motion re-syncs
 * first. `by` names who asked (console session, signal, ...) for the journal.
 */
export class Operator {
  constructor(
    private readonly ctx: Pick<ActionContext, 'clock' | 'emit' | 'tripped'>,
    private readonly actions: AxisActions,
    private readonly board: JobBoard,
    private readonly axis: (axisId: string) => AxisRuntime,
  ) {}

  /**
   * Forces the breaker open (hold and job hand-off follow) until the returned disposable is released.
   * Both ends are reported (`isolation`), so the hold outlives a restart until its holder releases it.
   */
  isolate(axisId: string, by: string): Disposable {
    const axis = this.axis(axisId);
    const trips = axis.breaker.state === 'closed';
    const hold = axis.breaker.isolate(by);
    if (trips) this.ctx.tripped(axis, 'isolated', by);
    this.ctx.emit({ type: 'isolation', atMs: this.ctx.clock.now(), axis: axisId, by, held: true });
    return disposableOnce(() => {
      hold.dispose();
      this.ctx.emit({ type: 'isolation', atMs: this.ctx.clock.now(), axis: axisId, by, held: false });
    });
  }

  /**
   * MC_Stop, latched: the axis holds position until `release`. Its current job move is interrupted
   * and runs again after release. On an axis in ErrorStop it just sends another hold.
   * Does not wait for the axis's in-flight work: a hold must not queue.
   */
  async hold(axisId: string, by: string): Promise<void> {
    const axis = this.axis(axisId);
    if (axis.state !== 'ErrorStop') axis.stop(`held by ${by}`);
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
        axis.clearLatch();
        return true;
      });
    });
  }

  /** MC_Power off. The axis stays off (the cycle does not power it again) until `enable`. */
  async disable(axisId: string, by: string): Promise<void> {
    const axis = this.axis(axisId);
    axis.powerOff(`disabled by ${by}`);
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
      axis.wantPowerOn();
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
      if (axis.state !== 'Standstill')
        throw new IllegalAxisCommandError(axis.id, axis.state, 'moveAbsolute', 'jog needs an axis at Standstill');
      const waiting = this.board.nextMove(axis.id);
      if (waiting)
        throw new IllegalAxisCommandError(
          axis.id,
          axis.state,
          'moveAbsolute',
          `job ${waiting.jobId} is waiting on this axis; jog only an idle axis`,
        );
      if (!axis.breaker.allowsMotion()) throw new BreakerOpenError(axis.id, axis.breaker.state);
      const here = await axis.sample();
      const { minMm, maxMm, maxSpeedMmPerS } = axis.setup.limits;
      const targetMm = here.positionMm + deltaMm;
      if (targetMm < minMm || targetMm > maxMm) {
        throw new RangeError(
          `jog of ${deltaMm} mm would take '${axis.id}' to ${targetMm.toFixed(3)} mm, outside its travel [${minMm}, ${maxMm}] mm`,
        );
      }
      axis.startMove(
        { positionMm: targetMm, speedMmPerS: maxSpeedMmPerS * JOG_SPEED_SHARE },
        { kind: 'jog', by },
        `jog ${deltaMm} mm by ${by}`,
      );
      await this.actions.move(axis);
    });
  }

  /**
   * After a repair: forgets the axis's degradation baselines and degraded marks, ends its downgrade
   * (derate, drain) and learns it again from now. Moves nothing; a job a drain handed on stays where
   * it went. RangeError for an unknown axis.
   */
  relearn(axisId: string, by: string): void {
    this.axis(axisId).health.relearn(by);
  }

  /**
   * Starts a new line state on purpose: the next start takes over nothing from before now (latched
   * trips, disables, isolations, done and parked jobs). Changes nothing in this run.
   */
  freshLineState(by: string): void {
    this.ctx.emit({ type: 'line_state_fresh', atMs: this.ctx.clock.now(), by });
  }

  /**
   * Puts a parked job back in the queue of `axisId` (default: the axis it was parked on), from the
   * move it had not finished. Moves nothing by itself: the cycle starts the job like any queued one,
   * once the axis is at Standstill with its breaker closed (it re-synced on its way there). Never
   * automatic: a restart after a fault is a person's decision. Refused, with nothing changed, for an
   * unknown job or axis (RangeError), a job that is not parked, or moves outside the axis's travel or
   * max speed (JobNotResumableError, by the same check as a fallback hand-off).
   */
  resume(jobId: string, axisId: string | undefined, by: string): JobResumed {
    const axis = this.axis(axisId ?? this.board.job(jobId).axis);
    const candidate = { id: axis.id, limits: axis.setup.limits };
    const atMs = this.ctx.clock.now();
    const outcome = this.board.resume(jobId, axis.id, atMs, by, (remaining, first) => whyAxisCannotTake(remaining, first, candidate));
    const { from, to, fromMove } = outcome.transfer;
    this.ctx.emit({ type: 'job_resumed', atMs, job: jobId, axis: to, parkedOn: from, fromMove, by });
    return { ...outcome, waitsFor: whatStartWaitsFor(axis) };
  }
  /**
   * Queues a new job (checked by the caller exactly as a config job is: config/queued-job.ts) after
   * every job the line has; its axis takes it in turn, once at Standstill with its breaker closed,
   * as any queued job. It lives for this run: the next start reports it dropped, never runs it.
   */
  queue(spec: JobSpec, by: string): JobQueued {
    const axis = this.axis(spec.axis);
    const job = this.board.add(spec);
    this.ctx.emit({ type: 'job_queued', atMs: this.ctx.clock.now(), job: spec.id, axis: spec.axis, moves: spec.moves.length, by });
    return { job, waitsFor: whatStartWaitsFor(axis) };
  }
}

/** What must happen before `axis` starts a queued job; undefined when it will by itself (Standstill or moving, breaker closed). */
function whatStartWaitsFor(axis: AxisRuntime): string | undefined {
  const holders = axis.breaker.isolatedBy;
  if (holders.length > 0) return `'${axis.id}' is isolated by ${holders.join(', ')}: release the isolation, then reset it`;
  if (axis.latchedTrip) return `'${axis.id}' is in ErrorStop after a latched ${axis.latchedTrip.reason} trip: reset it first`;
  switch (axis.state) {
    case 'ErrorStop':
      return `'${axis.id}' is in ErrorStop (breaker ${axis.breaker.state}): it re-syncs by itself once its drive answers again`;
    case 'Stopping':
      return `'${axis.id}' is held (a latched stop): release it first`;
    case 'Disabled':
      return axis.wantPower
        ? `'${axis.id}' is not powered yet: it powers up and re-syncs by itself`
        : `'${axis.id}' is disabled: enable it first`;
    case 'Standstill':
    case 'DiscreteMotion':
      return undefined;
    default:
      return assertNever(axis.state, 'axis state');
  }
}
