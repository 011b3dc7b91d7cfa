import type { DriveStatus } from '../../drivers/contract.ts';
import { isCancelledError, isDriveCommError, isDriveFaultError } from '../../drivers/errors.ts';
import { acceptsWork } from '../axis/axis-state.ts';
import type { Clock } from '../common/clock.ts';
import type { Disposable } from '../common/disposable.ts';
import { EventEmitter } from '../common/event.ts';
import { decideHandOff, type FallbackCandidate } from '../line/fallback.ts';
import { JobBoard, type JobSpec, type JobView } from '../line/job-board.ts';
import { AxisRuntime } from './axis-runtime.ts';
import type { AxisSetup } from './axis-setup.ts';
import type { HoldCause, SupervisorEvent } from './events.ts';
import { isResyncError, resync } from './resync.ts';
import { snapshotOf, type AxisSnapshot } from './snapshot.ts';

export interface SupervisorOptions {
  readonly clock: Clock;
  /** Poll period of the supervision cycle. */
  readonly periodMs: number;
  readonly axes: readonly AxisSetup[];
  readonly jobs: readonly JobSpec[];
}

/** Trip reasons that mean the drive or the machine is hurt: they latch until a technician resets. */
const LATCHING_TRIPS = new Set(['following_error', 'alarm', 'isolated']);

/**
 * The supervision cycle. Every period each axis that is not still busy gets one service task:
 * sample -> evaluate -> breaker/axis decide -> command. Tasks run side by side, each bounded by its
 * own deadlines, so a hung drive costs only its own axis.
 */
export class Supervisor {
  private readonly events = new EventEmitter<SupervisorEvent>();
  private readonly fatalErrors = new EventEmitter<unknown>();
  /** Every supervisor event, in order. */
  readonly onEvent = this.events.event;
  /** A programming error escaped an axis task; the caller should hold everything and exit. */
  readonly onFatal = this.fatalErrors.event;

  private readonly clock: Clock;
  private readonly periodMs: number;
  private readonly axes = new Map<string, AxisRuntime>();
  private readonly board: JobBoard;
  private readonly tasks = new Set<Promise<void>>();
  private ticker: Disposable | undefined;
  private stopping = false;

  constructor(options: SupervisorOptions) {
    this.clock = options.clock;
    this.periodMs = options.periodMs;
    this.board = new JobBoard(options.jobs);
    for (const setup of options.axes) {
      const axis = new AxisRuntime(setup, this.clock, (e) => this.events.emit(e));
      axis.breaker.onTransition((t) => {
        this.events.emit({ type: 'breaker', atMs: t.atMs, axis: t.axis, from: t.from, to: t.to, reason: t.reason, ...(t.detail ? { detail: t.detail } : {}) });
        if (t.from === 'closed' && t.to === 'open') this.onTrip(axis, t.reason, t.detail ?? t.reason);
      });
      this.axes.set(setup.id, axis);
    }
  }

  /** Starts the cycle. Axes come up Disabled and are powered and re-synced by their first tasks. */
  start(): void {
    this.events.emit({ type: 'start', atMs: this.clock.now(), axes: [...this.axes.keys()], jobs: this.board.jobs().length });
    this.scheduleTick();
  }

  /** True when every job is done or parked. */
  isSettled(): boolean {
    return this.board.isSettled();
  }

  jobs(): JobView[] {
    return this.board.jobs();
  }

  snapshot(): AxisSnapshot[] {
    const jobs = this.board.jobs();
    return [...this.axes.values()].map((axis) => snapshotOf(axis, jobs));
  }

  /** Stops the cycle and holds every axis; resolves once every hold and in-flight task has settled. */
  async stop(reason: string): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.ticker?.dispose();
    await Promise.all([...this.axes.values()].map((axis) => this.sendHold(axis, 'shutdown')));
    await Promise.allSettled([...this.tasks]);
    this.events.emit({ type: 'stop', atMs: this.clock.now(), reason });
  }

  /** Operator: forces the axis's breaker open (hold and hand-off follow) until the disposable is released. */
  isolate(axisId: string, by: string): Disposable {
    return this.axis(axisId).breaker.isolate(by);
  }

  /**
   * Operator MC_Reset: clears the drive alarm, re-syncs, then closes the breaker and returns the axis
   * to Standstill. Refused (IllegalAxisCommandError) unless the axis is in ErrorStop.
   */
  async reset(axisId: string, by: string): Promise<void> {
    const axis = this.axis(axisId);
    axis.assertAllowed('reset');
    await this.exclusive(axis, async () => {
      await axis.call('resetAlarm', (o) => axis.setup.driver.resetAlarm(o));
      const status = await resync(axis, this.clock, this.periodMs);
      axis.breaker.reset(by);
      axis.latchedTrip = undefined;
      axis.followingError.reset();
      axis.apply('reset', `reset by ${by}`);
      this.emitResync(axis, status);
    });
  }

  private axis(axisId: string): AxisRuntime {
    const axis = this.axes.get(axisId);
    if (!axis) throw new RangeError(`no axis '${axisId}' (known: ${[...this.axes.keys()].join(', ')})`);
    return axis;
  }

  private scheduleTick(): void {
    this.ticker = this.clock.setTimer(() => {
      if (this.stopping) return;
      for (const axis of this.axes.values()) {
        if (!axis.busy) this.track(this.exclusive(axis, () => this.service(axis)));
      }
      this.scheduleTick();
    }, this.periodMs);
  }

  private track(task: Promise<void>): void {
    const guarded = task.catch((error: unknown) => this.fatalErrors.emit(error));
    this.tasks.add(guarded);
    void guarded.finally(() => this.tasks.delete(guarded));
  }

  /** Runs `work` with the axis marked busy, so cycle ticks skip it instead of stacking calls. */
  private async exclusive(axis: AxisRuntime, work: () => Promise<void>): Promise<void> {
    if (axis.busy) throw new Error(`axis '${axis.id}' is busy; try again`);
    axis.busy = true;
    try {
      await work();
    } finally {
      axis.busy = false;
    }
  }

  private async service(axis: AxisRuntime): Promise<void> {
    if (axis.breaker.state === 'closed') await this.serviceClosed(axis);
    else await this.probe(axis);
  }

  private async serviceClosed(axis: AxisRuntime): Promise<void> {
    let sample: DriveStatus;
    try {
      sample = await axis.sample();
    } catch (error) {
      this.countFailure(axis, error);
      return;
    }
    axis.breaker.recordSuccess();
    if (axis.state === 'ErrorStop') {
      if (!axis.latchedTrip) await this.recover(axis);
      return;
    }
    if (!this.isHealthy(axis, sample)) return;
    await this.advance(axis, sample);
  }

  /** Half-open probing: a read-only status read, never motion. */
  private async probe(axis: AxisRuntime): Promise<void> {
    if (!axis.breaker.tryBeginProbe()) return;
    let sample: DriveStatus;
    try {
      sample = await axis.sample();
    } catch (error) {
      if (!isDriveCommError(error)) throw error;
      axis.breaker.recordProbe(false, error.message);
      return;
    }
    const ok = sample.alarmCode === 0;
    axis.breaker.recordProbe(ok, ok ? 'drive answered without alarm' : `drive alarm ${sample.alarmCode}`);
    // A hold is always safe, so an unconfirmed trip hold goes out as soon as the drive answers.
    if (axis.holdPending) await this.sendHold(axis, 'trip');
    if (axis.breaker.state === 'closed' && !axis.latchedTrip) await this.recover(axis);
  }

  /** Evaluates a sample; trips the breaker (and returns false) on a drive alarm or following error. */
  private isHealthy(axis: AxisRuntime, sample: DriveStatus): boolean {
    if (sample.alarmCode !== 0) {
      axis.breaker.trip('alarm', `drive alarm code ${sample.alarmCode}`);
      return false;
    }
    if (axis.state !== 'Disabled' && !sample.enabled) {
      // The drive dropped its power stage on its own: its comm-loss watchdog, STO or an internal fault.
      axis.breaker.trip('alarm', 'the drive disabled its power stage without a command');
      return false;
    }
    const check = axis.followingError.evaluate(sample.followingErrorMm, axis.commandedSpeedMmPerS(), this.clock.now());
    if (check.exceeded) {
      axis.breaker.trip(
        'following_error',
        `following error ${sample.followingErrorMm.toFixed(3)} mm outside ±${check.limitMm.toFixed(3)} mm for ${Math.round(check.outsideForMs)} ms`,
      );
      return false;
    }
    return true;
  }

  private async advance(axis: AxisRuntime, sample: DriveStatus): Promise<void> {
    switch (axis.state) {
      case 'Disabled':
        if (axis.wantPower) await this.powerUp(axis);
        return;
      case 'Standstill':
        await this.startNextMove(axis);
        return;
      case 'DiscreteMotion':
        await this.followMove(axis, sample);
        return;
      case 'Stopping':
      case 'ErrorStop':
        return;
    }
  }

  private async powerUp(axis: AxisRuntime): Promise<void> {
    if (this.stopping) return;
    axis.assertAllowed('power');
    try {
      const status = await resync(axis, this.clock, this.periodMs);
      if (axis.state !== 'Disabled' || axis.breaker.state !== 'closed') return;
      axis.apply('power', 'powered and re-synced');
      this.emitResync(axis, status);
    } catch (error) {
      this.countFailure(axis, error);
    }
  }

  private async followMove(axis: AxisRuntime, sample: DriveStatus): Promise<void> {
    const active = axis.activeMove;
    if (!active) return;
    if (!active.acknowledged) {
      await this.sendMove(axis);
      return;
    }
    const target = active.move.positionMm;
    const tolerance = axis.setup.inPositionMm;
    const arrived =
      !sample.moving &&
      sample.targetReached &&
      Math.abs(sample.targetMm - target) <= tolerance &&
      Math.abs(sample.positionMm - target) <= tolerance;
    if (!arrived) return;
    axis.activeMove = undefined;
    axis.apply('moveDone', `reached ${target} mm`);
    const finished = this.board.completeMove(axis.id);
    if (finished) this.events.emit({ type: 'job_done', atMs: this.clock.now(), job: finished.id, axis: axis.id });
    await this.startNextMove(axis);
  }

  private async startNextMove(axis: AxisRuntime): Promise<void> {
    const next = this.board.nextMove(axis.id);
    if (!next || this.stopping || !axis.breaker.allowsMotion()) return;
    axis.apply('moveAbsolute', `job ${next.jobId} move ${next.index + 1}`);
    axis.activeMove = { ...next, acknowledged: false };
    axis.followingError.reset();
    this.board.markRunning(axis.id);
    await this.sendMove(axis);
  }

  /** Sends the active move. An absolute move is idempotent, so an unconfirmed one is simply resent. */
  private async sendMove(axis: AxisRuntime): Promise<void> {
    const active = axis.activeMove;
    if (!active || this.stopping || !axis.breaker.allowsMotion()) return;
    try {
      await axis.call('moveTo', (o) => axis.setup.driver.moveTo({ targetMm: active.move.positionMm, speedMmPerS: active.move.speedMmPerS }, o));
      // A trip while the command was in flight replaced the active move: the late ack must not revive it.
      if (axis.activeMove === active) active.acknowledged = true;
    } catch (error) {
      this.countFailure(axis, error);
    }
  }

  /** After a comm trip: once the breaker is closed again, re-sync and return to Standstill. */
  private async recover(axis: AxisRuntime): Promise<void> {
    if (this.stopping) return;
    try {
      const status = await resync(axis, this.clock, this.periodMs);
      if (axis.state !== 'ErrorStop' || axis.latchedTrip || axis.breaker.state !== 'closed') return;
      axis.followingError.reset();
      axis.apply('reset', 'communication recovered and re-synced');
      this.emitResync(axis, status);
    } catch (error) {
      this.countFailure(axis, error);
    }
  }

  /** Sorts a failed call: comm errors count against the breaker, drive faults trip it, bugs propagate. */
  private countFailure(axis: AxisRuntime, error: unknown): void {
    if (isCancelledError(error)) return;
    if (isDriveFaultError(error)) axis.breaker.trip('alarm', error.message);
    else if (isDriveCommError(error) || isResyncError(error)) axis.breaker.recordFailure(error.message);
    else throw error;
  }

  /** Breaker closed -> open: ErrorStop, hold at once, hand the axis's jobs on. */
  private onTrip(axis: AxisRuntime, reason: string, detail: string): void {
    axis.apply('fault', `breaker tripped: ${reason}`);
    axis.activeMove = undefined;
    if (LATCHING_TRIPS.has(reason) || axis.setup.recovery === 'manual') axis.latchedTrip = { reason, detail };
    this.events.emit({ type: 'trip', atMs: this.clock.now(), axis: axis.id, reason, detail });
    this.track(this.sendHold(axis, 'trip'));
    this.handOffJobs(axis);
  }

  private handOffJobs(axis: AxisRuntime): void {
    const fallback = axis.setup.fallback === undefined ? undefined : this.axes.get(axis.setup.fallback);
    const candidate: FallbackCandidate | undefined = fallback && {
      id: fallback.id,
      limits: fallback.setup.limits,
      unavailableBecause: this.unavailability(fallback),
    };
    const atMs = this.clock.now();
    for (const outcome of this.board.handOff(axis.id, atMs, (remaining, first) => decideHandOff(remaining, first, candidate))) {
      if (outcome.kind === 'transferred') {
        const t = outcome.transfer;
        this.events.emit({ type: 'transfer', atMs, job: outcome.job.id, from: t.from, to: t.to, fromMove: t.fromMove });
      } else {
        this.events.emit({ type: 'job_parked', atMs, job: outcome.job.id, axis: axis.id, reason: outcome.job.parkedReason ?? 'parked' });
      }
    }
  }

  private unavailability(axis: AxisRuntime): string | undefined {
    if (axis.breaker.state !== 'closed') return `its breaker is ${axis.breaker.state}`;
    if (!acceptsWork(axis.state)) return `it is in ${axis.state}`;
    return undefined;
  }

  /** Sends a hold; never throws. A hold is allowed in every breaker state: it can only make things safer. */
  private async sendHold(axis: AxisRuntime, cause: HoldCause): Promise<void> {
    axis.holdPending = true;
    try {
      await axis.call('hold', (o) => axis.setup.driver.hold(o));
      axis.holdPending = false;
      this.events.emit({ type: 'hold', atMs: this.clock.now(), axis: axis.id, cause, acknowledged: true });
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      this.events.emit({ type: 'hold', atMs: this.clock.now(), axis: axis.id, cause, acknowledged: false, detail });
    }
  }

  private emitResync(axis: AxisRuntime, status: DriveStatus): void {
    this.events.emit({ type: 'resync', atMs: this.clock.now(), axis: axis.id, positionMm: status.positionMm });
  }
}
