/**
 * An ESTIMATE of where a hobby servo's horn is. The servo reports nothing back, so this is a model,
 * not a measurement: the horn is assumed to turn toward the last pulse width written at the servo's
 * datasheet speed, and to stay where it is while limp. A stalled, overloaded, jammed or back-driven
 * servo is not seen: the estimate goes on as if it moved. Angles in degrees, times in ms.
 */
export class SlewEstimate {
  /** Estimated angle at `sinceMs`. */
  private fromDeg: number;
  private sinceMs: number;
  /** The angle the servo is driven to; undefined while limp (no pulses). */
  private towardDeg: number | undefined;

  /** `degPerMs` > 0: the servo's top speed. The servo starts limp at `initialDeg`. */
  constructor(
    private readonly degPerMs: number,
    initialDeg: number,
    nowMs: number,
  ) {
    this.fromDeg = initialDeg;
    this.sinceMs = nowMs;
    this.towardDeg = undefined;
  }

  /** Estimated angle at `nowMs` (not before the last drive() or release()). */
  angleAt(nowMs: number): number {
    const toward = this.towardDeg;
    if (toward === undefined) return this.fromDeg;
    const reach = this.degPerMs * Math.max(0, nowMs - this.sinceMs);
    const gap = toward - this.fromDeg;
    return Math.abs(gap) <= reach ? toward : this.fromDeg + Math.sign(gap) * reach;
  }

  /** Estimated horn speed at `nowMs`, signed degrees per ms: full speed while short of the driven angle, else 0. */
  velocityAt(nowMs: number): number {
    const toward = this.towardDeg;
    if (toward === undefined) return 0;
    return Math.sign(toward - this.angleAt(nowMs)) * this.degPerMs;
  }

  /** A pulse width for `degrees` went out at `nowMs`. */
  drive(degrees: number, nowMs: number): void {
    this.fromDeg = this.angleAt(nowMs);
    this.sinceMs = nowMs;
    this.towardDeg = degrees;
  }

  /** Pulses stopped at `nowMs` (detached): the estimate freezes where it was. */
  release(nowMs: number): void {
    this.fromDeg = this.angleAt(nowMs);
    this.sinceMs = nowMs;
    this.towardDeg = undefined;
  }
}
