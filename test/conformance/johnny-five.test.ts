import { describe } from 'vitest';
import { skipWithoutJohnnyFive } from '../drivers/johnny-five/support/johnny-five-gate.ts';
import { servoRig } from '../drivers/johnny-five/support/servo-rig.ts';
import { describeDriverContract } from './driver-contract.ts';
import type { DriverRig } from './rig.ts';

/** The real johnny-five over the stub Firmata board, in virtual time, the board open: an SG90 on pin 9 at 0 mm (90°). */
async function hobbyServoRig(): Promise<DriverRig> {
  const { clock, io, driver, open } = await servoRig();
  await open();
  return {
    driver,
    clock,
    inPositionMm: 0.001, // the driver's 1/1000°, 0.0005 mm at 2°/mm, rounded up
    callMs: 20,
    move: { distanceMm: 20, speedMmPerS: 50 },
    traffic: () => io.calls.length,
    writes: () => io.outputCalls.length,
    silence: () => {
      io.answering = false;
    },
    dispose: () => driver.close(),
  };
}

describe.skipIf(skipWithoutJohnnyFive)('HobbyServoDriver', () => {
  describeDriverContract('HobbyServoDriver', hobbyServoRig, { alarms: 'a hobby servo has no alarms to latch' });
});
