import type { RegisterType, WordOrder } from '../../protocols/drive-profile.ts';
import { assertNever } from '../../src/common/never.ts';

/**
 * The simulator's own encoder for typed register values (deliberately not shared with the drivers):
 * 16-bit values take one register, 32-bit values two in the profile's word order; signed types are
 * two's complement.
 */

const LIMITS: Readonly<Record<RegisterType, readonly [min: number, max: number]>> = {
  uint16: [0, 0xffff],
  int16: [-0x8000, 0x7fff],
  uint32: [0, 0xffffffff],
  int32: [-0x80000000, 0x7fffffff],
};

const is32 = (type: RegisterType): boolean => type === 'uint32' || type === 'int32';

/** Whether `value` is an integer that `type` can hold. */
function fitsType(value: number, type: RegisterType): boolean {
  const [min, max] = LIMITS[type];
  return Number.isInteger(value) && value >= min && value <= max;
}

/** The value `type` holds closest to `value`: rounded to an integer, saturated at the type's limits. */
export function saturate(value: number, type: RegisterType): number {
  const [min, max] = LIMITS[type];
  return Math.min(max, Math.max(min, Math.round(value)));
}

/** The registers (unsigned 16-bit each) of `value`, which must fit `type` (see saturate). */
export function encodeValue(value: number, type: RegisterType, order: WordOrder): number[] {
  if (!fitsType(value, type)) throw new RangeError(`${value} does not fit ${type}`);
  if (!is32(type)) return [value & 0xffff];
  const unsigned = value >>> 0;
  const high = unsigned >>> 16;
  const low = unsigned & 0xffff;
  return order === 'high_first' ? [high, low] : [low, high];
}

/** The value of `words` (1 register for 16-bit types, 2 for 32-bit ones, in `order`). */
export function decodeValue(words: readonly number[], type: RegisterType, order: WordOrder): number {
  const [first = 0, second = 0] = words;
  switch (type) {
    case 'uint16':
      return first;
    case 'int16':
      return first >= 0x8000 ? first - 0x10000 : first;
    case 'uint32':
    case 'int32': {
      const [high, low] = order === 'high_first' ? [first, second] : [second, first];
      const unsigned = high * 0x10000 + low;
      return type === 'int32' ? unsigned | 0 : unsigned;
    }
    default:
      return assertNever(type, 'register type');
  }
}
