/**
 * A constant-speed sweep of a servo horn from one angle to another, on the Clock's time axis: the
 * profile the driver's stepped writes sample. Angles in degrees, times in ms, speeds in degrees/ms.
 * PWM servos have no speed control of their own (each pulse width is a position), so the driver
 * makes the speed by writing intermediate angles.
 */
export class Sweep {
  /** When the profile reaches `toDeg`. */
  readonly endMs: number;
  /** Signed horn speed, degrees per ms; 0 for a sweep of zero length. */
  readonly velocityDegPerMs: number;

  /** `speedDegPerMs` > 0. */
  constructor(
    readonly fromDeg: number,
    readonly toDeg: number,
    speedDegPerMs: number,
    readonly startMs: number,
  ) {
    this.endMs = startMs + Math.abs(toDeg - fromDeg) / speedDegPerMs;
    this.velocityDegPerMs = Math.sign(toDeg - fromDeg) * speedDegPerMs;
  }

  /** The profile's angle at `nowMs`: fromDeg before the start, toDeg from endMs on. */
  angleAt(nowMs: number): number {
    if (nowMs >= this.endMs) return this.toDeg;
    if (nowMs <= this.startMs) return this.fromDeg;
    return this.fromDeg + this.velocityDegPerMs * (nowMs - this.startMs);
  }

  /** Whether the profile is still moving at `nowMs`. */
  isRunningAt(nowMs: number): boolean {
    return nowMs < this.endMs;
  }
}
