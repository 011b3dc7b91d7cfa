import type { DriveProfile } from '../../protocols/drive-profile.ts';
import { statusBlockSpan } from '../../protocols/profile-schema.ts';
import type { DriveStatus } from '../contract.ts';
import type { ControlScheme } from './control-scheme.ts';
import { countsToMm, fieldReader } from './register-codec.ts';

/** One status read, decoded, with what the driver needs beyond DriveStatus. */
export interface DriveSample {
  readonly status: DriveStatus;
  readonly statusWord: number;
  /** The actual position as the drive counts it, for re-targeting without rounding through mm. */
  readonly actualPositionCounts: number;
  /** The drive reports an alarm (alarm bit / CiA 402 fault state) with a nonzero alarm code: commands are refused. */
  readonly faulted: boolean;
}

type FieldReader = (block: readonly number[]) => number;

/**
 * Decodes the status block of a profile: the contiguous registers from the lowest to the highest of
 * statusWord, actualPosition, actualVelocity, followingError, alarmCode and targetPosition, which the
 * schema guarantees fit one FC03 (at most 125 registers). Each field's reader is made once: the
 * cycle decodes a sample of every axis every period.
 */
export class StatusDecoder {
  /** First register and register count of the one FC03 that reads a whole sample. */
  readonly block: { readonly address: number; readonly count: number };
  private readonly countsPerMm: number;
  private readonly statusWord: FieldReader;
  private readonly alarmCode: FieldReader;
  private readonly actualPosition: FieldReader;
  private readonly targetPosition: FieldReader;
  private readonly actualVelocity: FieldReader;
  private readonly followingError: FieldReader;

  constructor(
    profile: DriveProfile,
    private readonly scheme: ControlScheme,
  ) {
    const span = statusBlockSpan(profile.registers)!; // every register of a DriveProfile is present
    this.block = { address: span.address, count: span.count };
    this.countsPerMm = profile.countsPerMm;
    const reader = (name: keyof DriveProfile['registers']): FieldReader =>
      fieldReader(profile.registers[name], span.address, profile.wordOrder);
    this.statusWord = reader('statusWord');
    this.alarmCode = reader('alarmCode');
    this.actualPosition = reader('actualPosition');
    this.targetPosition = reader('targetPosition');
    this.actualVelocity = reader('actualVelocity');
    this.followingError = reader('followingError');
  }

  /** `values`: the registers of `block`; `controlWord`: the driver's shadow, when known. */
  decode(values: readonly number[], controlWord: number | undefined): DriveSample {
    const perMm = this.countsPerMm;
    const statusWord = this.statusWord(values);
    const alarmCode = this.alarmCode(values);
    const actualPositionCounts = this.actualPosition(values);
    const flags = this.scheme.flags(statusWord, controlWord);
    return {
      status: {
        positionMm: countsToMm(actualPositionCounts, perMm),
        targetMm: countsToMm(this.targetPosition(values), perMm),
        velocityMmPerS: countsToMm(this.actualVelocity(values), perMm),
        followingErrorMm: countsToMm(this.followingError(values), perMm),
        alarmCode,
        enabled: flags.enabled,
        ready: flags.ready,
        moving: flags.moving,
        holding: flags.holding,
        targetReached: flags.targetReached,
      },
      statusWord,
      actualPositionCounts,
      faulted: flags.alarm && alarmCode !== 0,
    };
  }

  /** The drive's state for messages (see ControlScheme.describe). */
  describe(sample: DriveSample): string {
    return this.scheme.describe(sample.statusWord);
  }
}
