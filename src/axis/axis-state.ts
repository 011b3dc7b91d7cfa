import { assertNever } from '../common/never.ts';
import { brandedError, brandGuard } from '../common/branded-error.ts';

/**
 * PLCopen axis states. `Stopping` is a latched MC_Stop: the axis holds position and refuses motion
 * until released. `ErrorStop` is entered on any breaker trip and left only through `reset`.
 */
export type AxisState = 'Disabled' | 'Standstill' | 'DiscreteMotion' | 'Stopping' | 'ErrorStop';

/** What may be asked of an axis, by the supervisor or a technician. */
export type AxisCommand =
  | 'power' // enable the power stage (MC_Power on); target re-synced to actual position
  | 'powerOff' // disable the power stage (MC_Power off)
  | 'moveAbsolute' // MC_MoveAbsolute
  | 'moveDone' // the drive reports the commanded target reached
  | 'halt' // MC_Halt: controlled stop, may be superseded by a new move
  | 'stop' // MC_Stop: controlled stop, latched until `release`
  | 'release' // end of MC_Stop, after re-sync
  | 'fault' // breaker trip or drive alarm
  | 'reset'; // MC_Reset: leave ErrorStop, after re-sync

export class IllegalAxisCommandError extends brandedError(
  'IllegalAxisCommandError',
  ['axis', 'state', 'command', 'why'],
  (axis: string, state: AxisState, command: AxisCommand, why: string) => `axis '${axis}' refused '${command}' in state ${state}: ${why}`,
) {}

export const isIllegalAxisCommandError = brandGuard<IllegalAxisCommandError>('isIllegalAxisCommandError');

/** Either the state the command leads to, or why it is refused in this state. */
export type Transition = { readonly to: AxisState } | { readonly refused: string };

const to = (state: AxisState): Transition => ({ to: state });
const refuse = (why: string): Transition => ({ refused: why });

/**
 * The whole legal transition table. A refused command must never reach a drive, so callers check
 * here first and only then talk to the hardware.
 */
export function transition(state: AxisState, command: AxisCommand): Transition {
  if (command === 'fault') return to('ErrorStop');
  switch (state) {
    case 'Disabled':
      if (command === 'power') return to('Standstill');
      if (command === 'powerOff') return to('Disabled');
      return refuse('the power stage is off; power the axis first');
    case 'Standstill':
      if (command === 'moveAbsolute') return to('DiscreteMotion');
      if (command === 'halt' || command === 'power') return to('Standstill');
      if (command === 'stop') return to('Stopping');
      if (command === 'powerOff') return to('Disabled');
      return refuse(command === 'reset' ? 'there is no error to reset' : 'the axis is at standstill');
    case 'DiscreteMotion':
      if (command === 'moveAbsolute') return to('DiscreteMotion');
      if (command === 'moveDone' || command === 'halt') return to('Standstill');
      if (command === 'stop') return to('Stopping');
      if (command === 'powerOff') return to('Disabled');
      return refuse('the axis is moving; halt or stop it first');
    case 'Stopping':
      if (command === 'release') return to('Standstill');
      if (command === 'stop') return to('Stopping');
      if (command === 'powerOff') return to('Disabled');
      return refuse('a stop is latched; release it (after re-sync) before commanding motion');
    case 'ErrorStop':
      if (command === 'reset') return to('Standstill');
      // Disabling a faulted drive is always allowed; the error stays latched until reset.
      if (command === 'powerOff') return to('ErrorStop');
      return refuse('the axis is in ErrorStop; reset it (alarm cleared, breaker closed, re-synced) first');
    default:
      return assertNever(state, 'axis state');
  }
}

/** States in which the axis may take over a fallback job. */
export const acceptsWork = (state: AxisState): boolean => state === 'Standstill' || state === 'DiscreteMotion';
