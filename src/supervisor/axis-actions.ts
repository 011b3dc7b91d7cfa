import type { DriveStatus } from '../../drivers/contract.ts';
import { isCancelledError, isDriveCommError, isDriveFaultError, isOurDelay, type CommFailureReason } from '../../drivers/errors.ts';
import type { ExternalTripReason, TripReason } from '../breaker/transition.ts';
import type { Clock } from '../common/clock.ts';
import type { AxisRuntime } from './axis-runtime.ts';
import type { FailureKind } from '../degradation/axis-degradation.ts';
import { isResyncError, resync } from './resync.ts';
import type { HoldCause, SupervisorEvent } from '../events/events.ts';

/** What the shared axis actions need from the supervisor around them. */
export interface ActionContext {
  readonly clock: Clock;
  readonly periodMs: number;
  readonly emit: (event: SupervisorEvent) => void;
  /** True once shutdown has begun: nothing that moves may be sent any more. */
  readonly stopping: () => boolean;
  /**
   * The reaction to a trip (ErrorStop, hold, job hand-off), called by whoever opened a closed
   * breaker, right after it did: the breaker's transition event only reports.
   */
  readonly tripped: (axis: AxisRuntime, reason: TripReason, detail: string) => void;
  /** A draining axis (degraded, plan `drain`) reached a job it has not begun: its queued jobs go to its fallback, as on a trip. */
  readonly drained: (axis: AxisRuntime) => void;
}

/**
 * Tries of one hold that failed for our own delay, not counted among its attempts. Seen in CI: a
 * SIGSTOP stall during the shutdown holds left a hold's three tries all refused before the wire
 * ('bus_busy', each deadline spent while we stood), so the drive never got its last word. Bounded,
 * so a bus that never comes free cannot keep a shutdown waiting: each try ends by its deadline.
 */
const OWN_DELAY_RETRIES = 5;

/**
 * The driver actions that the cycle, the trip handler and the operator all use, each in one place:
 * holds, moves, re-syncs, and the sorting of failures.
 */
export class AxisActions {
  constructor(private readonly ctx: ActionContext) {}

  /**
   * Sends a hold, again after a missed answer up to `attempts` times in all (the last word to a
   * drive, at shutdown, must not be lost to one late answer); never throws. A hold is allowed in
   * every breaker state: it can only make things safer. A trip hold of an axis latched by a jam,
   * an alarm or `recovery: manual` with `onLatchedTrip: torque_off` is followed, once acknowledged,
   * by a disable (torque off), reported in the same event; whichever trip hold is the first to be
   * acknowledged (the trip's own, the one a probe re-sends, the one after a restart). An isolation
   * is the technician's hold and keeps the torque. A try that never reached the drive because of
   * our own delay (it did not get the bus in time, or its answer was due while we were stalled) is
   * not one of the drive's tries: it is made again, up to OWN_DELAY_RETRIES times on top.
   */
  async hold(axis: AxisRuntime, cause: HoldCause, attempts = 1): Promise<void> {
    const torqueOff = cause === 'trip' && dropsTorque(axis);
    axis.holdSent();
    let detail = '';
    let ownDelays = 0;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        await axis.call('hold', (o) => axis.setup.driver.hold(o));
        axis.holdConfirmed();
        const dropped = torqueOff ? await this.dropTorque(axis) : undefined;
        this.ctx.emit({
          type: 'hold',
          atMs: this.ctx.clock.now(),
          axis: axis.id,
          cause,
          acknowledged: true,
          ...(dropped === undefined ? {} : { torqueOff: dropped.ok, ...(dropped.ok ? {} : { detail: dropped.detail }) }),
        });
        return;
      } catch (error) {
        const lost = ownDelays > 0 ? `, after ${ownDelays} tries our own delay kept from the drive` : '';
        detail = `${error instanceof Error ? error.message : String(error)}${attempt > 1 || lost ? ` (attempt ${attempt} of ${attempts}${lost})` : ''}`;
        // Only a missed answer is worth another try: a lost port or an alarm will not change in a few ms.
        if (!isDriveCommError(error) || error.reason === 'port_lost') break;
        if (isOurDelay(error) && ownDelays < OWN_DELAY_RETRIES) {
          ownDelays++;
          attempt--;
        }
      }
    }
    this.ctx.emit({ type: 'hold', atMs: this.ctx.clock.now(), axis: axis.id, cause, acknowledged: false, detail });
  }

  /** Disables the drive (torque off) after a hold; says whether that was acknowledged, and why not. */
  private async dropTorque(axis: AxisRuntime): Promise<{ readonly ok: true } | { readonly ok: false; readonly detail: string }> {
    try {
      await axis.call('disable', (o) => axis.setup.driver.disable(o));
      return { ok: true };
    } catch (error) {
      return { ok: false, detail: `torque off failed: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  /** Sends the active move. An absolute move is idempotent, so an unconfirmed one is simply resent. */
  async move(axis: AxisRuntime): Promise<void> {
    const active = axis.activeMove;
    if (!active || this.ctx.stopping() || !axis.breaker.allowsMotion()) return;
    try {
      await axis.call('moveTo', (o) =>
        axis.setup.driver.moveTo({ targetMm: active.move.positionMm, speedMmPerS: active.move.speedMmPerS }, o),
      );
      // A trip while the command was in flight replaced the active move: the late ack must not revive it.
      axis.acknowledgeMove(active);
    } catch (error) {
      this.countFailure(axis, error);
    }
  }

  /**
   * Re-syncs the axis (see resync.ts), then, if `confirm()` still agrees (the axis may have moved on
   * while the drive was being talked to; it may also finish preparations such as closing the
   * breaker), applies `command`. A failure is counted against the breaker and then thrown.
   */
  async resyncAndApply(axis: AxisRuntime, command: 'power' | 'reset' | 'release', reason: string, confirm: () => boolean): Promise<void> {
    if (this.ctx.stopping()) return;
    let status: DriveStatus;
    try {
      status = await resync(axis, this.ctx.clock, this.ctx.periodMs);
    } catch (error) {
      this.countFailure(axis, error);
      throw error;
    }
    if (!confirm()) return;
    axis.resynced(command, reason);
    this.emitResync(axis, status);
  }

  /**
   * Sorts a failed call: comm errors count against the breaker, drive faults and a lost port trip
   * it, a call that never got the bus counts only once the axis has gone unobserved too long (see
   * maxUnobservedMs); programming errors are thrown on untouched.
   */
  countFailure(axis: AxisRuntime, error: unknown): void {
    if (isDriveFaultError(error)) this.trip(axis, 'alarm', error.message);
    // A lost port (adapter unplugged, gateway gone) will not answer the next call either: trip at once.
    else if (isDriveCommError(error) && error.reason === 'port_lost') this.trip(axis, 'port_lost', error.message);
    else if (isDriveCommError(error) && isOurDelay(error)) this.tripIfUnobservedTooLong(axis, error.message);
    else if (isDriveCommError(error) || isResyncError(error)) {
      if (isDriveCommError(error)) this.noteLinkFailure(axis, error.reason);
      const opened = axis.breaker.recordFailure(error.message);
      if (opened) this.ctx.tripped(axis, opened, axis.breaker.tripDetail ?? error.message);
    } else if (!isCancelledError(error)) throw error;
  }

  /** Tells the axis's degradation watch what a failed call says about its link. */
  private noteLinkFailure(axis: AxisRuntime, reason: CommFailureReason): void {
    const kind = LINK_FAILURE[reason];
    if (kind) axis.health.watch.failed(this.ctx.clock.now(), kind);
  }

  /** Opens the axis's breaker; when that is a trip (it was closed), the trip reaction follows at once. */
  trip(axis: AxisRuntime, reason: ExternalTripReason, detail: string): void {
    if (axis.breaker.trip(reason, detail)) this.ctx.tripped(axis, reason, detail);
  }

  /**
   * A call that never reached the wire (the bus was busy with its neighbours), or whose answer was
   * due while the supervisor itself was held up, says nothing about this drive, so it is not held
   * against its breaker. But a powered axis must not run unwatched:
   * once it has had no status for as long as missed deadlines would take to open the breaker (less
   * the supervisor's own stalls), it trips.
   */
  private tripIfUnobservedTooLong(axis: AxisRuntime, detail: string): void {
    // An axis not yet powered has nothing to watch: it has been commanded nothing, and its power-up
    // simply waits for the bus (a crowded start of many drives, or a slow controller at start-up).
    if (axis.state === 'Disabled') return;
    const unobservedMs = axis.unobservedForMs();
    const limitMs = maxUnobservedMs(axis, this.ctx.periodMs);
    if (unobservedMs < limitMs) return;
    this.trip(axis, 'stale_sample', `no status from the drive for ${Math.round(unobservedMs)} ms (limit ${limitMs} ms): ${detail}`);
  }

  emitResync(axis: AxisRuntime, status: DriveStatus): void {
    this.ctx.emit({ type: 'resync', atMs: this.ctx.clock.now(), axis: axis.id, positionMm: status.positionMm });
  }
}

/** What each comm failure says about the link, for the degradation watch; a lost port or our own delay says nothing. */
const LINK_FAILURE: Partial<Record<CommFailureReason, FailureKind>> = {
  timeout: 'timeout',
  exception: 'exception',
  crc: 'corrupt',
  garbled: 'corrupt',
};

/** Errors that say something about the drive (or a deliberate cancel), as opposed to a bug; countFailure's cases. */
export const isDriveFailure = (error: unknown): boolean =>
  isDriveCommError(error) || isDriveFaultError(error) || isResyncError(error) || isCancelledError(error);

/**
 * The longest an axis may go without a status before it trips although its drive never failed:
 * `consecutiveFailures` cycles, each as long as the poll period or the call deadline, whichever is
 * longer: about as long as missed deadlines take to open the breaker.
 */
export const maxUnobservedMs = (axis: AxisRuntime, periodMs: number): number =>
  axis.setup.breaker.consecutiveFailures * Math.max(periodMs, axis.setup.timeoutMs);

/** Whether a trip hold of `axis` is followed by torque off (onLatchedTrip: torque_off, latched, not by an isolation). */
function dropsTorque(axis: AxisRuntime): boolean {
  const latch = axis.latchedTrip;
  return latch !== undefined && latch.reason !== 'isolated' && axis.setup.onLatchedTrip === 'torque_off';
}
