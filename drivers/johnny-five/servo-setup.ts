/**
 * One hobby servo as the axis sees it: which pin drives it, how its pulse widths map to horn angles,
 * how the axis's millimetres map to those angles, and how fast the servo is. Angles in degrees
 * (0..180 is the servo's full pulse range), pulse widths in µs, times in ms.
 *
 * The mm ↔ angle map is a straight line through (centerMm, 90°) with slope degreesPerMm:
 * angle = 90 + degreesPerMm · (mm − centerMm). A negative slope turns the horn the other way.
 */
export interface HobbyServoSetup {
  /** Arduino pin the servo's signal wire is on (Firmata SERVO mode; 0 and 1 carry Firmata itself). */
  readonly pin: number;
  /** Pulse widths at 0° and at 180°, µs (johnny-five's pwmRange; its default is 600..2400). */
  readonly pulseRangeUs: readonly [number, number];
  /** Angles the horn may reach, degrees, within 0..180; every target outside is refused. */
  readonly rangeDeg: readonly [number, number];
  /** Horn degrees per mm of axis travel; not 0, negative to reverse. */
  readonly degreesPerMm: number;
  /** Axis position, mm, with the horn at 90°. */
  readonly centerMm: number;
  /** The servo's speed from its datasheet: ms per 60° of horn travel (SG90: 100, MG996R: ~170). */
  readonly slewMsPer60Deg: number;
  /** Period of the stepped writes of a sweep, ms (20 = one 50 Hz PWM frame). */
  readonly stepMs: number;
  /** Horn angle assumed at power-up (the servo has no feedback); the first enable attaches there. */
  readonly initialDeg: number;
}

/** Throws RangeError for a setup the driver cannot work with (the config schema refuses these first). */
export function checkSetup(setup: HobbyServoSetup): void {
  const { pin, degreesPerMm, slewMsPer60Deg, stepMs, initialDeg, rangeDeg, pulseRangeUs } = setup;
  if (!Number.isInteger(pin) || pin < 0) throw new RangeError(`pin must be an integer >= 0, got ${pin}`);
  if (!Number.isFinite(degreesPerMm) || degreesPerMm === 0)
    throw new RangeError(`degreesPerMm must be finite and not 0, got ${degreesPerMm}`);
  if (!(slewMsPer60Deg > 0 && Number.isFinite(slewMsPer60Deg))) throw new RangeError(`slewMsPer60Deg must be > 0, got ${slewMsPer60Deg}`);
  if (!(stepMs > 0 && Number.isFinite(stepMs))) throw new RangeError(`stepMs must be > 0, got ${stepMs}`);
  const [minDeg, maxDeg] = rangeDeg;
  if (!(minDeg >= 0 && minDeg < maxDeg && maxDeg <= 180))
    throw new RangeError(`rangeDeg must be [low, high] within 0..180, got [${minDeg}, ${maxDeg}]`);
  if (!(initialDeg >= minDeg && initialDeg <= maxDeg))
    throw new RangeError(`initialDeg ${initialDeg} is outside rangeDeg [${minDeg}, ${maxDeg}]`);
  if (!(pulseRangeUs[0] > 0 && pulseRangeUs[0] < pulseRangeUs[1]))
    throw new RangeError(`pulseRangeUs must be [low, high] with 0 < low < high, got [${pulseRangeUs.join(', ')}]`);
}

/** The horn angle at which the axis is at `mm`. */
export function degreesAt(setup: HobbyServoSetup, mm: number): number {
  return 90 + setup.degreesPerMm * (mm - setup.centerMm);
}

/** The axis position, mm, with the horn at `degrees`. */
export function mmAt(setup: HobbyServoSetup, degrees: number): number {
  return setup.centerMm + (degrees - 90) / setup.degreesPerMm;
}

/** A horn angle difference or rate expressed in mm (or mm per unit time). Signed. */
export function mmOf(setup: HobbyServoSetup, degrees: number): number {
  return degrees / setup.degreesPerMm;
}

/** The servo's top speed, degrees per ms. */
export function slewDegPerMs(setup: HobbyServoSetup): number {
  return 60 / setup.slewMsPer60Deg;
}
