import { describe, expect, it } from 'vitest';
import { DriveCommError } from '../../../drivers/errors.ts';
import { by, rejection, settle, value } from '../modbus/support/harness.ts';
import { MODES, type StubFirmata } from './support/stub-firmata.ts';
import { skipWithoutJohnnyFive } from './support/johnny-five-gate.ts';
import { pulseUs, servoRig } from './support/servo-rig.ts';

/** A rig with its board open and the servo enabled at 90° (0 mm). */
async function enabledRig() {
  const rig = await servoRig();
  await rig.open();
  await value(rig.clock, rig.driver.enable(by(rig.clock, 20)));
  return rig;
}

// The AxisDriver contract's own cases (timeouts, bad arguments, moveTo while disabled, close) are in test/conformance.
describe.skipIf(skipWithoutJohnnyFive)('HobbyServoDriver: motion', () => {
  it('enables at the initial angle and moves to the mapped angle (90° = 1500 µs, 135° = 1950 µs)', async () => {
    const { clock, io, driver } = await enabledRig();
    expect(io.outputCalls.map(({ atMs: _at, ...call }) => call)).toEqual([
      { op: 'servoConfig', pin: 9, minUs: 600, maxUs: 2400 },
      { op: 'servoWrite', pin: 9, us: 1500 },
    ]);
    await value(clock, driver.moveTo({ targetMm: 22.5, speedMmPerS: 500 }, by(clock, 20)));
    await clock.advanceBy(1000);
    expect(io.pulsesOn(9).at(-1)).toBe(1950);
    await value(clock, driver.moveTo({ targetMm: -45, speedMmPerS: 500 }, by(clock, 20)));
    await clock.advanceBy(1000);
    expect(io.pulsesOn(9).at(-1)).toBe(600);
    expect(driver.family).toBe('johnny-five');
  });

  it('sweeps at the commanded speed: one write per stepMs on the virtual clock, the last on the target', async () => {
    const { clock, io, driver } = await enabledRig();
    const startMs = clock.now();
    const before = io.calls.length;
    // 50 mm/s at 2°/mm = 0.1°/ms: 90° → 135° in 450 ms.
    await value(clock, driver.moveTo({ targetMm: 22.5, speedMmPerS: 50 }, by(clock, 20)));
    await clock.advanceBy(1000);
    const writes = io.calls.slice(before).flatMap((c) => (c.op === 'servoWrite' ? [{ t: c.atMs - startMs, us: c.us }] : []));
    const expected = [...Array.from({ length: 22 }, (_, i) => (i + 1) * 20), 450].map((t) => ({ t, us: pulseUs(90 + 0.1 * t) }));
    expect(writes).toEqual(expected);
  });

  it('reports the sweep while it runs and the target reached after it', async () => {
    const { clock, driver } = await enabledRig();
    const startMs = clock.now();
    await value(clock, driver.moveTo({ targetMm: 20, speedMmPerS: 50 }, by(clock, 20)));
    await clock.advanceTo(startMs + 200);
    const during = await value(clock, driver.readStatus(by(clock, 20)));
    expect(during).toMatchObject({ targetMm: 20, moving: true, targetReached: false, enabled: true, alarmCode: 0, velocityMmPerS: 50 });
    // The query's answer came 1 ms later: the profile is at 10.05 mm; the estimate lags by less than one step (1 mm).
    expect(during.positionMm + during.followingErrorMm).toBeCloseTo(0.05 * (clock.now() - startMs), 9);
    expect(during.followingErrorMm).toBeGreaterThan(0);
    expect(during.followingErrorMm).toBeLessThanOrEqual(50 * 0.02);
    await clock.advanceBy(300);
    const after = await value(clock, driver.readStatus(by(clock, 20)));
    expect(after).toMatchObject({
      positionMm: 20,
      targetMm: 20,
      moving: false,
      targetReached: true,
      velocityMmPerS: 0,
      followingErrorMm: 0,
    });
  });

  it('estimates the lag of a sweep faster than the servo as following error', async () => {
    const { clock, servo, open } = await servoRig();
    const slow = servo({ pin: 10, slewMsPer60Deg: 300 }, 'slow'); // 200°/s
    await open();
    await value(clock, slow.enable(by(clock, 20)));
    const startMs = clock.now();
    await value(clock, slow.moveTo({ targetMm: 40, speedMmPerS: 150 }, by(clock, 20))); // 300°/s
    await clock.advanceTo(startMs + 200);
    const status = await value(clock, slow.readStatus(by(clock, 20)));
    // 200 ms in, the profile has turned 60°, the servo at most 200°/s · 0.2 s = 40°: 20° = 10 mm behind.
    expect(status.followingErrorMm).toBeGreaterThanOrEqual(10);
    expect(status.velocityMmPerS).toBeCloseTo(100, 9);
  });

  it('holds: stops a sweep where its profile is and writes nothing more until the next move', async () => {
    const { clock, io, driver } = await enabledRig();
    const startMs = clock.now();
    await value(clock, driver.moveTo({ targetMm: 40, speedMmPerS: 50 }, by(clock, 20)));
    await clock.advanceTo(startMs + 210);
    await value(clock, driver.hold(by(clock, 20)));
    const writesAtHold = io.pulsesOn(9).length;
    expect(io.pulsesOn(9).at(-1)).toBe(pulseUs(90 + 0.1 * 210));
    await clock.advanceBy(1000);
    expect(io.pulsesOn(9).length).toBe(writesAtHold);
    const held = await value(clock, driver.readStatus(by(clock, 20)));
    expect(held).toMatchObject({ holding: true, moving: false, targetReached: true });
    expect(held.targetMm).toBeCloseTo(10.5, 3);
    await value(clock, driver.moveTo({ targetMm: 0, speedMmPerS: 50 }, by(clock, 20)));
    expect(await value(clock, driver.readStatus(by(clock, 20)))).toMatchObject({ holding: false, moving: true });
  });
});

describe.skipIf(skipWithoutJohnnyFive)('HobbyServoDriver: power', () => {
  it('disable detaches (no pulses, limp) and enable attaches again at the last commanded angle, without a jump', async () => {
    const { clock, io, driver } = await enabledRig();
    await value(clock, driver.moveTo({ targetMm: 10, speedMmPerS: 100 }, by(clock, 20)));
    await clock.advanceBy(500);
    const before = io.outputCalls.length;
    await value(clock, driver.disable(by(clock, 20)));
    expect(io.outputCalls.slice(before).map((c) => c.op)).toEqual(['pinMode', 'digitalWrite']);
    expect(io.outputCalls.slice(before)).toMatchObject([
      { pin: 9, mode: MODES.OUTPUT },
      { pin: 9, value: 0 },
    ]);
    const limp = await value(clock, driver.readStatus(by(clock, 20)));
    expect(limp).toMatchObject({ enabled: false, moving: false, positionMm: 10, targetMm: 10, followingErrorMm: 0 });

    const beforeEnable = io.outputCalls.length;
    await value(clock, driver.enable(by(clock, 20)));
    expect(io.outputCalls.slice(beforeEnable)).toMatchObject([
      { op: 'servoConfig', pin: 9 },
      { op: 'servoWrite', pin: 9, us: pulseUs(110) },
    ]);
    const enabled = await value(clock, driver.readStatus(by(clock, 20)));
    expect(enabled).toMatchObject({ enabled: true, positionMm: 10, targetMm: 10, moving: false, followingErrorMm: 0 });
  });

  it('shows an Arduino reset (a brown-out) as a servo that dropped out, and enable attaches it again', async () => {
    const { clock, io, driver } = await enabledRig();
    io.resetArduino();
    expect(await value(clock, driver.readStatus(by(clock, 20)))).toMatchObject({ enabled: false });
    await value(clock, driver.enable(by(clock, 20)));
    expect(await value(clock, driver.readStatus(by(clock, 20)))).toMatchObject({ enabled: true });
  });

  it('refuses a pin the board cannot drive a servo on, at enable', async () => {
    const { clock, servo, open } = await servoRig();
    const analogOnly = servo({ pin: 14 }, 'tilt');
    await open();
    const { error } = await rejection(clock, analogOnly.enable(by(clock, 20)));
    expect(error).toMatchObject({ reason: 'exception' });
    expect((error as Error).message).toMatch(/pin 14 .* cannot drive a servo/);
  });

  it('resets alarms trivially: there are none', async () => {
    const { clock, io, driver } = await enabledRig();
    const before = io.calls.length;
    expect(await settle(clock, driver.resetAlarm(by(clock, 20)))).toMatchObject({ ok: true });
    expect(io.calls.length).toBe(before);
  });
});

describe.skipIf(skipWithoutJohnnyFive)('HobbyServoDriver: contract', () => {
  it('reads status without changing anything: one pin-state query, no output', async () => {
    const { clock, io, driver } = await enabledRig();
    const outputs = io.outputCalls.length;
    const first = await value(clock, driver.readStatus(by(clock, 20)));
    const second = await value(clock, driver.readStatus(by(clock, 20)));
    expect(second).toEqual(first);
    expect(io.outputCalls.length).toBe(outputs);
    expect(io.calls.filter((c) => c.op === 'queryPinState')).toHaveLength(2);
  });

  it("refuses a target outside the servo's range as a RangeError without touching the board", async () => {
    const { clock, io, driver } = await enabledRig();
    const calls = io.calls.length;
    await expect(driver.moveTo({ targetMm: 46, speedMmPerS: 10 }, by(clock, 20))).rejects.toThrow(
      /182\.00°, outside the servo's range \[0, 180\]/,
    );
    expect(io.calls.length).toBe(calls);
  });

  it('refuses a setup it cannot drive, before touching anything', async () => {
    const { servo } = await servoRig();
    expect(() => servo({ degreesPerMm: 0 })).toThrow(/degreesPerMm must be finite and not 0/);
    expect(() => servo({ stepMs: 0 })).toThrow(/stepMs must be > 0/);
    expect(() => servo({ rangeDeg: [30, 150], initialDeg: 10 })).toThrow(/initialDeg 10 is outside rangeDeg \[30, 150\]/);
  });

  it('drives two servos on one port through one shared board', async () => {
    const { clock, io, boards, driver, servo, open } = await servoRig();
    const tilt = servo({ pin: 10 }, 'tilt');
    await open();
    await value(clock, driver.enable(by(clock, 20)));
    await value(clock, tilt.enable(by(clock, 20)));
    await value(clock, tilt.moveTo({ targetMm: -45, speedMmPerS: 1000 }, by(clock, 20)));
    await clock.advanceBy(200);
    expect(boards).toHaveLength(1);
    expect(io.pulsesOn(9)).toEqual([1500]);
    expect(io.pulsesOn(10).at(-1)).toBe(600);
  });
});

describe.skipIf(skipWithoutJohnnyFive)('HobbyServoDriver: communication', () => {
  it.each([
    ['IO plugin close', (io: StubFirmata) => io.emit('close')],
    ['IO plugin disconnect', (io: StubFirmata) => io.emit('disconnect')],
    ['IO plugin error', (io: StubFirmata) => io.emit('error', new Error('write EIO'))],
  ])('fails every later call with port_lost after %s, and stops a sweep', async (_name, loseBoard) => {
    const { clock, io, driver } = await enabledRig();
    await value(clock, driver.moveTo({ targetMm: 40, speedMmPerS: 50 }, by(clock, 20)));
    await clock.advanceBy(100);
    loseBoard(io);
    const writes = io.pulsesOn(9).length;
    await clock.advanceBy(1000);
    expect(io.pulsesOn(9).length).toBe(writes);
    const calls = [
      () => driver.readStatus(by(clock, 20)),
      () => driver.hold(by(clock, 20)),
      () => driver.enable(by(clock, 20)),
      () => driver.resetAlarm(by(clock, 20)),
    ];
    for (const call of calls) {
      const { error, atMs } = await rejection(clock, call());
      expect(error).toBeInstanceOf(DriveCommError);
      expect(error).toMatchObject({ reason: 'port_lost' });
      expect(atMs).toBe(clock.now());
    }
  });

  it("fails with port_lost on the Board's own 'fail' and 'error' events", async () => {
    for (const event of ['fail', 'error'] as const) {
      const { clock, boards, driver } = await enabledRig();
      boards[0]!.emit(event, { type: event, class: 'Board', message: 'No connected device found' });
      const { error } = await rejection(clock, driver.readStatus(by(clock, 20)));
      expect(error).toMatchObject({ reason: 'port_lost' });
      expect((error as Error).message).toMatch(/No connected device found/);
    }
  });

  it('rejects a call with timeout exactly at its deadline while the board is not ready, and never acts on it later', async () => {
    const { clock, io, driver, open } = await servoRig({ boots: false });
    await open();
    const started = clock.now();
    const read = await rejection(clock, driver.readStatus({ deadlineMs: started + 25 }));
    expect(read.atMs).toBe(started + 25);
    expect(read.error).toMatchObject({ reason: 'timeout' });
    expect((read.error as Error).message).toMatch(
      /pan \(pin 9 on \/dev\/ttyACM0\): readStatus: board on \/dev\/ttyACM0 not ready \(connecting\) by its deadline/,
    );
    const enable = await rejection(clock, driver.enable({ deadlineMs: clock.now() + 25 }));
    expect(enable.error).toMatchObject({ reason: 'timeout' });
    io.boot();
    await clock.advanceBy(100);
    expect(io.outputCalls).toEqual([]);
    expect(await settle(clock, driver.enable(by(clock, 20)))).toMatchObject({ ok: true });
  });

  it('forgets an unanswered pin-state query (a USB or Firmata stall) and reads again once the board answers', async () => {
    const { clock, io, driver } = await enabledRig();
    io.answering = false;
    await rejection(clock, driver.readStatus(by(clock, 20)));
    expect(io.listenerCount('pin-state-9')).toBe(0);
    io.answering = true;
    expect(await settle(clock, driver.readStatus(by(clock, 20)))).toMatchObject({ ok: true });
  });
});
