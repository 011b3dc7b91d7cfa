import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { RealClock } from '../../../src/common/clock.ts';
import { VirtualClock } from '../../../src/common/virtual-clock.ts';
import { buildLine } from '../../../src/compose/build-line.ts';
import { parseConfig } from '../../../src/config/index.ts';
import { skipWithoutJohnnyFive } from './support/johnny-five-gate.ts';

const LIMITS = '{ minMm: 0, maxMm: 40, maxSpeedMmPerS: 50, maxAccelMmPerS2: 500 }';

/** Whether any johnny-five module is in this process's CommonJS cache (importing it from ESM puts it there). */
const johnnyFiveLoaded = (): boolean =>
  Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes('/node_modules/johnny-five/'));

// Order matters: each test file runs in a fresh process, and the first test must run before anything loads johnny-five.
describe('loading johnny-five from the composition root', () => {
  it('a line without hobby servos never loads johnny-five, not even when its buses open', async () => {
    expect(johnnyFiveLoaded()).toBe(false);
    const line = buildLine(
      parseConfig(`axes: [{ id: a, driver: { type: simulated }, limits: ${LIMITS} }]`, 'sim.yaml'),
      new VirtualClock(),
    );
    await line.openBuses();
    await line.close();
    expect(johnnyFiveLoaded()).toBe(false);
  });

  it.skipIf(skipWithoutJohnnyFive)('a line with a hobby servo loads it only when its boards open', async () => {
    const yaml = `axes: [{ id: pan, driver: { type: johnny-five, port: /nonexistent/ttyACM9, pin: 9, degreesPerMm: 2, centerMm: 20 }, limits: ${LIMITS} }]`;
    const clock = new RealClock();
    const line = buildLine(parseConfig(yaml, 'servo.yaml'), clock);
    expect(johnnyFiveLoaded()).toBe(false);
    await line.openBuses();
    expect(johnnyFiveLoaded()).toBe(true);
    const [axis] = line.supervisor.snapshot();
    expect(axis).toMatchObject({ id: 'pan', family: 'johnny-five' });
    await line.close();
  });
});
