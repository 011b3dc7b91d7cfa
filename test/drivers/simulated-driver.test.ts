import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/common/virtual-clock.ts';
import { DriveFaultError } from '../../drivers/errors.ts';
import type { SimulatedDriveEndpoint } from '../../drivers/simulated/endpoint.ts';
import { SimulatedDriver } from '../../drivers/simulated/simulated-driver.ts';
import { SimulatedDrive } from '../../sim/simulated-drive.ts';
import { settle } from '../support/settle.ts';

function setup(seed = 1) {
  const clock = new VirtualClock();
  const drive = new SimulatedDrive({
    clock,
    name: 'axis-Y',
    seed,
    model: { maxSpeedMmPerS: 200, maxAccelMmPerS2: 1000, trackingTimeConstantMs: 5 },
  });
  const endpoint: SimulatedDriveEndpoint = drive; // the simulator fits the driver's port structurally
  return { clock, drive, driver: new SimulatedDriver(endpoint, clock) };
}

/** The error `call` rejected with, and when. */
async function rejection(clock: VirtualClock, call: Promise<unknown>): Promise<{ error: unknown; atMs: number }> {
  const outcome = await settle(clock, call);
  if (outcome.ok) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.value)}`);
  return outcome;
}

const by = (clock: VirtualClock, ms: number) => ({ deadlineMs: clock.now() + ms });

// The AxisDriver contract's own cases (timeouts, bad arguments, moveTo while disabled, close) are in test/conformance.
describe('SimulatedDriver', () => {
  it('reads the drive status in time', async () => {
    const { clock, driver } = setup();
    const outcome = await settle(clock, driver.readStatus(by(clock, 10)));
    expect(outcome).toMatchObject({ ok: true, atMs: 1, value: { positionMm: 0, enabled: false, ready: true } });
    expect(driver.family).toBe('simulated');
  });

  it('enables and moves the axis', async () => {
    const { clock, drive, driver } = setup();
    await settle(clock, driver.enable(by(clock, 10)));
    await settle(clock, driver.moveTo({ targetMm: 30, speedMmPerS: 100 }, by(clock, 10)));
    await clock.advanceTo(2000);
    expect(drive.peekStatus()).toMatchObject({ positionMm: 30, targetReached: true });
  });

  it('names the axis, the call and its deadline in a timeout', async () => {
    const { clock, drive, driver } = setup();
    drive.injectFault({ kind: 'silent' });
    const { error } = await rejection(clock, driver.readStatus({ deadlineMs: 25 }));
    expect((error as Error).message).toMatch(/axis-Y.*readStatus.*t=25\.0 ms/);
  });

  it('times out on an answer slower than the deadline, though the command took effect', async () => {
    const { clock, drive, driver } = setup();
    await settle(clock, driver.enable(by(clock, 10)));
    drive.injectFault({ kind: 'slow', latencyMs: 100 });
    const sentAt = clock.now();
    const { error, atMs } = await rejection(clock, driver.moveTo({ targetMm: 50, speedMmPerS: 100 }, by(clock, 20)));
    expect(atMs).toBe(sentAt + 20);
    expect(error).toMatchObject({ reason: 'timeout' });
    expect(drive.peekStatus()).toMatchObject({ targetMm: 50, moving: true });
    await clock.advanceTo(sentAt + 100);
    expect(drive.stats().answered).toBe(drive.stats().received);
  });

  it('refuses moveTo with DriveFaultError while an alarm is latched, and resets only after the fault clears', async () => {
    const { clock, drive, driver } = setup();
    await settle(clock, driver.enable(by(clock, 10)));
    const alarm = drive.injectFault({ kind: 'alarm', code: 0x2310 });
    const move = await rejection(clock, driver.moveTo({ targetMm: 5, speedMmPerS: 10 }, by(clock, 10)));
    expect(move.error).toBeInstanceOf(DriveFaultError);
    expect(move.error).toMatchObject({ alarmCode: 0x2310 });
    const earlyReset = await rejection(clock, driver.resetAlarm(by(clock, 10)));
    expect(earlyReset.error).toBeInstanceOf(DriveFaultError);
    alarm.dispose();
    expect(await settle(clock, driver.resetAlarm(by(clock, 10)))).toMatchObject({ ok: true });
    expect(await settle(clock, driver.readStatus(by(clock, 10)))).toMatchObject({ value: { alarmCode: 0, ready: true, enabled: false } });
  });

  it('loses the same calls to a dropout for the same seed', async () => {
    const timedOut = async (seed: number) => {
      const { clock, drive, driver } = setup(seed);
      drive.injectFault({ kind: 'dropout', probability: 0.25 });
      const lost: number[] = [];
      for (let i = 0; i < 40; i++) {
        const outcome = await settle(clock, driver.readStatus(by(clock, 5)));
        if (!outcome.ok) lost.push(i);
      }
      return lost;
    };
    const first = await timedOut(3);
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(40);
    expect(await timedOut(3)).toEqual(first);
  });
});
