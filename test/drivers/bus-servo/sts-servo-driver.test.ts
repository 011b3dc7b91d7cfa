import { describe, expect, it } from 'vitest';
import { StsServoDriver } from '../../../drivers/bus-servo/sts-servo-driver.ts';
import { DriveCommError, DriveFaultError } from '../../../drivers/errors.ts';
import { servoDriverRig } from '../../protocols/bus-servo/support/servo-rig.ts';

const rig = () =>
  servoDriverRig(
    'sts',
    (line, scheduler) =>
      new StsServoDriver({
        servoId: 1,
        master: line.master,
        scheduler,
        clock: line.clock,
        mmPerDegree: 1,
        name: 'shoulder',
        maxRetries: 1,
      }),
  );

describe('StsServoDriver against the simulator as a Feetech STS servo (in memory, virtual time)', () => {
  it('reads torque, position, speed and moving in one exchange; enables without a jump; moves at the asked speed and arrives', async () => {
    const { driver, by, value, clock, drive, master } = await rig();
    const before = master.counters.transactions;
    const idle = await value(driver.readStatus(by()));
    expect(master.counters.transactions - before).toBe(1);
    expect(idle).toMatchObject({ enabled: false, alarmCode: 0, moving: false });
    expect(idle.positionMm).toBeCloseTo(120, 0);
    await value(driver.enable(by()));
    expect(drive().peekStatus().enabled).toBe(true);
    expect(drive().peekStatus().positionMm).toBeCloseTo(120, 0);
    await value(driver.moveTo({ targetMm: 180, speedMmPerS: 60 }, by()));
    await clock.advanceBy(500);
    const midway = await value(driver.readStatus(by()));
    expect(midway.moving).toBe(true);
    expect(midway.velocityMmPerS).toBeGreaterThan(30);
    expect(Math.abs(midway.followingErrorMm)).toBeLessThan(3);
    await clock.advanceBy(800);
    const there = await value(driver.readStatus(by()));
    expect(there).toMatchObject({ moving: false, targetReached: true });
    expect(there.positionMm).toBeCloseTo(180, 0);
  });

  it('holds where it is during a move, torque kept', async () => {
    const { driver, by, value, clock, drive } = await rig();
    await value(driver.enable(by()));
    await value(driver.moveTo({ targetMm: 300, speedMmPerS: 60 }, by()));
    await clock.advanceBy(500);
    await value(driver.hold(by()));
    await clock.advanceBy(200);
    const held = drive().peekStatus().positionMm;
    await clock.advanceBy(1000);
    expect(drive().peekStatus()).toMatchObject({ enabled: true });
    expect(drive().peekStatus().positionMm).toBeCloseTo(held, 1);
    expect(await value(driver.readStatus(by()))).toMatchObject({ holding: true });
  });

  it("reports the status packet's error byte as its alarm (overheat 4), refuses moves with it, and resets once the cause is gone", async () => {
    const { driver, by, value, rejection, server, clock } = await rig();
    await value(driver.enable(by()));
    server.inject(1, { kind: 'alarm', code: 4 });
    expect(await value(driver.readStatus(by()))).toMatchObject({ alarmCode: 4, ready: false, enabled: false });
    const refused = await rejection(driver.moveTo({ targetMm: 150, speedMmPerS: 50 }, by()));
    expect(refused).toBeInstanceOf(DriveFaultError);
    expect((refused as Error).message).toMatch(/error 4 \(overheat\)/);
    expect(await rejection(driver.resetAlarm(by()))).toBeInstanceOf(DriveFaultError);
    server.clear(1);
    await clock.advanceBy(10);
    await value(driver.resetAlarm(by()));
    await value(driver.enable(by()));
    expect(await value(driver.readStatus(by()))).toMatchObject({ alarmCode: 0, enabled: true });
  });

  it('a jam shows as a growing following error; a silent servo fails with a timeout; disable drops the torque', async () => {
    const { driver, by, value, rejection, clock, server, drive } = await rig();
    await value(driver.enable(by()));
    server.inject(1, { kind: 'jam' });
    await value(driver.moveTo({ targetMm: 250, speedMmPerS: 50 }, by()));
    await clock.advanceBy(600);
    expect((await value(driver.readStatus(by()))).followingErrorMm).toBeGreaterThan(25);
    server.clear(1);
    await value(driver.disable(by()));
    expect(drive().peekStatus().enabled).toBe(false);
    server.inject(1, { kind: 'silent' });
    const error = await rejection(driver.readStatus(by()));
    expect(error).toBeInstanceOf(DriveCommError);
    expect(error).toMatchObject({ reason: 'timeout' });
  });
});
