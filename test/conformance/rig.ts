import type { AxisDriver } from '../../drivers/contract.ts';
import type { Clock } from '../../src/common/clock.ts';
import type { Disposable } from '../../src/common/disposable.ts';

/** What a rig may be unable to do to its drive; a case that needs it is skipped for that driver, with the reason in its name. */
export type Capability = 'silence' | 'alarms';

/** Why a rig cannot do each capability it lacks, e.g. `{ alarms: 'a hobby servo reports no alarms' }`. */
export type Lacks = Partial<Record<Capability, string>>;

/**
 * One driver under test with its drive, fresh per case. The drive starts disabled, at rest, with no
 * alarm. `clock` is a VirtualClock (time moves only when the suite moves it) or a real one.
 */
export interface DriverRig {
  readonly driver: AxisDriver;
  readonly clock: Clock;
  /** Budget of one call, ms: every call the suite makes has its deadline this far ahead. */
  readonly callMs: number;
  /** The drive's in-position window, mm: it reports targetReached this close to the target. */
  readonly inPositionMm: number;
  /** A move the drive can make from where it starts, relative to there: small on real hardware. */
  readonly move: { readonly distanceMm: number; readonly speedMmPerS: number };
  /** Requests that reached the drive or its link so far (answered or not). */
  traffic(): number;
  /** Changes made to the drive so far: commands it applied, registers written, outputs set. */
  writes(): number;
  /**
   * A read of a silent drive may fail before its deadline, once no answer can come any more (a
   * bus-servo line's wire budget per exchange); otherwise it fails at the deadline (virtual clock).
   */
  readonly givesUpBeforeDeadline?: boolean;
  /** The drive stops answering from now on ('silence'). */
  silence?(): void;
  /** Latches alarm `code` on the drive until the returned disposable is disposed ('alarms'). */
  raiseAlarm?(code: number): Disposable;
  /** Leaves the drive safe (held) and releases everything. */
  dispose(): Promise<void>;
}

export type MakeRig = () => Promise<DriverRig>;
