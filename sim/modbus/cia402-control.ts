import { assertNever } from '../../src/common/never.ts';
import type { DriveModelStatus } from '../drive-model.ts';
import type { ControlAction, ControlLogic, ControlPlan } from './control-logic.ts';

/** CiA 402 drive states the simulator models (NotReadyToSwitchOn and FaultReactionActive pass at once). */
type Cia402State = 'SwitchOnDisabled' | 'ReadyToSwitchOn' | 'SwitchedOn' | 'OperationEnabled' | 'QuickStopActive' | 'Fault';

/**
 * Statusword per state (bits 0-3, 5, 6; CiA 402 table): SwitchOnDisabled 0x0040, ReadyToSwitchOn
 * 0x0021, SwitchedOn 0x0023, OperationEnabled 0x0027, QuickStopActive 0x0007, Fault 0x0008. Bit 10
 * (target reached) is added whenever the axis stands in its target window, in every state.
 */
const CIA402_STATUS: Readonly<Record<Cia402State, number>> = {
  SwitchOnDisabled: 0x0040,
  ReadyToSwitchOn: 0x0021,
  SwitchedOn: 0x0023,
  OperationEnabled: 0x0027,
  QuickStopActive: 0x0007,
  Fault: 0x0008,
};
const CIA402_TARGET_REACHED = 1 << 10;

/** Controlword bits (CiA 402). */
const SWITCH_ON = 0;
const ENABLE_VOLTAGE = 1;
const QUICK_STOP = 2; // active low
const ENABLE_OPERATION = 3;
const NEW_SET_POINT = 4;
const FAULT_RESET = 7;
const HALT = 8;

type DeviceCommand = 'disableVoltage' | 'quickStop' | 'shutdown' | 'switchOn' | 'enableOperation';

const bit = (word: number, n: number): boolean => ((word >> n) & 1) === 1;

/** The device control command in bits 0-3 (fault reset is an edge, handled apart). */
function deviceCommand(word: number): DeviceCommand {
  if (!bit(word, ENABLE_VOLTAGE)) return 'disableVoltage'; // xx0x
  if (!bit(word, QUICK_STOP)) return 'quickStop'; // x01x
  if (!bit(word, SWITCH_ON)) return 'shutdown'; // x110
  if (!bit(word, ENABLE_OPERATION)) return 'switchOn'; // 0111 (also: disable operation)
  return 'enableOperation'; // 1111
}

interface Step {
  readonly to: Cia402State;
  readonly actions: readonly ControlAction[];
}

const stay = (state: Cia402State): Step => ({ to: state, actions: [] });

/** The transition a device command causes from `from` (not Fault); unlisted pairs keep the state. */
function transition(from: Exclude<Cia402State, 'Fault'>, command: DeviceCommand, enabled: boolean): Step {
  const off: readonly ControlAction[] = enabled ? ['disable'] : [];
  switch (command) {
    case 'disableVoltage':
      return { to: 'SwitchOnDisabled', actions: off };
    case 'quickStop':
      if (from === 'OperationEnabled') return { to: 'QuickStopActive', actions: ['hold'] };
      if (from === 'QuickStopActive') return stay(from);
      return { to: 'SwitchOnDisabled', actions: off };
    case 'shutdown':
      return from === 'QuickStopActive' ? stay(from) : { to: 'ReadyToSwitchOn', actions: off };
    case 'switchOn':
      if (from === 'ReadyToSwitchOn' || from === 'SwitchedOn') return { to: 'SwitchedOn', actions: [] };
      if (from === 'OperationEnabled') return { to: 'SwitchedOn', actions: off };
      return stay(from);
    case 'enableOperation':
      // From ReadyToSwitchOn the drive passes SwitchedOn on its way (transitions 3 and 4 at once);
      // from QuickStopActive it is transition 16. SwitchOnDisabled needs a shutdown first.
      if (from === 'SwitchOnDisabled') return stay(from);
      return { to: 'OperationEnabled', actions: enabled ? [] : ['enable'] };
    default:
      return assertNever(command, 'device command');
  }
}

/**
 * CiA 402 controlword / statusword. The state machine runs on each controlword write: shutdown 0x06,
 * switch on 0x07, enable operation 0x0F (enable() on entering OperationEnabled), disable voltage
 * (bit 1 clear, e.g. 0x00: disable()), quick stop (bit 2 clear) in OperationEnabled → QuickStopActive
 * with hold(). In OperationEnabled, a rising halt bit 8 holds and a rising new-set-point bit 4 starts a
 * move (ignored while halt is set). A latched alarm is the Fault state, whatever was written; only a
 * rising fault-reset bit 7 acts there (resetAlarm, then SwitchOnDisabled).
 */
export class Cia402Control implements ControlLogic {
  private state: Cia402State = 'SwitchOnDisabled';

  /** The state as the statusword reports it: Fault while an alarm is latched. */
  private current(status: DriveModelStatus): Cia402State {
    return status.alarmCode !== 0 ? 'Fault' : this.state;
  }

  statusWord(status: DriveModelStatus): number {
    return CIA402_STATUS[this.current(status)] | (status.targetReached ? CIA402_TARGET_REACHED : 0);
  }

  plan(word: number, previous: number, status: DriveModelStatus): ControlPlan {
    const rising = (n: number): boolean => bit(word, n) && !bit(previous, n);
    const from = this.current(status);
    if (from === 'Fault') {
      return rising(FAULT_RESET) ? this.planned({ to: 'SwitchOnDisabled', actions: ['resetAlarm'] }) : this.planned(stay(this.state));
    }
    const step = transition(from, deviceCommand(word), status.enabled);
    if (step.to !== 'OperationEnabled') return this.planned(step);
    const actions = [...step.actions];
    if (rising(HALT)) actions.push('hold');
    else if (rising(NEW_SET_POINT) && !bit(word, HALT)) actions.push('start');
    return this.planned({ to: step.to, actions });
  }

  private planned(step: Step): ControlPlan {
    return {
      actions: step.actions,
      accept: () => {
        this.state = step.to;
      },
    };
  }
}
