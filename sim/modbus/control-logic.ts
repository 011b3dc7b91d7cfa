import type { BitControlStyle } from '../../protocols/drive-profile.ts';
import type { DriveModelStatus } from '../drive-model.ts';

/** What a control word write asks of the drive; `start` moves to the latched target at the latched speed. */
export type ControlAction = 'enable' | 'disable' | 'hold' | 'start' | 'resetAlarm';

/** The drive's reaction to one control word write, not yet carried out. */
export interface ControlPlan {
  /** Drive commands, in the order they are to be applied. */
  readonly actions: readonly ControlAction[];
  /** Commits the style's own state (the CiA 402 state machine); call once the write is accepted. */
  accept(): void;
}

/**
 * The control word / status word semantics of one profile style. Both methods look at the drive's
 * status just before the write; `plan` returns undefined for a word the style does not allow.
 */
export interface ControlLogic {
  statusWord(status: DriveModelStatus): number;
  plan(word: number, previous: number, status: DriveModelStatus): ControlPlan | undefined;
}

const bit = (word: number, n: number): boolean => ((word >> n) & 1) === 1;
const noState = (): void => undefined;

/**
 * The bit-per-function style (Kpower-like). Control word: `enable` is a level (set: enable a disabled
 * stage; clear: disable an enabled one), `hold` is a level (holds on its rising edge and whenever set
 * while the axis is not holding; start is ignored while it is set), `start` starts a move on its
 * rising edge, `alarmReset` resets the alarm on its rising edge. Actions apply in the order alarm
 * reset, enable/disable, hold, start, so one write can reset, enable and start. A word with any other
 * bit set is refused. Status word: one bit per flag of `statusBits` (alarm = an alarm is latched).
 */
export class BitControl implements ControlLogic {
  private readonly definedMask: number;

  constructor(private readonly style: BitControlStyle) {
    const { enable, hold, start, alarmReset } = style.controlBits;
    this.definedMask = (1 << enable) | (1 << hold) | (1 << start) | (1 << alarmReset);
  }

  statusWord(status: DriveModelStatus): number {
    const bits = this.style.statusBits;
    const flags: readonly [number, boolean][] = [
      [bits.ready, status.ready],
      [bits.enabled, status.enabled],
      [bits.moving, status.moving],
      [bits.targetReached, status.targetReached],
      [bits.alarm, status.alarmCode !== 0],
      [bits.holding, status.holding],
    ];
    return flags.reduce((word, [n, on]) => (on ? word | (1 << n) : word), 0);
  }

  plan(word: number, previous: number, status: DriveModelStatus): ControlPlan | undefined {
    if ((word & ~this.definedMask) !== 0) return undefined;
    const { enable, hold, start, alarmReset } = this.style.controlBits;
    const rising = (n: number): boolean => bit(word, n) && !bit(previous, n);
    const actions: ControlAction[] = [];
    if (rising(alarmReset)) actions.push('resetAlarm');
    if (bit(word, enable) && !status.enabled) actions.push('enable');
    else if (!bit(word, enable) && status.enabled) actions.push('disable');
    if (bit(word, hold)) {
      if (rising(hold) || !status.holding) actions.push('hold');
    } else if (rising(start)) actions.push('start');
    return { actions, accept: noState };
  }
}
