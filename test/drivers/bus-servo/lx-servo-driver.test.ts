import { describe, expect, it } from 'vitest';
import { LxServoDriver } from '../../../drivers/bus-servo/lx-servo-driver.ts';
import { DriveCommError, DriveFaultError } from '../../../drivers/errors.ts';
import { servoDriverRig } from '../../protocols/bus-servo/support/servo-rig.ts';

const rig = (options: { mmPerDegree?: number } = {}) =>
  servoDriverRig(
    'lx',
    (line, scheduler) =>
      new LxServoDriver({
        servoId: 1,
        master: line.master,
        scheduler,
        clock: line.clock,
        mmPerDegree: options.mmPerDegree ?? 1,
        name: 'wrist',
        maxRetries: 1,
      }),
  );

describe('LxServoDriver against the simulator as an LX servo (in memory, virtual time)', () => {
  it('enables without a jump (target = actual), moves at the asked speed, reports moving, following error and arrival', async () => {
    const { driver, by, value, clock, drive } = await rig();
    expect(await value(driver.readStatus(by()))).toMatchObject({ positionMm: 120, enabled: false, alarmCode: 0 });
    await value(driver.enable(by()));
    expect(drive().peekStatus()).toMatchObject({ enabled: true, positionMm: 120 });
    await value(driver.moveTo({ targetMm: 180, speedMmPerS: 60 }, by()));
    await clock.advanceBy(500);
    const midway = await value(driver.readStatus(by()));
    expect(midway.moving).toBe(true);
    expect(midway.positionMm).toBeGreaterThan(140);
    expect(midway.positionMm).toBeLessThan(160);
    expect(Math.abs(midway.followingErrorMm)).toBeLessThan(2);
    expect(midway.velocityMmPerS).toBeGreaterThan(0);
    await clock.advanceBy(700);
    expect(await value(driver.readStatus(by()))).toMatchObject({ moving: false, targetReached: true, targetMm: 180 });
  });

  it('maps degrees to mm with mmPerDegree and refuses a target beyond the 240 degrees', async () => {
    const { driver, by, value, rejection } = await rig({ mmPerDegree: 0.5 });
    expect((await value(driver.readStatus(by()))).positionMm).toBe(60);
    await value(driver.enable(by()));
    expect(await rejection(driver.moveTo({ targetMm: 121, speedMmPerS: 50 }, by()))).toBeInstanceOf(RangeError);
  });

  it('holds where it is (MOVE_STOP) during a move, torque kept', async () => {
    const { driver, by, value, clock, drive } = await rig();
    await value(driver.enable(by()));
    await value(driver.moveTo({ targetMm: 200, speedMmPerS: 40 }, by()));
    await clock.advanceBy(500);
    await value(driver.hold(by()));
    await clock.advanceBy(300);
    const held = drive().peekStatus().positionMm;
    await clock.advanceBy(1000);
    expect(drive().peekStatus()).toMatchObject({ enabled: true, positionMm: held });
    expect(await value(driver.readStatus(by()))).toMatchObject({ holding: true, moving: false });
  });

  it('a jammed servo: the following error grows against the commanded move', async () => {
    const { driver, by, value, clock, server } = await rig();
    await value(driver.enable(by()));
    server.inject(1, { kind: 'jam' });
    await value(driver.moveTo({ targetMm: 200, speedMmPerS: 50 }, by()));
    await clock.advanceBy(600);
    expect((await value(driver.readStatus(by()))).followingErrorMm).toBeGreaterThan(25);
  });

  it('an overheated servo unloads itself: its temperature read raises alarm 1, moves are refused until it has cooled', async () => {
    const { driver, by, value, rejection, server, clock } = await rig();
    await value(driver.enable(by()));
    server.inject(1, { kind: 'alarm', code: 1 });
    for (let i = 0; i < 3; i++) await value(driver.readStatus(by()));
    expect(await value(driver.readStatus(by()))).toMatchObject({ alarmCode: 1, ready: false });
    expect(await rejection(driver.moveTo({ targetMm: 150, speedMmPerS: 50 }, by()))).toBeInstanceOf(DriveFaultError);
    expect(await rejection(driver.resetAlarm(by()))).toBeInstanceOf(DriveFaultError);
    server.clear(1);
    await clock.advanceBy(10);
    await value(driver.resetAlarm(by()));
    await value(driver.enable(by()));
    expect(await value(driver.readStatus(by()))).toMatchObject({ alarmCode: 0, enabled: true });
  });

  it('disable unloads; a silent servo fails its read with a timeout', async () => {
    const { driver, by, value, rejection, server, drive } = await rig();
    await value(driver.enable(by()));
    await value(driver.disable(by()));
    expect(drive().peekStatus().enabled).toBe(false);
    server.inject(1, { kind: 'silent' });
    const error = await rejection(driver.readStatus(by()));
    expect(error).toBeInstanceOf(DriveCommError);
    expect(error).toMatchObject({ reason: 'timeout' });
  });
});
