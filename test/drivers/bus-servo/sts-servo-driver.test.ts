import { describe, expect, it } from 'vitest';
import { StsServoDriver } from '../../../drivers/bus-servo/sts-servo-driver.ts';
import { DriveCommError, DriveFaultError } from '../../../drivers/errors.ts';
import { ServoFrameExtractor, STS_FORMAT } from '../../../protocols/bus-servo/servo-frame.ts';
import { STS_STATUS_BLOCK, StsInstruction } from '../../../protocols/bus-servo/sts-protocol.ts';
import { StsSyncReader } from '../../../protocols/bus-servo/sts-sync-reader.ts';
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

  describe("with the line's SYNC_READ", () => {
    const syncRig = () =>
      servoDriverRig('sts', (line, scheduler) => {
        const syncReader = new StsSyncReader(line.master, scheduler, line.clock, STS_STATUS_BLOCK);
        const make = (servoId: number) =>
          new StsServoDriver({ servoId, master: line.master, scheduler, clock: line.clock, mmPerDegree: 1, maxRetries: 1, syncReader });
        return { one: make(1), two: make(2), syncReader };
      });
    const instructions = (written: readonly Uint8Array[]) =>
      written.flatMap((bytes) => new ServoFrameExtractor(STS_FORMAT).push(bytes).map((f) => f.body[0]));

    it('polls both servos with one SYNC_READ and reports each as a single READ would; a probe reads alone', async () => {
      const { driver, by, value, masterEnd } = await syncRig();
      const polls = await value(Promise.all([driver.one.readStatus(by()), driver.two.readStatus(by())]));
      expect(instructions(masterEnd.written)).toEqual([StsInstruction.syncRead]);
      expect(polls.map((p) => Math.round(p.positionMm))).toEqual([120, 120]);
      expect(polls[0]).toMatchObject({ enabled: false, alarmCode: 0, moving: false });
      expect(driver.one.link.lastReadMs).toBeGreaterThan(0);
      await value(driver.two.readStatus({ ...by(), purpose: 'probe' }));
      expect(instructions(masterEnd.written)).toEqual([StsInstruction.syncRead, StsInstruction.read]);
    });

    it('a corrupt answer in the SYNC_READ is read again alone, counted as a retry; a silent servo fails with a timeout', async () => {
      const { driver, by, value, rejection, simEnd, masterEnd, server } = await syncRig();
      const forward = simEnd.onWrite!;
      let answers = 0;
      simEnd.onWrite = (bytes) => {
        const damaged = Uint8Array.from(bytes);
        if (answers++ === 0) damaged[damaged.length - 1] = damaged.at(-1)! ^ 0xff;
        forward(damaged);
      };
      const [one, two] = await value(Promise.all([driver.one.readStatus(by()), driver.two.readStatus(by())]));
      expect([Math.round(one.positionMm), Math.round(two.positionMm)]).toEqual([120, 120]);
      expect(instructions(masterEnd.written)).toEqual([StsInstruction.syncRead, StsInstruction.read]);
      expect(driver.one.link.retries).toMatchObject({ crc: 1, timeout: 0 });
      expect(driver.two.link.retries).toMatchObject({ crc: 0, timeout: 0 });
      server.inject(2, { kind: 'silent' });
      const [fine, silent] = await Promise.all([value(driver.one.readStatus(by())), rejection(driver.two.readStatus(by()))]);
      expect(Math.round(fine.positionMm)).toBe(120);
      expect(silent).toBeInstanceOf(DriveCommError);
      expect(silent).toMatchObject({ reason: 'timeout' });
      expect(driver.syncReader.counters).toEqual({ exchanges: 2, reads: 4 });
    });
  });
});
