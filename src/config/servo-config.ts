import * as z from 'zod';
import { strictObject } from './zod-issues.ts';

/**
 * Hobby servos: PWM servos on an Arduino running Firmata, driven through johnny-five (an optional
 * dependency). Every axis names the board's serial port; axes with the same port share one board.
 * The axis's mm map to horn degrees on a straight line through (centerMm, 90°) with slope
 * degreesPerMm. Kept apart from schema.ts like the Modbus buses; cross-checks in servo-checks.ts.
 */

/** Built-in values of the johnny-five driver's options. */
export const JOHNNY_FIVE_DRIVER_DEFAULTS = {
  /** johnny-five's default pulse range for 0..180°, µs. */
  pulseRangeUs: [600, 2400],
  rangeDeg: [0, 180],
  centerMm: 0,
  /** A small SG90 at 4.8 V: 0.1 s per 60°. */
  slewMsPer60Deg: 100,
  /** One 50 Hz PWM frame. */
  stepMs: 20,
  initialDeg: 90,
} as const;

/** An increasing pair of numbers within [min, max]. */
const IncreasingPair = (min: number, max: number, unit: string) =>
  z
    .tuple([z.number().min(min).max(max), z.number().min(min).max(max)])
    .refine(([low, high]) => low < high, { error: `must be [low, high] with low < high, ${unit}` });

export const JohnnyFiveDriverSchema = strictObject({
  type: z.literal('johnny-five'),
  /** Serial device of the Arduino, e.g. /dev/ttyACM0 or a stable /dev/serial/by-id/... name. */
  port: z.string().min(1),
  /** Digital pin of the servo's signal wire; 0 and 1 carry Firmata's own serial link. 2..69 (Mega). */
  pin: z.int().min(2, { error: 'pin must be 2 or more: pins 0 and 1 carry the Arduino serial link Firmata uses' }).max(69),
  /** Pulse widths at 0° and at 180°, µs. */
  pulseRangeUs: IncreasingPair(400, 2600, 'µs').default([...JOHNNY_FIVE_DRIVER_DEFAULTS.pulseRangeUs]),
  /** The horn angles the axis may use, degrees within 0..180. */
  rangeDeg: IncreasingPair(0, 180, 'degrees').default([...JOHNNY_FIVE_DRIVER_DEFAULTS.rangeDeg]),
  /** Horn degrees per mm of travel; negative reverses the direction. */
  degreesPerMm: z
    .number()
    .min(-1000)
    .max(1000)
    .refine((n) => n !== 0, { error: 'degreesPerMm must not be 0 (negative reverses the direction)' }),
  /** Axis position, mm, with the horn at 90°. */
  centerMm: z.number().default(JOHNNY_FIVE_DRIVER_DEFAULTS.centerMm),
  /** The servo's datasheet speed, ms per 60°. */
  slewMsPer60Deg: z.number().gt(0).max(10_000).default(JOHNNY_FIVE_DRIVER_DEFAULTS.slewMsPer60Deg),
  /** Period of a sweep's stepped writes, ms. */
  stepMs: z.number().min(5).max(1000).default(JOHNNY_FIVE_DRIVER_DEFAULTS.stepMs),
  /** Horn angle assumed at power-up; the first enable drives the servo there at full speed. */
  initialDeg: z.number().min(0).max(180).default(JOHNNY_FIVE_DRIVER_DEFAULTS.initialDeg),
});

export type JohnnyFiveDriverConfig = z.output<typeof JohnnyFiveDriverSchema>;
