/**
 * How a drive family is commanded and read through its control and status words: the generic
 * bit-per-function style (bits-scheme.ts) or CiA 402 (cia402-scheme.ts). Pure: the driver does the I/O.
 */

/** A change of the control word's level bits; it is given the word with every edge bit dropped. */
export type LevelChange = (levels: number) => number;

/** One control-word write. */
export interface ControlCommand {
  readonly change: LevelChange;
  /** The edge bit raised in the same write, 0 for none. */
  readonly raise: number;
}

/** The flags of a DriveStatus, and whether the drive reports an alarm. */
export interface StatusFlags {
  readonly enabled: boolean;
  readonly ready: boolean;
  readonly moving: boolean;
  readonly holding: boolean;
  readonly targetReached: boolean;
  /** Alarm bit set / CiA 402 Fault or FaultReactionActive. */
  readonly alarm: boolean;
}

/** The next step of enabling, decided from the status word just read. */
export type EnableStep =
  | { readonly kind: 'done' }
  /** Write `command`; when `final`, enabling ends with this write, else read the state again. */
  | { readonly kind: 'write'; readonly name: string; readonly command: ControlCommand; readonly final: boolean }
  /** The drive is busy (e.g. CiA 402 NotReadyToSwitchOn): read again. */
  | { readonly kind: 'wait' };

export interface ControlScheme {
  /** The control-word bits that act on a rising edge. */
  readonly edgeBits: number;
  /** Controlled stop, then hold position (bits: hold; CiA 402: halt bit 8). */
  readonly hold: ControlCommand;
  /** Releases a hold and starts the move to the target written before (start / new set-point edge). */
  readonly move: ControlCommand;
  readonly disable: ControlCommand;
  /** Raises the reset edge and leaves the power stage off. */
  readonly resetAlarm: ControlCommand;
  /** Flags from the status word; `controlWord` (the shadow, when known) fills in what the status word lacks. */
  flags(statusWord: number, controlWord: number | undefined): StatusFlags;
  /** The drive's state for messages, e.g. `SwitchedOn (statusword 0x0233)`; only when a message needs it, not per read. */
  describe(statusWord: number): string;
  enableStep(statusWord: number): EnableStep;
}

export const hex16 = (word: number): string => `0x${word.toString(16).padStart(4, '0')}`;
