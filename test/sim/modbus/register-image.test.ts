import { describe, expect, it } from 'vitest';
import type { DriveProfile, RegisterField } from '../../../protocols/drive-profile.ts';
import { BITS_PROFILE, CIA402_PROFILE, int32Of, withWordOrder, wordsOf } from './support/profiles.ts';
import { simOnVirtualClock, values } from './support/sim-harness.ts';

const ORDERS = ['high_first', 'low_first'] as const;
const PROFILES = ORDERS.flatMap((order) => [withWordOrder(BITS_PROFILE, order), withWordOrder(CIA402_PROFILE, order)]);

describe('register image: encoding', () => {
  it.each(PROFILES.map((p) => [p.name, p] as const))(
    'encodes position, velocity and following error in counts, signed, in word order (%s)',
    async (_name, profile) => {
      const { clock, server, drive } = simOnVirtualClock(profile, [1], { initialPositionMm: -12.3456 });
      drive().execute({ op: 'enable' });
      drive().execute({ op: 'moveTo', targetMm: 5, speedMmPerS: 100 });
      await clock.advanceBy(30);
      const read32 = (field: RegisterField) => int32Of(values(server.readHoldingRegisters(1, field.address, 2)), profile.wordOrder);
      const status = drive().peekStatus();
      const { actualPosition, actualVelocity, followingError } = profile.registers;
      const counts = (mm: number) => Math.round(mm * profile.countsPerMm);
      expect(status.positionMm).toBeLessThan(0);
      expect(status.velocityMmPerS).toBeGreaterThan(0);
      expect(read32(actualPosition)).toBe(counts(status.positionMm));
      expect(read32(actualVelocity)).toBe(counts(status.velocityMmPerS));
      expect(read32(followingError)).toBe(counts(status.followingErrorMm));
      expect(read32(followingError)).not.toBe(0);
    },
  );

  it.each(PROFILES.map((p) => [p.name, p] as const))(
    'reads back a negative target position and a profile speed as written (%s)',
    async (_name, profile) => {
      const { server } = simOnVirtualClock(profile);
      const { targetPosition, profileSpeed } = profile.registers;
      expect(server.writeRegisters(1, targetPosition.address, wordsOf(-1_234_567, profile.wordOrder))).toBeUndefined();
      expect(server.writeRegisters(1, profileSpeed.address, wordsOf(250_000, profile.wordOrder))).toBeUndefined();
      expect(int32Of(values(server.readHoldingRegisters(1, targetPosition.address, 2)), profile.wordOrder)).toBe(-1_234_567);
      expect(int32Of(values(server.readHoldingRegisters(1, profileSpeed.address, 2)), profile.wordOrder)).toBe(250_000);
    },
  );

  it('reads a whole block across fields in one request, and power-up values', async () => {
    const { server } = simOnVirtualClock(BITS_PROFILE);
    // control, status (ready + target reached), target, speed, position, velocity, error, alarm
    expect(values(server.readHoldingRegisters(1, 0, 13))).toEqual([0, 0b1001, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(values(server.readHoldingRegisters(1, 16, 1))).toEqual([0]);
  });

  it('saturates a position beyond the 32-bit range', async () => {
    const { server } = simOnVirtualClock(BITS_PROFILE, [1], { initialPositionMm: 3e6 }); // 3e9 counts
    expect(int32Of(values(server.readHoldingRegisters(1, 6, 2)), 'high_first')).toBe(2 ** 31 - 1);
  });
});

describe('register image: refusals', () => {
  it('answers exception 2 for an unmapped address, alone or inside a range', async () => {
    const { server } = simOnVirtualClock(BITS_PROFILE);
    expect(server.readHoldingRegisters(1, 13, 1)).toEqual({ kind: 'exception', code: 2 });
    expect(server.readHoldingRegisters(1, 12, 3)).toEqual({ kind: 'exception', code: 2 });
    expect(server.writeRegisters(1, 14, [1])).toEqual({ kind: 'exception', code: 2 });
    expect(server.stats(1).exceptions).toBe(3);
  });

  it('answers exception 2 for a write to a read-only register or to half of a 32-bit field, and changes nothing', async () => {
    const { server } = simOnVirtualClock(BITS_PROFILE);
    expect(server.writeRegisters(1, 1, [5])).toEqual({ kind: 'exception', code: 2 }); // status word
    expect(server.writeRegisters(1, 3, [5])).toEqual({ kind: 'exception', code: 2 }); // second word of target
    expect(server.writeRegisters(1, 2, [0, 7, 0])).toEqual({ kind: 'exception', code: 2 }); // target + half of speed
    expect(values(server.readHoldingRegisters(1, 2, 4))).toEqual([0, 0, 0, 0]);
  });

  it('answers exception 3 for a negative speed or a control word with undefined bits', async () => {
    const signedSpeed: DriveProfile = {
      ...BITS_PROFILE,
      registers: { ...BITS_PROFILE.registers, profileSpeed: { address: 4, type: 'int32' } },
    };
    const { server, drive } = simOnVirtualClock(signedSpeed);
    expect(server.writeRegisters(1, 4, wordsOf(-1, 'high_first'))).toEqual({ kind: 'exception', code: 3 });
    expect(server.writeRegisters(1, 0, [0x0101])).toEqual({ kind: 'exception', code: 3 });
    expect(drive().peekStatus().enabled).toBe(false);
  });

  it('refuses a start while the profile speed is 0 with exception 3, applying nothing of that write', async () => {
    const { server, drive, events } = simOnVirtualClock(BITS_PROFILE);
    expect(server.writeRegisters(1, 0, [0b011])).toEqual({ kind: 'exception', code: 3 });
    expect(drive().peekStatus().enabled).toBe(false);
    expect(events).toEqual([]);
  });
});
