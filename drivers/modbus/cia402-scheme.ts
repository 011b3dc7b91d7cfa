import { assertNever } from '../../src/common/never.ts';
import { hex16, type ControlScheme, type EnableStep, type LevelChange } from './control-scheme.ts';

/**
 * CiA 402 (IEC 61800-7-201) controlword/statusword semantics in profile position mode, as fixed by
 * the standard. Enabling walks the state machine: SwitchOnDisabled →(shutdown 0x06) ReadyToSwitchOn
 * →(switch on 0x07) SwitchedOn →(enable operation 0x0F) OperationEnabled. Hold is halt (bit 8):
 * the drive stops at its profile deceleration and stays in OperationEnabled. A move raises new
 * set-point (bit 4) with change set immediately (bit 5) and halt cleared in the same write.
 */

/** The drive states of the CiA 402 state machine, and Unknown for a statusword that fits none. */
export type Cia402State =
  | 'NotReadyToSwitchOn'
  | 'SwitchOnDisabled'
  | 'ReadyToSwitchOn'
  | 'SwitchedOn'
  | 'OperationEnabled'
  | 'QuickStopActive'
  | 'FaultReactionActive'
  | 'Fault'
  | 'Unknown';

/** Controlword bits. Bits 0-3 carry the state-machine command; bit 7 resets a fault on its rising edge. */
const Cia402Control = {
  commandMask: 0x000f,
  disableVoltage: 0x0000,
  shutdown: 0x0006,
  switchOn: 0x0007,
  enableOperation: 0x000f,
  newSetPoint: 0x0010,
  changeSetImmediately: 0x0020,
  relative: 0x0040,
  faultReset: 0x0080,
  halt: 0x0100,
} as const;

const TARGET_REACHED = 0x0400;

/** The state a statusword shows (bits 0-3, 5, 6). */
function cia402State(statusWord: number): Cia402State {
  switch (statusWord & 0x4f) {
    case 0x00:
      return 'NotReadyToSwitchOn';
    case 0x40:
      return 'SwitchOnDisabled';
    case 0x0f:
      return 'FaultReactionActive';
    case 0x08:
      return 'Fault';
  }
  switch (statusWord & 0x6f) {
    case 0x21:
      return 'ReadyToSwitchOn';
    case 0x23:
      return 'SwitchedOn';
    case 0x27:
      return 'OperationEnabled';
    case 0x07:
      return 'QuickStopActive';
  }
  return 'Unknown';
}

const command =
  (code: number): LevelChange =>
  (w) =>
    (w & ~Cia402Control.commandMask) | code;

const step = (name: string, code: number): EnableStep => ({
  kind: 'write',
  name,
  command: { change: command(code), raise: 0 },
  final: false,
});

const C = Cia402Control;

export const cia402Scheme: ControlScheme = {
  edgeBits: C.newSetPoint | C.faultReset,
  hold: { change: (w) => w | C.halt, raise: 0 },
  move: { change: (w) => (w & ~(C.halt | C.relative)) | C.changeSetImmediately, raise: C.newSetPoint },
  disable: { change: command(C.shutdown), raise: 0 },
  resetAlarm: { change: command(C.disableVoltage), raise: C.faultReset },
  flags(statusWord, controlWord) {
    const state = cia402State(statusWord);
    const enabled = state === 'OperationEnabled' || state === 'QuickStopActive';
    const alarm = state === 'Fault' || state === 'FaultReactionActive';
    const targetReached = (statusWord & TARGET_REACHED) !== 0;
    // The statusword has no halt flag: a halt is the one this driver last wrote (when known).
    const halted = state === 'OperationEnabled' && controlWord !== undefined && (controlWord & C.halt) !== 0;
    return {
      enabled,
      ready: !alarm && state !== 'NotReadyToSwitchOn' && state !== 'Unknown',
      moving: enabled && !targetReached,
      holding: halted || state === 'QuickStopActive',
      targetReached,
      alarm,
    };
  },
  describe: (statusWord) => `${cia402State(statusWord)} (statusword ${hex16(statusWord)})`,
  enableStep(statusWord) {
    const state = cia402State(statusWord);
    switch (state) {
      case 'OperationEnabled':
        return { kind: 'done' };
      case 'SwitchedOn':
        return step('enable operation', C.enableOperation);
      case 'ReadyToSwitchOn':
        return step('switch on', C.switchOn);
      case 'SwitchOnDisabled':
        return step('shutdown', C.shutdown);
      case 'QuickStopActive':
        return step('disable voltage', C.disableVoltage);
      case 'NotReadyToSwitchOn':
      case 'FaultReactionActive':
      case 'Fault':
      case 'Unknown':
        return { kind: 'wait' };
      default:
        return assertNever(state, 'CiA 402 state');
    }
  },
};
