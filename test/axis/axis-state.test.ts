import { describe, expect, it } from 'vitest';
import { transition, type AxisCommand, type AxisState } from '../../src/axis/axis-state.ts';

const STATES: AxisState[] = ['Disabled', 'Standstill', 'DiscreteMotion', 'Stopping', 'ErrorStop'];
const COMMANDS: AxisCommand[] = ['power', 'powerOff', 'moveAbsolute', 'moveDone', 'halt', 'stop', 'release', 'fault', 'reset'];

const legal = (state: AxisState, command: AxisCommand) => {
  const t = transition(state, command);
  return 'to' in t ? t.to : undefined;
};

describe('axis state table', () => {
  it('allows motion only from Standstill or DiscreteMotion', () => {
    const movers = STATES.filter((s) => legal(s, 'moveAbsolute') !== undefined);
    expect(movers).toEqual(['Standstill', 'DiscreteMotion']);
  });

  it('sends every state to ErrorStop on a fault', () => {
    for (const s of STATES) expect(legal(s, 'fault')).toBe('ErrorStop');
  });

  it('leaves ErrorStop only through reset, and a disable keeps the error latched', () => {
    const exits = COMMANDS.map((c) => [c, legal('ErrorStop', c)] as const).filter(([, to]) => to !== undefined && to !== 'ErrorStop');
    expect(exits).toEqual([['reset', 'Standstill']]);
    expect(legal('ErrorStop', 'powerOff')).toBe('ErrorStop');
  });

  it('latches a stop until release', () => {
    expect(legal('DiscreteMotion', 'stop')).toBe('Stopping');
    expect(legal('Stopping', 'moveAbsolute')).toBeUndefined();
    expect(legal('Stopping', 'release')).toBe('Standstill');
  });

  it('says the state and why when it refuses', () => {
    const t = transition('Disabled', 'moveAbsolute');
    expect(t).toEqual({ refused: 'the power stage is off; power the axis first' });
    expect(transition('Standstill', 'reset')).toEqual({ refused: 'there is no error to reset' });
  });

  it('has an answer for every state and command', () => {
    for (const s of STATES) for (const c of COMMANDS) expect(transition(s, c)).toBeTypeOf('object');
  });
});
