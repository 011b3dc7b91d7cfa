// One file on purpose (over ~250 lines): one AxisDriver. Its calls (enable, disable, moveTo, hold,
// readStatus) share the sweep and the estimate of where the horn is, and the contract's promises
// (deadlines, errors by kind) read best in one place; the board link is its own file.
import type { Clock } from '../../src/common/clock.ts';
import type { Disposable } from '../../src/common/disposable.ts';
import { requireFinite } from '../../src/common/require-finite.ts';
import type { AxisDriver, CallOptions, DriveStatus, MoveCommand } from '../contract.ts';
import { DriveCommError, isDriveCommError } from '../errors.ts';
import type { BoardLink } from './board-link.ts';
import type { AttachedServo, ReadyBoard } from './ready-board.ts';
import { checkSetup, degreesAt, mmAt, mmOf, slewDegPerMs, type HobbyServoSetup } from './servo-setup.ts';
import { SlewEstimate } from './slew-estimate.ts';
import { Sweep } from './sweep.ts';

export interface HobbyServoDriverOptions {
  readonly servo: HobbyServoSetup;
  /** The board the servo is wired to, shared with the other servos on its port (BoardPool.link). */
  readonly board: BoardLink;
  readonly clock: Clock;
  /** Names the axis in error messages, e.g. the axis id. */
  readonly name?: string;
}

type Operation = Exclude<keyof AxisDriver, 'family' | 'close'>;

/** What the servo output does. Angles in degrees. Written by enable, disable, hold and the sweep. */
type Output =
  | { readonly kind: 'limp'; readonly commandedDeg: number } // detached: no pulses; enable attaches at commandedDeg
  | { readonly kind: 'still'; readonly servo: AttachedServo; readonly commandedDeg: number; readonly held: boolean }
  | {
      readonly kind: 'sweeping';
      readonly servo: AttachedServo;
      readonly sweep: Sweep;
      readonly timer: Disposable;
      readonly writtenDeg: number;
    };

/** Float noise allowed when a target maps onto the end of the servo's range, degrees. */
const RANGE_EPSILON_DEG = 1e-9;
/** Angles are written rounded to 1/1000°, so float noise never truncates a pulse width by a µs. */
const WRITES_PER_DEG = 1000;
/** How close the estimate must be to the target for targetReached, degrees (the rounding of writes). */
const REACHED_DEG = 1 / WRITES_PER_DEG;

/**
 * AxisDriver for a PWM hobby servo on an Arduino running Firmata, through johnny-five. Cheap bench
 * rigs only: a hobby servo reports nothing back.
 *
 * - moveTo sweeps the horn at the commanded speed by writing the profile's angle every stepMs on
 *   the Clock (a PWM servo has no speed control: each pulse width is a position, reached at full
 *   speed). The call returns once the sweep has started; a new moveTo continues from the current
 *   profile angle. Rejects with DriveCommError 'exception' while detached (disabled).
 * - hold stops a sweep where its profile is now and writes that angle (held until the next moveTo).
 * - enable attaches the servo output and writes the last commanded angle (the initial angle
 *   before the first move): no new target, so no jump beyond what the model already shows.
 * - disable detaches (no pulses: the servo goes limp and can be back-driven).
 * - resetAlarm succeeds: there are no alarms.
 * - readStatus is one round trip to the board (a Firmata pin-state query) and an ESTIMATE of the
 *   rest; see status().
 *
 * Every call settles by its deadline: DriveCommError 'timeout' when the board is not ready by then
 * or does not answer the query, 'port_lost' when the board's port or IO plugin is gone (or after
 * close). Bad arguments reject with TypeError or RangeError before anything is sent.
 */
export class HobbyServoDriver implements AxisDriver {
  readonly family = 'johnny-five';
  private readonly setup: HobbyServoSetup;
  private readonly board: BoardLink;
  private readonly clock: Clock;
  private readonly label: string;
  private readonly estimate: SlewEstimate;
  private output: Output;
  private closed = false;

  /** Throws RangeError for an unusable setup (see checkSetup). */
  constructor(options: HobbyServoDriverOptions) {
    const { servo, board, clock } = options;
    checkSetup(servo);
    this.setup = servo;
    this.board = board;
    this.clock = clock;
    this.label = `${options.name ?? 'servo'} (pin ${servo.pin} on ${board.port})`;
    this.estimate = new SlewEstimate(slewDegPerMs(servo), servo.initialDeg, clock.now());
    this.output = { kind: 'limp', commandedDeg: servo.initialDeg };
  }

  /** Asks the board for the pin's mode (the only thing it can tell), then estimates the rest. Changes nothing. */
  readStatus(options: CallOptions): Promise<DriveStatus> {
    return this.call('readStatus', options, async (board) => this.status(await board.isServoMode(this.setup.pin, options.deadlineMs)));
  }

  async moveTo(command: MoveCommand, options: CallOptions): Promise<void> {
    requireFinite('targetMm', command.targetMm);
    requireFinite('speedMmPerS', command.speedMmPerS);
    if (command.speedMmPerS <= 0) throw new RangeError(`speedMmPerS must be > 0, got ${command.speedMmPerS}`);
    const toDeg = this.angleOf(command.targetMm);
    const speedDegPerMs = (command.speedMmPerS * Math.abs(this.setup.degreesPerMm)) / 1000;
    await this.call('moveTo', options, () => {
      const output = this.output;
      if (output.kind === 'limp') throw new DriveCommError('exception', `${this.label}: moveTo refused, servo detached (disabled)`);
      const now = this.clock.now();
      this.stopSweep();
      const writtenDeg = output.kind === 'sweeping' ? output.writtenDeg : output.commandedDeg;
      this.sweep(output.servo, new Sweep(this.setpointAt(now), toDeg, speedDegPerMs, now), writtenDeg);
    });
  }

  async hold(options: CallOptions): Promise<void> {
    await this.call('hold', options, () => {
      const output = this.output;
      if (output.kind === 'limp') return;
      const stopDeg = this.setpointAt(this.clock.now());
      this.stopSweep();
      this.write(output.servo, stopDeg);
      this.output = { kind: 'still', servo: output.servo, commandedDeg: stopDeg, held: true };
    });
  }

  async enable(options: CallOptions): Promise<void> {
    await this.call('enable', options, (board) => {
      const angle = this.setpointAt(this.clock.now());
      // Attach again even when attached: after an Arduino reset the pin is no longer a servo output.
      const servo = board.attach(this.setup);
      this.stopSweep();
      this.write(servo, angle);
      this.output = { kind: 'still', servo, commandedDeg: angle, held: false };
    });
  }

  async disable(options: CallOptions): Promise<void> {
    await this.call('disable', options, (board) => {
      const output = this.output;
      if (output.kind === 'limp') return;
      board.detach(this.setup.pin);
      this.stopSweep();
      this.estimate.release(this.clock.now());
      this.output = { kind: 'limp', commandedDeg: output.kind === 'sweeping' ? output.writtenDeg : output.commandedDeg };
    });
  }

  /** No alarms on a hobby servo: succeeds once the board is ready. */
  async resetAlarm(options: CallOptions): Promise<void> {
    await this.call('resetAlarm', options, () => undefined);
  }

  /** Stops a sweep's writes; later calls reject with DriveCommError 'port_lost'. The board belongs to the pool. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    this.stopSweep();
  }

  /**
   * One status sample, mostly ESTIMATED: the servo has no feedback.
   * - positionMm, velocityMmPerS: the SlewEstimate (the horn turning toward the last pulse width
   *   written at the datasheet speed); while sweeping, velocity is the sweep's speed, or the
   *   servo's top speed if that is lower.
   * - followingErrorMm: profile setpoint minus that estimate, so only the modelled lag (stepping
   *   plus a sweep faster than the servo); 0 while limp. A stalled or jammed servo is NOT seen.
   * - enabled: attached by axisguard AND the board reports the pin in servo mode (measured).
   * - alarmCode 0 and ready true always: there are no alarms.
   */
  private status(pinInServoMode: boolean): DriveStatus {
    const now = this.clock.now();
    const output = this.output;
    const actualDeg = this.estimate.angleAt(now);
    const targetDeg = output.kind === 'sweeping' ? output.sweep.toDeg : output.commandedDeg;
    const velocityDegPerMs =
      output.kind === 'sweeping' && output.sweep.isRunningAt(now) ? this.sweepVelocity(output.sweep) : this.estimate.velocityAt(now);
    const moving = output.kind === 'sweeping' || this.estimate.velocityAt(now) !== 0;
    return {
      positionMm: mmAt(this.setup, actualDeg),
      targetMm: mmAt(this.setup, targetDeg),
      velocityMmPerS: mmOf(this.setup, velocityDegPerMs) * 1000,
      followingErrorMm: output.kind === 'limp' ? 0 : mmOf(this.setup, this.setpointAt(now) - actualDeg),
      alarmCode: 0,
      enabled: output.kind !== 'limp' && pinInServoMode,
      ready: true,
      moving,
      holding: output.kind === 'still' && output.held,
      targetReached: output.kind !== 'sweeping' && !moving && Math.abs(actualDeg - targetDeg) < REACHED_DEG,
    };
  }

  /** The horn angle for `targetMm`; RangeError outside the servo's rangeDeg. */
  private angleOf(targetMm: number): number {
    const degrees = degreesAt(this.setup, targetMm);
    const [minDeg, maxDeg] = this.setup.rangeDeg;
    if (degrees < minDeg - RANGE_EPSILON_DEG || degrees > maxDeg + RANGE_EPSILON_DEG) {
      throw new RangeError(
        `${this.label}: targetMm ${targetMm} is ${degrees.toFixed(2)}°, outside the servo's range [${minDeg}, ${maxDeg}]°`,
      );
    }
    return Math.min(maxDeg, Math.max(minDeg, degrees));
  }

  /** The commanded angle at `nowMs`: the sweep's profile, else the last commanded angle. */
  private setpointAt(nowMs: number): number {
    const output = this.output;
    return output.kind === 'sweeping' ? output.sweep.angleAt(nowMs) : output.commandedDeg;
  }

  private sweepVelocity(sweep: Sweep): number {
    const slew = slewDegPerMs(this.setup);
    return Math.sign(sweep.velocityDegPerMs) * Math.min(Math.abs(sweep.velocityDegPerMs), slew);
  }

  /** Starts `sweep` (or, for a zero-length one, writes its target at once). */
  private sweep(servo: AttachedServo, sweep: Sweep, writtenDeg: number): void {
    const now = this.clock.now();
    if (!sweep.isRunningAt(now)) {
      this.write(servo, sweep.toDeg);
      this.output = { kind: 'still', servo, commandedDeg: sweep.toDeg, held: false };
      return;
    }
    const timer = this.clock.setTimer(() => this.step(), Math.min(this.setup.stepMs, sweep.endMs - now));
    this.output = { kind: 'sweeping', servo, sweep, timer, writtenDeg };
  }

  /** One stepped write of the sweep; the last one lands on the target exactly when the profile does. */
  private step(): void {
    const output = this.output;
    if (output.kind !== 'sweeping') return;
    const now = this.clock.now();
    const angle = output.sweep.angleAt(now);
    try {
      this.write(output.servo, angle);
    } catch (error) {
      if (!isDriveCommError(error)) throw error;
      // The board is gone: stop stepping; every later call reports it.
      this.output = { kind: 'still', servo: output.servo, commandedDeg: output.writtenDeg, held: false };
      return;
    }
    if (!output.sweep.isRunningAt(now)) {
      this.output = { kind: 'still', servo: output.servo, commandedDeg: output.sweep.toDeg, held: false };
      return;
    }
    const timer = this.clock.setTimer(() => this.step(), Math.min(this.setup.stepMs, output.sweep.endMs - now));
    this.output = { ...output, timer, writtenDeg: angle };
  }

  private stopSweep(): void {
    if (this.output.kind === 'sweeping') this.output.timer.dispose();
  }

  private write(servo: AttachedServo, degrees: number): void {
    const rounded = Math.round(degrees * WRITES_PER_DEG) / WRITES_PER_DEG;
    servo.write(rounded);
    this.estimate.drive(rounded, this.clock.now());
  }

  private async call<T>(operation: Operation, options: CallOptions, work: (board: ReadyBoard) => T | Promise<T>): Promise<T> {
    requireFinite('deadlineMs', options.deadlineMs);
    if (this.closed) throw new DriveCommError('port_lost', `${this.label}: ${operation} on a closed driver`);
    return this.board.run(`${this.label}: ${operation}`, options.deadlineMs, work);
  }
}
