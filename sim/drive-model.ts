// One file on purpose (over ~250 lines): one deterministic motion model. The profile generator, the
// servo lag, the power stage, the alarm latch and the jam switch advance together in one 1 ms step,
// and the idle jump is only right if it knows every one of them.
import { assertNever } from '../src/common/never.ts';

/** Fixed simulation step: results never depend on how often the model is sampled. */
const STEP_MS = 1;
const STEP_S = STEP_MS / 1000;
/** Below this the lag filter is taken as settled, so an axis at rest is exactly at rest. */
const SETTLED_MM = 1e-9;

/** Mechanical and servo parameters of one simulated axis. */
export interface DriveModelParams {
  /** Speed cap of the profile generator, mm/s (> 0). */
  readonly maxSpeedMmPerS: number;
  /** Acceleration and deceleration limit of the profile generator, mm/s² (> 0). */
  readonly maxAccelMmPerS2: number;
  /** Servo lag: the actual position follows the setpoint as a first-order lag with this constant, ms (≥ 0). */
  readonly trackingTimeConstantMs: number;
  /** Actual position at power-up, mm. Default 0. */
  readonly initialPositionMm?: number;
  /** targetReached is reported within this distance of the target, mm. Default 0.01. */
  readonly inPositionWindowMm?: number;
}

/** One status sample; the same fields as the driver contract's DriveStatus. Positions mm, speeds mm/s. */
export interface DriveModelStatus {
  readonly positionMm: number;
  readonly targetMm: number;
  readonly velocityMmPerS: number;
  readonly followingErrorMm: number;
  readonly alarmCode: number;
  readonly enabled: boolean;
  readonly ready: boolean;
  readonly moving: boolean;
  readonly holding: boolean;
  readonly targetReached: boolean;
}

/** What the profile generator is doing. */
type Motion =
  | { readonly kind: 'disabled' } // power stage off: the setpoint follows the actual position
  | { readonly kind: 'standstill' } // setpoint at target
  | { readonly kind: 'positioning'; readonly speedMmPerS: number; readonly cruiseBeyondMm: number } // trapezoid towards target
  | { readonly kind: 'stopping' }; // hold: braking at max deceleration

/**
 * A servo axis: trapezoidal profile generator, first-order servo lag, power stage, alarm latch and
 * a jam switch. Deterministic; it steps on a fixed 1 ms grid anchored at `startMs`, and jumps over
 * time in which nothing can change (at rest), so a long idle stretch costs nothing.
 *
 * Commands act at the model's current time: call `advanceTo(now)` first.
 */
export class DriveModel {
  private readonly accelPerStep: number; // mm/s gained or lost in one step at max accel
  private lagGain = 0; // fraction of the following error closed in one step
  private lagFactor = 1; // how many times its healthy lag the servo has (a wear fault)
  private readonly inPositionWindowMm: number;
  private motion: Motion = { kind: 'disabled' };
  // The state every step writes starts as a number, set again by the constructor: a class field
  // without an initializer holds undefined first, and V8 then boxes every number stored in it (an
  // allocation per step, the garbage collector's main work in a long simulation).
  private timeMs = 0;
  private steps = 0;
  private actualMm = 0;
  private actualVelocity = 0;
  private setpointMm = 0;
  private setpointVelocity = 0;
  private targetMm = 0;
  private holding = false;
  private jammed = false;
  private alarm = 0;

  constructor(
    private readonly params: DriveModelParams,
    startMs: number,
  ) {
    const { maxSpeedMmPerS, maxAccelMmPerS2, trackingTimeConstantMs } = params;
    if (!(maxSpeedMmPerS > 0 && Number.isFinite(maxSpeedMmPerS))) throw new RangeError(`maxSpeedMmPerS must be > 0, got ${maxSpeedMmPerS}`);
    if (!(maxAccelMmPerS2 > 0 && Number.isFinite(maxAccelMmPerS2)))
      throw new RangeError(`maxAccelMmPerS2 must be > 0, got ${maxAccelMmPerS2}`);
    if (!(trackingTimeConstantMs >= 0)) throw new RangeError(`trackingTimeConstantMs must be >= 0, got ${trackingTimeConstantMs}`);
    this.accelPerStep = maxAccelMmPerS2 * STEP_S;
    this.lagGain = lagGainOf(trackingTimeConstantMs);
    this.inPositionWindowMm = params.inPositionWindowMm ?? 0.01;
    this.timeMs = startMs;
    this.actualMm = this.setpointMm = this.targetMm = params.initialPositionMm ?? 0;
  }

  /** Steps simulated so far: stays flat while the axis rests, whatever the time advanced. */
  get stepCount(): number {
    return this.steps;
  }

  get enabled(): boolean {
    return this.motion.kind !== 'disabled';
  }

  /** Latched alarm code; 0 means none. */
  get alarmCode(): number {
    return this.alarm;
  }

  /** Runs the model up to `nowMs` (same time base as `startMs`). Never goes back. */
  advanceTo(nowMs: number): void {
    while (this.timeMs + STEP_MS <= nowMs) {
      if (this.atRest()) {
        // Nothing changes until the next command: skip the remaining whole steps at once.
        this.timeMs += Math.floor((nowMs - this.timeMs) / STEP_MS) * STEP_MS;
        this.actualVelocity = 0;
        return;
      }
      this.step();
      this.timeMs += STEP_MS;
    }
  }

  /**
   * The servo lags `factor` times its healthy time constant from now on (wear: friction rising).
   * Call after advanceTo(now), so the time before keeps the lag it had.
   */
  setLagFactor(factor: number): void {
    if (factor === this.lagFactor) return;
    if (!(factor >= 1 && Number.isFinite(factor))) throw new RangeError(`lag factor must be a finite number >= 1, got ${factor}`);
    this.lagFactor = factor;
    this.lagGain = lagGainOf(this.params.trackingTimeConstantMs * factor);
  }

  /** Powers the stage on. Target and setpoint are set to the actual position, so the axis does not jump. */
  enable(): void {
    if (this.alarm !== 0) throw new Error(`cannot enable with alarm ${this.alarm} latched`);
    if (this.enabled) return;
    this.followActual();
    this.motion = { kind: 'standstill' };
  }

  /** Powers the stage off; the axis stops where it is (brake). */
  disable(): void {
    this.followActual();
    this.actualVelocity = 0;
    this.motion = { kind: 'disabled' };
  }

  /** Starts a trapezoidal move at min(speed, maxSpeed); releases a hold. Requires an enabled axis. */
  moveTo(targetMm: number, speedMmPerS: number): void {
    if (!this.enabled) throw new Error('moveTo needs an enabled axis');
    this.targetMm = targetMm;
    this.holding = false;
    const speed = Math.min(speedMmPerS, this.params.maxSpeedMmPerS);
    this.motion = { kind: 'positioning', speedMmPerS: speed, cruiseBeyondMm: this.cruiseBeyondMm(speed) };
  }

  /** Brakes at max deceleration, then holds the stop position until the next moveTo. */
  hold(): void {
    this.holding = true;
    if (this.motion.kind === 'positioning') {
      this.motion = { kind: 'stopping' };
      this.targetMm = this.setpointMm + Math.sign(this.setpointVelocity) * this.brakingDistance();
    }
  }

  /** A jammed axis does not move, while its setpoint carries on: the following error grows. */
  setJammed(jammed: boolean): void {
    this.jammed = jammed;
    if (jammed) this.actualVelocity = 0;
  }

  /** Latches an alarm (the first one is kept) and powers the stage off. */
  raiseAlarm(code: number): void {
    if (this.alarm === 0) this.alarm = code;
    this.disable();
  }

  /** Clears the latched alarm. The stage stays off. */
  clearAlarm(): void {
    this.alarm = 0;
  }

  /** A snapshot at the model's current time. */
  status(): DriveModelStatus {
    const moving = this.motion.kind === 'positioning' || this.motion.kind === 'stopping';
    return {
      positionMm: this.actualMm,
      targetMm: this.targetMm,
      velocityMmPerS: this.actualVelocity,
      followingErrorMm: this.setpointMm - this.actualMm,
      alarmCode: this.alarm,
      enabled: this.enabled,
      ready: this.alarm === 0,
      moving,
      holding: this.holding,
      targetReached: !moving && Math.abs(this.targetMm - this.actualMm) <= this.inPositionWindowMm,
    };
  }

  private atRest(): boolean {
    const profileIdle = this.motion.kind === 'disabled' || this.motion.kind === 'standstill';
    return profileIdle && (this.jammed || this.actualMm === this.setpointMm);
  }

  private step(): void {
    this.steps++;
    const motion = this.motion;
    switch (motion.kind) {
      case 'disabled':
      case 'standstill':
        break;
      case 'positioning':
        this.stepPositioning(motion.speedMmPerS, motion.cruiseBeyondMm);
        break;
      case 'stopping':
        this.stepStopping();
        break;
      default:
        assertNever(motion, 'motion');
    }
    this.track();
  }

  private stepPositioning(speedMmPerS: number, cruiseBeyondMm: number): void {
    const remaining = this.targetMm - this.setpointMm;
    const a = this.accelPerStep;
    const distance = Math.abs(remaining);
    // The braking curve is the costly part of a step; that far out it cannot be below the speed.
    const limit = distance >= cruiseBeyondMm ? speedMmPerS : Math.min(speedMmPerS, this.brakingSpeed(distance));
    const wanted = Math.sign(remaining) * limit;
    const v = Math.min(Math.max(wanted, this.setpointVelocity - a), this.setpointVelocity + a);
    this.setpointVelocity = v;
    this.setpointMm += v * STEP_S;
    if (Math.abs(this.targetMm - this.setpointMm) <= SETTLED_MM && Math.abs(v) <= a) {
      this.setpointMm = this.targetMm;
      this.setpointVelocity = 0;
      this.motion = { kind: 'standstill' };
    }
  }

  private stepStopping(): void {
    const v = this.setpointVelocity;
    this.setpointVelocity = v - Math.sign(v) * Math.min(Math.abs(v), this.accelPerStep);
    this.setpointMm += this.setpointVelocity * STEP_S;
    if (this.setpointVelocity === 0) {
      this.targetMm = this.setpointMm;
      this.motion = { kind: 'standstill' };
    }
  }

  /** First-order lag of the actual position behind the setpoint, unless jammed. */
  private track(): void {
    if (this.jammed || this.motion.kind === 'disabled') return;
    const before = this.actualMm;
    const error = this.setpointMm - before;
    this.actualMm = Math.abs(error) <= SETTLED_MM ? this.setpointMm : before + error * this.lagGain;
    this.actualVelocity = (this.actualMm - before) / STEP_S;
  }

  /**
   * Fastest speed for this step from which braking one accelPerStep per step can still end exactly
   * on a point `distanceMm` ahead, with a last step of at most accelPerStep: with m steps left the
   * shortest such stop covers m·v − a·m(m−1)/2 (in speed × steps), solved here for v.
   */
  private brakingSpeed(distanceMm: number): number {
    const a = this.accelPerStep;
    const x = distanceMm / STEP_S;
    const m = Math.max(1, Math.ceil((Math.sqrt(1 + (8 * x) / a) - 1) / 2));
    return x / m + (a * (m - 1)) / 2;
  }

  /**
   * A distance beyond which brakingSpeed exceeds `speedMmPerS` (by a step's acceleration, a margin
   * for rounding), so a step there need not compute it. With m steps left, brakingSpeed is at least
   * a·(m − 1), and m ≥ r where x = a·r(r + 1)/2; r = v/a + 2 gives at least v + a.
   */
  private cruiseBeyondMm(speedMmPerS: number): number {
    const a = this.accelPerStep;
    const r = speedMmPerS / a + 2;
    return ((a * r * (r + 1)) / 2) * STEP_S;
  }

  /** Distance covered by stepStopping from the current setpoint speed, mm. */
  private brakingDistance(): number {
    const speed = Math.abs(this.setpointVelocity);
    const a = this.accelPerStep;
    const n = Math.max(0, Math.ceil(speed / a) - 1); // steps with a non-zero speed left
    return (n * speed - (a * n * (n + 1)) / 2) * STEP_S;
  }

  private followActual(): void {
    this.setpointMm = this.targetMm = this.actualMm;
    this.setpointVelocity = 0;
  }
}

/** The fraction of the following error a first-order lag of `timeConstantMs` closes in one step. */
function lagGainOf(timeConstantMs: number): number {
  return timeConstantMs === 0 ? 1 : 1 - Math.exp(-STEP_MS / timeConstantMs);
}
