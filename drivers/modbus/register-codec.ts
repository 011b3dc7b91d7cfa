import { registerCount, type RegisterField, type RegisterType, type WordOrder } from '../../protocols/drive-profile.ts';

/**
 * Values ↔ holding registers for the fields of a drive profile: 16- or 32-bit, signed or not, the two
 * words of a 32-bit value in the profile's order. Register values are unsigned 16-bit; field values
 * are integers in the drive's units (counts, counts/s, ms). Scaling to mm is the caller's, below.
 */

const RANGE: Readonly<Record<RegisterType, { readonly min: number; readonly max: number }>> = {
  uint16: { min: 0, max: 0xffff },
  int16: { min: -0x8000, max: 0x7fff },
  uint32: { min: 0, max: 0xffff_ffff },
  int32: { min: -0x8000_0000, max: 0x7fff_ffff },
};

const WORD = 0x1_0000;

/**
 * The value of `field` in `block`, the registers read from `blockAddress` on. Signed types are
 * sign-extended. Throws RangeError when the field is not inside the block.
 */
export function decodeField(block: readonly number[], blockAddress: number, field: RegisterField, wordOrder: WordOrder): number {
  return fieldReader(field, blockAddress, wordOrder)(block);
}

/** decodeField with the field's place, width and sign worked out once: a status read decodes every field of every sample. */
export function fieldReader(field: RegisterField, blockAddress: number, wordOrder: WordOrder): (block: readonly number[]) => number {
  const offset = field.address - blockAddress;
  const count = registerCount(field.type);
  const signBit = count === 1 ? 0x8000 : 0x8000_0000;
  const signed = field.type.startsWith('int');
  const highFirst = wordOrder === 'high_first';
  return (block) => {
    if (offset < 0 || offset + count > block.length) {
      throw new RangeError(
        `register ${field.address} (${field.type}) is outside the block ${blockAddress}..${blockAddress + block.length - 1}`,
      );
    }
    const first = block[offset]!;
    const unsigned = count === 1 ? first : highFirst ? first * WORD + block[offset + 1]! : block[offset + 1]! * WORD + first;
    return signed && unsigned >= signBit ? unsigned - 2 * signBit : unsigned;
  };
}

/** The registers that hold `value` as `type`, in `wordOrder`. Throws RangeError for a non-integer or out-of-range value. */
export function encodeField(value: number, type: RegisterType, wordOrder: WordOrder): number[] {
  const { min, max } = RANGE[type];
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${value} does not fit ${type} (${min}..${max})`);
  if (registerCount(type) === 1) return [value < 0 ? value + WORD : value];
  const unsigned = value < 0 ? value + WORD * WORD : value;
  const high = Math.floor(unsigned / WORD);
  const low = unsigned % WORD;
  return wordOrder === 'high_first' ? [high, low] : [low, high];
}

/** A value to write into a field. */
export interface FieldValue {
  readonly field: RegisterField;
  readonly value: number;
}

/** Registers to write in one request. */
export interface RegisterRun {
  readonly address: number;
  readonly values: readonly number[];
}

/**
 * The writes that put `fields` on the drive: fields whose registers follow one another share one
 * run (one FC16), in address order. Throws RangeError like encodeField.
 */
export function encodeRuns(fields: readonly FieldValue[], wordOrder: WordOrder): RegisterRun[] {
  const runs: { address: number; values: number[] }[] = [];
  for (const { field, value } of [...fields].sort((a, b) => a.field.address - b.field.address)) {
    const values = encodeField(value, field.type, wordOrder);
    const last = runs.at(-1);
    if (last && last.address + last.values.length === field.address) last.values.push(...values);
    else runs.push({ address: field.address, values });
  }
  return runs;
}

/** mm (or mm/s) → counts (or counts/s), rounded to the nearest count. */
export const mmToCounts = (mm: number, countsPerMm: number): number => Math.round(mm * countsPerMm) + 0; // + 0 turns -0 into 0

/** counts (or counts/s) → mm (or mm/s). */
export const countsToMm = (counts: number, countsPerMm: number): number => counts / countsPerMm;
