import { registerCount, type DriveProfile, type ProfileRegisters, type RegisterField } from '../../protocols/drive-profile.ts';

/** The name of one register field of a profile. */
export type RegisterName = keyof ProfileRegisters;

/** Fields a master may write; every other mapped field is read-only. */
const WRITABLE: ReadonlySet<RegisterName> = new Set<RegisterName>(['controlWord', 'targetPosition', 'profileSpeed', 'commLossTimeout']);

/** The field a register belongs to, and which of its registers it is (0, or 1 for a 32-bit field's second). */
export interface RegisterSlot {
  readonly name: RegisterName;
  readonly field: RegisterField;
  readonly offset: number;
  readonly writable: boolean;
}

/**
 * Where a profile's fields sit in the address space. Throws a RangeError for a profile whose fields
 * overlap or run past address 65535: a register must belong to at most one field.
 */
export class RegisterLayout {
  private readonly slots = new Map<number, RegisterSlot>();

  constructor(profile: DriveProfile) {
    for (const [name, field] of Object.entries(profile.registers) as [RegisterName, RegisterField][]) {
      const count = registerCount(field.type);
      if (!Number.isInteger(field.address) || field.address < 0 || field.address + count > 0x10000) {
        throw new RangeError(`profile '${profile.name}': ${name} at ${field.address} is outside 0..65535`);
      }
      for (let offset = 0; offset < count; offset++) {
        const address = field.address + offset;
        const taken = this.slots.get(address);
        if (taken) throw new RangeError(`profile '${profile.name}': ${name} and ${taken.name} both use register ${address}`);
        this.slots.set(address, { name, field, offset, writable: WRITABLE.has(name) });
      }
    }
  }

  /** The slot at a 0-based register address, or undefined when nothing is mapped there. */
  at(address: number): RegisterSlot | undefined {
    return this.slots.get(address);
  }
}
