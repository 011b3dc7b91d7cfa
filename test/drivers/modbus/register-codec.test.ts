import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countsToMm, decodeField, encodeField, encodeRuns, mmToCounts } from '../../../drivers/modbus/register-codec.ts';
import type { RegisterType, WordOrder } from '../../../protocols/drive-profile.ts';

const field = (address: number, type: RegisterType) => ({ address, type });

describe('register codec', () => {
  it('puts the high word first or last as the profile says', async () => {
    expect(encodeField(0x1234_5678, 'uint32', 'high_first')).toEqual([0x1234, 0x5678]);
    expect(encodeField(0x1234_5678, 'uint32', 'low_first')).toEqual([0x5678, 0x1234]);
    expect(decodeField([0x1234, 0x5678], 0, field(0, 'uint32'), 'high_first')).toBe(0x1234_5678);
    expect(decodeField([0x5678, 0x1234], 0, field(0, 'uint32'), 'low_first')).toBe(0x1234_5678);
  });

  it('sign-extends signed fields and leaves unsigned ones alone', async () => {
    expect(decodeField([0xffff], 0, field(0, 'int16'), 'high_first')).toBe(-1);
    expect(decodeField([0xffff], 0, field(0, 'uint16'), 'high_first')).toBe(0xffff);
    expect(decodeField([0xffff, 0xfc18], 0, field(0, 'int32'), 'high_first')).toBe(-1000);
    expect(decodeField([0xfc18, 0xffff], 0, field(0, 'int32'), 'low_first')).toBe(-1000);
    expect(decodeField([0x8000, 0x0000], 0, field(0, 'int32'), 'high_first')).toBe(-0x8000_0000);
    expect(encodeField(-1000, 'int32', 'high_first')).toEqual([0xffff, 0xfc18]);
    expect(encodeField(-32768, 'int16', 'low_first')).toEqual([0x8000]);
  });

  it('finds a field by its offset in a block read from elsewhere', async () => {
    expect(decodeField([9, 9, 0x0001, 0x86a0, 9], 0x10, field(0x12, 'int32'), 'high_first')).toBe(100_000);
    expect(() => decodeField([1, 2], 0x10, field(0x11, 'int32'), 'high_first')).toThrow(RangeError);
  });

  it('refuses values that do not fit the register type', async () => {
    expect(() => encodeField(0x1_0000, 'uint16', 'high_first')).toThrow(RangeError);
    expect(() => encodeField(-1, 'uint32', 'high_first')).toThrow(RangeError);
    expect(() => encodeField(0x8000_0000, 'int32', 'high_first')).toThrow(RangeError);
    expect(() => encodeField(1.5, 'int32', 'high_first')).toThrow(RangeError);
  });

  it('merges adjacent fields into one run and keeps apart those with a gap', async () => {
    const target = { field: field(2, 'int32'), value: 1 };
    expect(encodeRuns([{ field: field(4, 'uint32'), value: 2 }, target], 'high_first')).toEqual([{ address: 2, values: [0, 1, 0, 2] }]);
    expect(encodeRuns([target, { field: field(5, 'uint32'), value: 2 }], 'low_first')).toEqual([
      { address: 2, values: [1, 0] },
      { address: 5, values: [2, 0] },
    ]);
  });

  it('round-trips any value of any type in either word order', async () => {
    const typed = fc.constantFrom<RegisterType>('uint16', 'int16', 'uint32', 'int32').chain((type) => {
      const [min, max] = { uint16: [0, 0xffff], int16: [-0x8000, 0x7fff], uint32: [0, 0xffff_ffff], int32: [-0x8000_0000, 0x7fff_ffff] }[
        type
      ];
      return fc.tuple(fc.constant(type), fc.integer({ min: min!, max: max! }));
    });
    fc.assert(
      fc.property(typed, fc.constantFrom<WordOrder>('high_first', 'low_first'), ([type, value], order) => {
        const registers = encodeField(value, type, order);
        expect(registers.every((r) => Number.isInteger(r) && r >= 0 && r <= 0xffff)).toBe(true);
        expect(decodeField(registers, 0, field(0, type), order)).toBe(value);
      }),
    );
  });

  it('scales mm to counts and back to within half a count (one count at most)', async () => {
    fc.assert(
      fc.property(
        fc.double({ min: -100_000, max: 100_000, noNaN: true }),
        fc.constantFrom(1, 1000, 10_000, 131_072 / 5),
        fc.constantFrom<WordOrder>('high_first', 'low_first'),
        (mm, countsPerMm, order) => {
          const counts = mmToCounts(mm, countsPerMm);
          if (counts < -0x8000_0000 || counts > 0x7fff_ffff) return;
          const back = countsToMm(decodeField(encodeField(counts, 'int32', order), 0, field(0, 'int32'), order), countsPerMm);
          expect(Math.abs(back - mm) * countsPerMm).toBeLessThanOrEqual(0.5 + 1e-6);
        },
      ),
    );
  });
});
