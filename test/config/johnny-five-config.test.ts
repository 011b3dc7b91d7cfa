import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { refusalLines } from './support/refusal.ts';

/** 0..40 mm at 2°/mm around 20 mm: the horn turns 50°..130°; 50 mm/s = 100°/s, well below an SG90's 600°/s. */
const LIMITS = '{ minMm: 0, maxMm: 40, maxSpeedMmPerS: 50, maxAccelMmPerS2: 500 }';

describe('hobby-servo (johnny-five) axes', () => {
  it('accepts a servo with its defaults filled in', () => {
    const config = parseConfig(
      `
axes:
  - { id: pan, driver: { type: johnny-five, port: /dev/ttyACM0, pin: 9, degreesPerMm: 2, centerMm: 20 }, limits: ${LIMITS} }
`,
      'servos.yaml',
    );
    expect(config.axes[0]!.driver).toEqual({
      type: 'johnny-five',
      port: '/dev/ttyACM0',
      pin: 9,
      pulseRangeUs: [600, 2400],
      rangeDeg: [0, 180],
      degreesPerMm: 2,
      centerMm: 20,
      slewMsPer60Deg: 100,
      stepMs: 20,
      initialDeg: 90,
    });
  });

  it('accepts a reversed servo and several servos on one board', () => {
    const config = parseConfig(
      `
axes:
  - { id: pan, driver: { type: johnny-five, port: /dev/ttyACM0, pin: 9, degreesPerMm: -2, centerMm: 20 }, limits: ${LIMITS} }
  - { id: tilt, driver: { type: johnny-five, port: /dev/ttyACM0, pin: 10, degreesPerMm: 2, centerMm: 20, rangeDeg: [40, 140] }, limits: ${LIMITS} }
`,
      'servos.yaml',
    );
    expect(config.axes.map((a) => a.driver.type)).toEqual(['johnny-five', 'johnny-five']);
  });

  it('refuses bad fields: Firmata pins, a zero slope, reversed ranges, unknown keys', () => {
    expect(
      refusalLines(`
axes:
  - { id: a, driver: { type: johnny-five, port: /dev/ttyACM0, pin: 1, degreesPerMm: 0, pulseRangeUs: [2400, 600], rangeDeg: [0, 200], speed: 3 }, limits: ${LIMITS} }
`),
    ).toEqual([
      'axes[0].driver.pin: pin must be 2 or more: pins 0 and 1 carry the Arduino serial link Firmata uses',
      'axes[0].driver.degreesPerMm: degreesPerMm must not be 0 (negative reverses the direction)',
      'axes[0].driver.pulseRangeUs: must be [low, high] with low < high, µs',
      'axes[0].driver.rangeDeg[1]: Too big: expected number to be <=180',
      "axes[0].driver.speed: unknown key 'speed'; known keys: type, port, pin, pulseRangeUs, rangeDeg, degreesPerMm, centerMm, slewMsPer60Deg, stepMs, initialDeg",
    ]);
  });

  it('refuses a travel beyond the servo range, a start outside the travel and a speed beyond the servo', () => {
    expect(
      refusalLines(`
axes:
  - { id: a, driver: { type: johnny-five, port: /dev/ttyACM0, pin: 9, degreesPerMm: 2, centerMm: 20, rangeDeg: [60, 180], initialDeg: 10 }, limits: ${LIMITS} }
  - { id: b, driver: { type: johnny-five, port: /dev/ttyACM0, pin: 10, degreesPerMm: 5, slewMsPer60Deg: 200 }, limits: { minMm: -10, maxMm: 10, maxSpeedMmPerS: 100, maxAccelMmPerS2: 500 } }
  - { id: c, driver: { type: johnny-five, port: /dev/ttyACM0, pin: 11, degreesPerMm: 2, centerMm: -10 }, limits: ${LIMITS} }
`),
    ).toEqual([
      'axes[0].driver.initialDeg: initialDeg 10° is the position -20 mm, outside the travel [0, 40] mm; the first enable drives the servo there: set driver.initialDeg within the travel',
      'axes[0].limits.minMm: minMm 0 mm turns the horn to 50° (degreesPerMm 2, centerMm 20), outside its rangeDeg [60, 180]; shorten the travel or change the mapping',
      'axes[1].limits.maxSpeedMmPerS: 100 mm/s is faster than the servo turns (60° per 200 ms = 60 mm/s at degreesPerMm 5, centerMm 0); lower maxSpeedMmPerS to at most 60',
      'axes[2].driver: the default initialDeg 90° is the position -10 mm, outside the travel [0, 40] mm; the first enable drives the servo there: set driver.initialDeg within the travel',
      'axes[2].limits.maxMm: maxMm 40 mm turns the horn to 190° (degreesPerMm 2, centerMm -10), outside its rangeDeg [0, 180]; shorten the travel or change the mapping',
    ]);
  });

  it('refuses a pin used twice on one board and a board on a Modbus bus port', () => {
    expect(
      refusalLines(`
buses:
  - { id: line1, type: rtu, path: /dev/ttyUSB0 }
axes:
  - { id: a, driver: { type: johnny-five, port: /dev/ttyACM0, pin: 9, degreesPerMm: 2, centerMm: 20 }, limits: ${LIMITS} }
  - { id: b, driver: { type: johnny-five, port: /dev/ttyACM0, pin: 9, degreesPerMm: 2, centerMm: 20 }, limits: ${LIMITS} }
  - { id: c, driver: { type: johnny-five, port: /dev/ttyUSB0, pin: 9, degreesPerMm: 2, centerMm: 20 }, limits: ${LIMITS} }
`),
    ).toEqual([
      "axes[1].driver.pin: pin 9 on /dev/ttyACM0 is already axes[0]'s; each servo needs its own pin",
      "axes[2].driver.port: /dev/ttyUSB0 is also the serial port of bus 'line1'; a board needs a port of its own",
    ]);
  });
});
