// One file on purpose (over ~250 lines): the one writer of an axis's state. The PLCopen mode with its
// move and latch, the pending hold, the last sample and the queue that keeps cycle and operator calls
// apart change only through the named transitions here, which must be read together to see they agree.
import type { CallOptions, DriveStatus, ReadPurpose } from '../../drivers/contract.ts';
import { DriveCommError } from '../../drivers/errors.ts';
import { transition, IllegalAxisCommandError, type AxisCommand, type AxisState } from '../axis/axis-state.ts';
import { AxisBreaker } from '../breaker/axis-breaker.ts';
import { FollowingErrorMonitor } from '../breaker/following-error.ts';
import type { Clock } from '../common/clock.ts';
import { ownDelay } from '../common/own-delay.ts';
import { withDeadline } from '../common/deadline.ts';
import { startWork } from '../common/start-work.ts';
import type { Move } from '../line/move.ts';
import type { RestoredAxis } from '../line/restore-plan.ts';
import type { AxisSetup } from './axis-setup.ts';
import { AxisHealth } from './axis-health.ts';
import type { JobMoveRef, SupervisorEvent } from '../events/events.ts';

/** How long after a driver call's deadline the axis's own backstop ends it, ms (see AxisRuntime.call). */
const DRIVER_VERDICT_GRACE_MS = 1;

/** Where a move comes from: a job's move (completing it advances the job) or a technician's jog. */
export type MoveSource =
  | { readonly kind: 'job'; readonly jobId: string; readonly index: number }
  | { readonly kind: 'jog'; readonly by: string };

/** A move the axis was told to run, and whether the drive confirmed the command. */
export interface ActiveMove {
  readonly move: Move;
  readonly source: MoveSource;
  readonly acknowledged: boolean;
}

/** A trip that needs a technician's reset before the axis may move again. */
export interface LatchedTrip {
  readonly reason: string;
  readonly detail: string;
}

/**
 * The PLCopen state together with what exists only in it: the move only in DiscreteMotion, the latch
 * only in ErrorStop. One field, so a move cannot outlive its motion nor a latch its ErrorStop.
 */
type AxisMode =
  | { readonly state: 'Disabled' | 'Standstill' | 'Stopping' }
  | { readonly state: 'DiscreteMotion'; readonly move: ActiveMove }
  | { readonly state: 'ErrorStop'; readonly latch: LatchedTrip | undefined };

/** What a new mode carries if its state has a place for it. */
interface ModeContent {
  readonly move?: ActiveMove;
  readonly latch?: LatchedTrip;
}

function modeOf(state: AxisState, content: ModeContent): AxisMode {
  if (state === 'DiscreteMotion') {
    if (!content.move) throw new Error('DiscreteMotion needs its move');
    return { state, move: content.move };
  }
  if (state === 'ErrorStop') return { state, latch: content.latch };
  return { state };
}

/**
 * The live state of one supervised axis: its PLCopen state, its breaker, its last sample and the
 * move it runs. The supervisor decides; this object only keeps the state consistent, guards every
 * state change with the transition table and puts a deadline on every driver call. It is the one
 * writer of that state: the supervisor's pieces change it through the named transitions below
 * (startMove, finishMove, stopMove, trip, ...), each of which keeps the PLCopen state, the active
 * move and the latch in step.
 */
export class AxisRuntime {
  readonly id: string;
  readonly breaker: AxisBreaker;
  readonly followingError: FollowingErrorMonitor;
  /** Its degradation watch and downgrade plan. */
  readonly health: AxisHealth;
  private mode: AxisMode = { state: 'Disabled' };
  lastSample: DriveStatus | undefined;
  lastSampleAtMs: number | undefined;
  /** The supervisor's own lost time (ownLostMs) when the last sample came, or when supervision began. */
  private lostAtLastSampleMs: number;
  /** When supervision of this axis began: what it has gone unobserved since, before its first sample. */
  private readonly supervisedSinceMs: number;
  private queued = 0;
  /** Settles once the last work queued on this axis has, and the axis counted it done. */
  private tail: Promise<void> = Promise.resolve();
  private holdUnconfirmed = false;
  private powerWanted = true;

  constructor(
    readonly setup: AxisSetup,
    private readonly clock: Clock,
    private readonly emit: (event: SupervisorEvent) => void,
    /** Running total of the time the supervisor itself lost to stalls, ms (StallMonitor.totalLostMs). */
    private readonly ownLostMs: () => number = () => 0,
  ) {
    this.id = setup.id;
    this.lostAtLastSampleMs = ownLostMs();
    this.breaker = new AxisBreaker(setup.id, setup.breaker, clock);
    this.followingError = new FollowingErrorMonitor({ ...setup.followingError, maxSpeedMmPerS: setup.limits.maxSpeedMmPerS });
    this.supervisedSinceMs = clock.now();
    this.health = new AxisHealth(setup, clock, emit);
  }

  /** How long the supervisor has gone without a status from the drive, less the time it was itself stalled meanwhile. */
  unobservedForMs(): number {
    const sinceMs = this.clock.now() - (this.lastSampleAtMs ?? this.supervisedSinceMs);
    return Math.max(0, sinceMs - (this.ownLostMs() - this.lostAtLastSampleMs));
  }

  get state(): AxisState {
    return this.mode.state;
  }

  /** The move the axis runs (DiscreteMotion), if any. */
  get activeMove(): ActiveMove | undefined {
    return this.mode.state === 'DiscreteMotion' ? this.mode.move : undefined;
  }

  /** A hold was sent and the drive has not confirmed it yet: resend it as soon as the drive answers. */
  get holdPending(): boolean {
    return this.holdUnconfirmed;
  }

  /** The trip that waits for a technician's reset, if any. */
  get latchedTrip(): LatchedTrip | undefined {
    return this.mode.state === 'ErrorStop' ? this.mode.latch : undefined;
  }

  /** The axis should be powered; false after a technician disables it. */
  get wantPower(): boolean {
    return this.powerWanted;
  }

  /** Starts `move` (moveAbsolute): the state, the active move and a fresh following-error window together. */
  startMove(move: Move, source: MoveSource, reason: string, job?: JobMoveRef): void {
    this.apply('moveAbsolute', reason, job, { move: { move, source, acknowledged: false } });
    this.followingError.reset();
    this.health.watch.moveStarted();
  }

  /** The drive confirmed `active`; a trip or stop that replaced it meanwhile keeps it from coming back. */
  acknowledgeMove(active: ActiveMove): void {
    if (this.activeMove === active) this.mode = { state: 'DiscreteMotion', move: { ...active, acknowledged: true } };
  }

  /** The active move arrived (moveDone). */
  finishMove(reason: string, job?: JobMoveRef): void {
    this.apply('moveDone', reason, job);
    this.health.watch.moveArrived(this.clock.now());
  }

  /** MC_Stop (latched until release): the active move is dropped; a job move runs again after the release. */
  stop(reason: string): void {
    this.apply('stop', reason);
  }

  /** MC_Power off by a technician: the move is dropped, and the cycle does not power the axis again until `wantPowerOn`. */
  powerOff(reason: string): void {
    this.apply('powerOff', reason);
    this.powerWanted = false;
  }

  /** A technician wants the axis powered again (the power-up itself re-syncs first). */
  wantPowerOn(): void {
    this.powerWanted = true;
  }

  /** The breaker tripped: ErrorStop, the move dropped, latched until a reset when `latched` (a latch already there stays). */
  trip(reason: string, detail: string, latched: boolean): void {
    this.apply('fault', `breaker tripped: ${reason}`, undefined, { latch: latched ? { reason, detail } : this.latchedTrip });
  }

  /** The axis was re-synced to where it stands (see resync.ts): power, reset or release it, with a fresh following-error window. */
  resynced(command: 'power' | 'reset' | 'release', reason: string): void {
    this.followingError.reset();
    this.apply(command, reason);
  }

  /** A technician's reset cleared the latch. */
  clearLatch(): void {
    if (this.mode.state === 'ErrorStop') this.mode = { state: 'ErrorStop', latch: undefined };
  }

  /** A hold goes out: until `holdConfirmed`, it is resent as soon as the drive answers. */
  holdSent(): void {
    this.holdUnconfirmed = true;
  }

  holdConfirmed(): void {
    this.holdUnconfirmed = false;
  }

  /** A cycle task or operator action for this axis is running or waiting: a tick skips the axis. */
  get busy(): boolean {
    return this.queued > 0;
  }

  /**
   * Runs `work` after everything already queued on this axis, so a cycle task and an operator action
   * never interleave their driver calls. Every driver call has a deadline, so the wait is bounded.
   * With nothing queued (every cycle of a healthy axis) `work` starts at once; either way the
   * returned promise is `work`'s own, and the axis counts as free again before its caller hears of
   * it (the release is the first reaction on it): two promises a call instead of five.
   */
  runExclusive<T>(work: () => Promise<T>): Promise<T> {
    this.queued += 1;
    const running = this.queued === 1 ? startWork(work, undefined) : this.tail.then(work);
    this.tail = running.then(this.release, this.release);
    return running;
  }

  private readonly release = (): void => {
    this.queued -= 1;
  };

  /**
   * Before supervision starts, what an earlier run left on this axis: a latched trip (ErrorStop until
   * a technician's reset), a technician's disable (stays off until enabled). Sends nothing.
   */
  restore(restored: RestoredAxis): void {
    if (restored.baselines) this.health.restore(restored.baselines);
    if (restored.disabled) this.powerWanted = false;
    if (!restored.latchedTrip) return;
    const reason = `restored from the last run: latched ${restored.latchedTrip.reason} trip, waiting for a reset`;
    this.apply('fault', reason, undefined, { latch: restored.latchedTrip });
  }

  /** Throws IllegalAxisCommandError when `command` is not legal now; nothing is sent in that case. */
  assertAllowed(command: AxisCommand): AxisState {
    const next = transition(this.mode.state, command);
    if ('refused' in next) throw new IllegalAxisCommandError(this.id, this.mode.state, command, next.refused);
    return next.to;
  }

  /**
   * Applies a legal command: the new state with `content` where it has a place for it (what the old
   * state held goes), and reports a change of state (naming `job`'s move when it starts or completes one).
   */
  private apply(command: AxisCommand, reason: string, job?: JobMoveRef, content: ModeContent = {}): void {
    const to = this.assertAllowed(command);
    const from = this.mode.state;
    this.mode = modeOf(to, content);
    if (to === from) return;
    this.emit({ type: 'axis_state', atMs: this.clock.now(), axis: this.id, from, to, reason, ...(job ? { job } : {}) });
  }

  /**
   * The speed that sizes the following-error window, as LinuxCNC sizes it by commanded speed. While
   * the drive's profile runs: the move's speed, or the axis's own speed if higher (a hold
   * decelerating from full speed still lags by speed x servo lag). Once the profile has stopped: 0,
   * the standstill window, so a jam in the last millimetres of a move (where the error never reaches
   * the window for full speed) still trips instead of leaving the move unfinished forever.
   */
  followingErrorSpeedMmPerS(sample: DriveStatus): number {
    if (!sample.moving) return 0;
    const moveSpeed = this.mode.state === 'DiscreteMotion' ? this.mode.move.move.speedMmPerS : 0;
    return Math.max(moveSpeed, Math.abs(sample.velocityMmPerS));
  }

  /**
   * Calls the driver with this axis's deadline. A backstop here, DRIVER_VERDICT_GRACE_MS later, ends
   * a call the driver never settles (one timeout, its late answer ignored). Later, not at the same
   * instant: the driver's own verdict at its deadline is the exact one (the request never got the
   * bus, its exchange was cut short by our delay, or the drive did not answer), and at a quarter core
   * a backstop due with it won the race and blamed the drive for calls our own queue had cut short.
   */
  call<T>(operation: string, work: (options: CallOptions) => Promise<T>): Promise<T> {
    const deadlineMs = this.clock.now() + this.setup.timeoutMs;
    const backstopMs = deadlineMs + DRIVER_VERDICT_GRACE_MS;
    return withDeadline(this.clock, work({ deadlineMs }), backstopMs, () => {
      const ours = ownDelay(this.clock, backstopMs);
      const why = `axis '${this.id}': ${operation} got no answer within ${this.setup.timeoutMs} ms${ours ? ` (${ours})` : ''}`;
      return new DriveCommError(ours ? 'own_delay' : 'timeout', why);
    });
  }

  /** Reads a sample and remembers it; `purpose` tells the driver a half-open probe from the cycle's poll (its bus serves probes last). */
  async sample(purpose: ReadPurpose = 'poll'): Promise<DriveStatus> {
    const lostBeforeMs = this.ownLostMs();
    const status = await this.call('readStatus', (o) => this.setup.driver.readStatus(purpose === 'poll' ? o : { ...o, purpose }));
    const nowMs = this.clock.now();
    const lostMs = this.ownLostMs();
    this.lastSample = status;
    this.lastSampleAtMs = nowMs;
    this.lostAtLastSampleMs = lostMs;
    // An answer time measured while we ourselves stalled is our delay, not the drive's: left out.
    this.health.watch.statusRead(nowMs, lostMs === lostBeforeMs ? this.setup.driver.link?.lastReadMs : undefined);
    return status;
  }
}
