import type { DriveProfile } from '../../protocols/drive-profile.ts';
import { statusBlockSpan } from '../../protocols/profile-schema.ts';
import type { DriveStatus } from '../contract.ts';
import type { ControlScheme } from './control-scheme.ts';
import { countsToMm, decodeField } from './register-codec.ts';

/** One status read, decoded, with what the driver needs beyond DriveStatus. */
export interface DriveSample {
  readonly status: DriveStatus;
  readonly statusWord: number;
  /** The actual position as the drive counts it, for re-targeting without rounding through mm. */
  readonly actualPositionCounts: number;
  /** The drive reports an alarm (alarm bit / CiA 402 fault state) with a nonzero alarm code: commands are refused. */
  readonly faulted: boolean;
  /** The drive state for messages. */
  readonly state: string;
}

/**
 * Decodes the status block of a profile: the contiguous registers from the lowest to the highest of
 * statusWord, actualPosition, actualVelocity, followingError, alarmCode and targetPosition, which the
 * schema guarantees fit one FC03 (at most 125 registers).
 */
export class StatusDecoder {
  /** First register and register count of the one FC03 that reads a whole sample. */
  readonly block: { readonly address: number; readonly count: number };

  constructor(
    private readonly profile: DriveProfile,
    private readonly scheme: ControlScheme,
  ) {
    const span = statusBlockSpan(profile.registers)!; // every register of a DriveProfile is present
    this.block = { address: span.address, count: span.count };
  }

  /** `values`: the registers of `block`; `controlWord`: the driver's shadow, when known. */
  decode(values: readonly number[], controlWord: number | undefined): DriveSample {
    const { registers, wordOrder, countsPerMm } = this.profile;
    const field = (name: keyof typeof registers): number => decodeField(values, this.block.address, registers[name], wordOrder);
    const mm = (name: keyof typeof registers): number => countsToMm(field(name), countsPerMm);
    const statusWord = field('statusWord');
    const alarmCode = field('alarmCode');
    const { alarm, state, ...flags } = this.scheme.flags(statusWord, controlWord);
    return {
      status: {
        positionMm: mm('actualPosition'),
        targetMm: mm('targetPosition'),
        velocityMmPerS: mm('actualVelocity'),
        followingErrorMm: mm('followingError'),
        alarmCode,
        ...flags,
      },
      statusWord,
      actualPositionCounts: field('actualPosition'),
      faulted: alarm && alarmCode !== 0,
      state,
    };
  }
}
