import { afterEach, describe, expect, it } from 'vitest';
import type { AxisDriver, DriveStatus } from '../../drivers/contract.ts';
import { DriveCommError, DriveFaultError } from '../../drivers/errors.ts';
import { VirtualClock } from '../../src/common/virtual-clock.ts';
import type { Capability, DriverRig, Lacks, MakeRig } from './rig.ts';
import { by, outcome, pass, read, rejection, sleep, until, value } from './timing.ts';

/** Positions are compared to this many decimals (0.005 mm): finer than any in-position window, coarser than a count. */
const MM_DIGITS = 2;
/** How late a real timer may fire after a deadline, ms; on a VirtualClock a deadline is exact. */
const REAL_TIMER_SLACK_MS = 50;
/** How long the suite watches a drive that should stay where it is, ms. */
const WATCH_MS = 200;

const NUMBERS = ['positionMm', 'targetMm', 'velocityMmPerS', 'followingErrorMm', 'alarmCode'] as const;
const FLAGS = ['enabled', 'ready', 'moving', 'holding', 'targetReached'] as const;

/** Longest a rig's move may take before the suite gives up on it: twice its profile, plus a second to start and settle. */
const moveLimitMs = (rig: DriverRig) => (2000 * Math.abs(rig.move.distanceMm)) / rig.move.speedMmPerS + 1000;

/** A move by the rig's distance from `fromMm`. */
const moveFrom = (rig: DriverRig, fromMm: number) => ({ targetMm: fromMm + rig.move.distanceMm, speedMmPerS: rig.move.speedMmPerS });

/** Every call of the contract but close, with valid arguments (a move to `hereMm`, where the drive stands). */
const everyCall = (rig: DriverRig, driver: AxisDriver, hereMm: number) =>
  [
    ['readStatus', () => driver.readStatus(by(rig))],
    ['moveTo', () => driver.moveTo({ targetMm: hereMm, speedMmPerS: rig.move.speedMmPerS }, by(rig))],
    ['hold', () => driver.hold(by(rig))],
    ['enable', () => driver.enable(by(rig))],
    ['disable', () => driver.disable(by(rig))],
    ['resetAlarm', () => driver.resetAlarm(by(rig))],
  ] as const;

/**
 * Registers the cases every AxisDriver must pass (drivers/contract.ts), each on a fresh rig from
 * `makeRig`. A case that needs a capability listed in `lacks` is skipped for this driver only, and
 * says why in its name.
 */
export function describeDriverContract(name: string, makeRig: MakeRig, lacks: Lacks = {}): void {
  describe(`AxisDriver contract: ${name}`, () => {
    let current: DriverRig | undefined;
    afterEach(async () => {
      await current?.dispose();
      current = undefined;
    });
    const fresh = async (): Promise<DriverRig> => {
      current = await makeRig();
      return current;
    };
    const enabled = async (): Promise<DriverRig> => {
      const rig = await fresh();
      await value(rig, rig.driver.enable(by(rig)));
      return rig;
    };
    const needing = (capability: Capability, title: string, body: () => Promise<void>) => {
      const reason = lacks[capability];
      if (reason === undefined) it(title, body);
      else it.skip(`${title} (skipped for ${name}: ${reason})`, body);
    };

    it('reads a status of finite numbers, read-only: repeated reads at standstill change neither target nor position', async () => {
      const rig = await enabled();
      const writes = rig.writes();
      const samples: DriveStatus[] = [await read(rig), await pass(rig, WATCH_MS), await read(rig)];
      for (const status of samples) {
        for (const field of NUMBERS) expect(Number.isFinite(status[field]), field).toBe(true);
        for (const field of FLAGS) expect(typeof status[field], field).toBe('boolean');
      }
      for (const status of samples.slice(1)) {
        expect(status.targetMm).toBe(samples[0]!.targetMm);
        // Close, not equal: a real servo at standstill may hunt by an encoder count.
        expect(status.positionMm).toBeCloseTo(samples[0]!.positionMm, MM_DIGITS);
      }
      expect(rig.writes()).toBe(writes);
    });

    it('enables with the target set to the actual position, so the axis does not jump', async () => {
      const rig = await fresh();
      const before = await read(rig);
      expect(before.enabled).toBe(false);
      await value(rig, rig.driver.enable(by(rig)));
      const after = await pass(rig, WATCH_MS);
      expect(after).toMatchObject({ enabled: true, moving: false });
      expect(after.targetMm).toBeCloseTo(before.positionMm, MM_DIGITS);
      expect(after.positionMm).toBeCloseTo(before.positionMm, MM_DIGITS);
    });

    it('moves to a target within travel and ends there with targetReached', async () => {
      const rig = await enabled();
      const move = moveFrom(rig, (await read(rig)).positionMm);
      await value(rig, rig.driver.moveTo(move, by(rig)));
      const reached = (s: DriveStatus) => s.targetReached && !s.moving && Math.abs(s.targetMm - move.targetMm) < 0.005;
      const end = await until(rig, reached, moveLimitMs(rig));
      expect(end).toMatchObject({ enabled: true, holding: false });
      expect(Math.abs(end.positionMm - move.targetMm)).toBeLessThanOrEqual(rig.inPositionMm);
    });

    it('holds during a move: stops short of the target and keeps holding', async () => {
      const rig = await enabled();
      const startMm = (await read(rig)).positionMm;
      const move = moveFrom(rig, startMm);
      await value(rig, rig.driver.moveTo(move, by(rig)));
      await value(rig, rig.driver.hold(by(rig)));
      await until(rig, (s) => !s.moving, moveLimitMs(rig));
      // `moving` is the profile; the axis itself may still close its following error.
      const stopped = await pass(rig, WATCH_MS);
      expect(stopped).toMatchObject({ holding: true, enabled: true });
      expect(Math.abs(stopped.positionMm - startMm)).toBeLessThan(Math.abs(rig.move.distanceMm));
      const later = await pass(rig, WATCH_MS);
      expect(later).toMatchObject({ holding: true, moving: false, enabled: true });
      expect(later.positionMm).toBeCloseTo(stopped.positionMm, MM_DIGITS);
    });

    it('disables: the drive reports not enabled and stays where it was', async () => {
      const rig = await enabled();
      const before = await read(rig);
      await value(rig, rig.driver.disable(by(rig)));
      const after = await pass(rig, WATCH_MS);
      expect(after).toMatchObject({ enabled: false, moving: false });
      expect(after.positionMm).toBeCloseTo(before.positionMm, MM_DIGITS);
    });

    it("refuses moveTo on a disabled drive with DriveCommError 'exception', changing nothing", async () => {
      const rig = await fresh();
      const before = await read(rig);
      const writes = rig.writes();
      const { error } = await rejection(rig, rig.driver.moveTo(moveFrom(rig, before.positionMm), by(rig)));
      expect(error).toBeInstanceOf(DriveCommError);
      expect(error).toMatchObject({ reason: 'exception' });
      expect(rig.writes()).toBe(writes);
      const after = await pass(rig, WATCH_MS);
      expect(after).toMatchObject({ enabled: false, moving: false });
      expect(after.positionMm).toBeCloseTo(before.positionMm, MM_DIGITS);
    });

    it('rejects bad arguments with RangeError (TypeError for a non-number) before anything reaches the drive', async () => {
      const rig = await enabled();
      const { driver } = rig;
      const traffic = rig.traffic();
      const speedMmPerS = rig.move.speedMmPerS;
      const bad: Array<[string, () => Promise<unknown>, ErrorConstructor]> = [
        ['NaN target', () => driver.moveTo({ targetMm: Number.NaN, speedMmPerS }, by(rig)), RangeError],
        ['+Infinity target', () => driver.moveTo({ targetMm: Number.POSITIVE_INFINITY, speedMmPerS }, by(rig)), RangeError],
        ['-Infinity target', () => driver.moveTo({ targetMm: Number.NEGATIVE_INFINITY, speedMmPerS }, by(rig)), RangeError],
        ['zero speed', () => driver.moveTo({ targetMm: 0, speedMmPerS: 0 }, by(rig)), RangeError],
        ['negative speed', () => driver.moveTo({ targetMm: 0, speedMmPerS: -speedMmPerS }, by(rig)), RangeError],
        ['NaN speed', () => driver.moveTo({ targetMm: 0, speedMmPerS: Number.NaN }, by(rig)), RangeError],
        ['infinite speed', () => driver.moveTo({ targetMm: 0, speedMmPerS: Number.POSITIVE_INFINITY }, by(rig)), RangeError],
        ['string target', () => driver.moveTo({ targetMm: '1' as unknown as number, speedMmPerS }, by(rig)), TypeError],
        ['NaN deadline', () => driver.hold({ deadlineMs: Number.NaN }), RangeError],
      ];
      for (const [what, call, kind] of bad) {
        const { error } = await rejection(rig, call());
        expect(error, what).toBeInstanceOf(kind);
      }
      expect(rig.traffic()).toBe(traffic);
    });

    needing('silence', "rejects with DriveCommError 'timeout' by its deadline when the drive is silent", async () => {
      const rig = await enabled();
      rig.silence!();
      const askedAtMs = rig.clock.now();
      const deadlineMs = askedAtMs + rig.callMs;
      const { error, atMs } = await rejection(rig, rig.driver.readStatus({ deadlineMs }));
      expect(error).toBeInstanceOf(DriveCommError);
      expect(error).toMatchObject({ reason: 'timeout' });
      if (rig.clock instanceof VirtualClock && rig.givesUpBeforeDeadline) {
        // It waited for an answer, and no longer than the deadline.
        expect(atMs).toBeGreaterThan(askedAtMs);
        expect(atMs).toBeLessThanOrEqual(deadlineMs);
      } else if (rig.clock instanceof VirtualClock) expect(atMs).toBe(deadlineMs);
      else expect(atMs).toBeLessThanOrEqual(deadlineMs + REAL_TIMER_SLACK_MS);
    });

    it("after close, rejects every call with DriveCommError 'port_lost' and sends nothing more; close is idempotent", async () => {
      const rig = await enabled();
      const hereMm = (await read(rig)).positionMm;
      await value(rig, rig.driver.moveTo(moveFrom(rig, hereMm), by(rig)));
      await rig.driver.close();
      await rig.driver.close();
      const traffic = rig.traffic();
      const writes = rig.writes();
      for (const [what, call] of everyCall(rig, rig.driver, hereMm)) {
        const { error } = await rejection(rig, call());
        expect(error, what).toBeInstanceOf(DriveCommError);
        expect(error, what).toMatchObject({ reason: 'port_lost' });
      }
      await sleep(rig, WATCH_MS);
      expect(rig.traffic()).toBe(traffic);
      expect(rig.writes()).toBe(writes);
    });

    needing('alarms', 'refuses moveTo with DriveFaultError while an alarm is latched, and resets it once its cause is gone', async () => {
      const rig = await enabled();
      const code = 0x2310;
      const alarm = rig.raiseAlarm!(code);
      const latched = await read(rig);
      expect(latched).toMatchObject({ alarmCode: code, ready: false });
      const move = await rejection(rig, rig.driver.moveTo(moveFrom(rig, latched.positionMm), by(rig)));
      expect(move.error).toBeInstanceOf(DriveFaultError);
      expect(move.error).toMatchObject({ alarmCode: code });
      const early = await rejection(rig, rig.driver.resetAlarm(by(rig)));
      expect(early.error).toBeInstanceOf(DriveFaultError);
      alarm.dispose();
      expect(await outcome(rig, rig.driver.resetAlarm(by(rig)))).toMatchObject({ ok: true });
      expect(await read(rig)).toMatchObject({ alarmCode: 0, ready: true, enabled: false });
    });
  });
}
