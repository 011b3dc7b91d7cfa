import { describe, expect, it } from 'vitest';
import { CIA402_PROFILE, wordsOf } from './support/profiles.ts';
import { simOnVirtualClock, values } from './support/sim-harness.ts';

const CONTROL = CIA402_PROFILE.registers.controlWord.address;
const STATUS = CIA402_PROFILE.registers.statusWord.address;
const TARGET_REACHED = 0x0400;
const STATE_MASK = 0x006f;
const state = {
  SwitchOnDisabled: 0x40,
  ReadyToSwitchOn: 0x21,
  SwitchedOn: 0x23,
  OperationEnabled: 0x27,
  QuickStopActive: 0x07,
  Fault: 0x08,
} as const;

/** The CiA 402 test map's unit 1 with target 20 mm (200000 counts) at 100 mm/s latched (low word first). */
function cia402Drive() {
  const sim = simOnVirtualClock(CIA402_PROFILE);
  const { registers } = CIA402_PROFILE;
  expect(sim.server.writeRegisters(1, registers.targetPosition.address, wordsOf(200_000, 'low_first'))).toBeUndefined();
  expect(sim.server.writeRegisters(1, registers.profileSpeed.address, wordsOf(1_000_000, 'low_first'))).toBeUndefined();
  const write = (word: number) => expect(sim.server.writeRegisters(1, CONTROL, [word])).toBeUndefined();
  const statusWord = () => values(sim.server.readHoldingRegisters(1, STATUS, 1))[0]!;
  const stateBits = () => statusWord() & STATE_MASK;
  const commands = () => sim.events.flatMap((e) => (e.type === 'command' ? [`${e.request.op} ${e.outcome}`] : []));
  const enableOperation = () => [0x06, 0x07, 0x0f].forEach(write);
  return { ...sim, write, statusWord, stateBits, commands, enableOperation };
}

describe('CiA 402 controlword state machine', () => {
  it('walks shutdown 0x06, switch on 0x07, enable operation 0x0F to OperationEnabled and enables the drive', async () => {
    const { drive, write, statusWord, commands } = cia402Drive();
    expect(statusWord()).toBe(state.SwitchOnDisabled | TARGET_REACHED);
    write(0x06);
    expect(statusWord()).toBe(state.ReadyToSwitchOn | TARGET_REACHED);
    write(0x07);
    expect(statusWord()).toBe(state.SwitchedOn | TARGET_REACHED);
    expect(drive().peekStatus().enabled).toBe(false);
    write(0x0f);
    expect(statusWord()).toBe(state.OperationEnabled | TARGET_REACHED);
    expect(drive().peekStatus().enabled).toBe(true);
    expect(commands()).toEqual(['enable applied']);
  });

  it('does not enable from SwitchOnDisabled without a shutdown first', async () => {
    const { drive, write, stateBits } = cia402Drive();
    write(0x0f);
    expect(stateBits()).toBe(state.SwitchOnDisabled);
    expect(drive().peekStatus().enabled).toBe(false);
  });

  it('starts a move on a rising new-set-point bit 4 and reports target reached (bit 10) at the end', async () => {
    const { clock, drive, write, statusWord, commands, enableOperation } = cia402Drive();
    enableOperation();
    write(0x1f);
    expect(drive().peekStatus()).toMatchObject({ moving: true, targetMm: 20 });
    expect(statusWord() & TARGET_REACHED).toBe(0);
    write(0x1f); // no edge
    await clock.advanceBy(1000);
    expect(drive().peekStatus().positionMm).toBeCloseTo(20, 6);
    expect(statusWord()).toBe(state.OperationEnabled | TARGET_REACHED);
    expect(commands()).toEqual(['enable applied', 'moveTo applied']);
  });

  it('holds on a rising halt bit 8 and ignores a new set-point while halt is set', async () => {
    const { clock, drive, write, commands, enableOperation } = cia402Drive();
    enableOperation();
    write(0x1f);
    await clock.advanceBy(50);
    write(0x10f);
    write(0x11f);
    await clock.advanceBy(500);
    expect(drive().peekStatus()).toMatchObject({ holding: true, moving: false });
    expect(commands()).toEqual(['enable applied', 'moveTo applied', 'hold applied']);
  });

  it('quick stop (bit 2 cleared) holds in QuickStopActive; enable operation returns to OperationEnabled', async () => {
    const { drive, write, stateBits, commands, enableOperation } = cia402Drive();
    enableOperation();
    write(0x1f);
    write(0x0b);
    expect(stateBits()).toBe(state.QuickStopActive);
    expect(drive().peekStatus()).toMatchObject({ enabled: true, holding: true });
    write(0x0f);
    expect(stateBits()).toBe(state.OperationEnabled);
    expect(commands()).toEqual(['enable applied', 'moveTo applied', 'hold applied']);
  });

  it('disable voltage 0x00 disables the drive and goes to SwitchOnDisabled', async () => {
    const { drive, write, stateBits, enableOperation } = cia402Drive();
    enableOperation();
    write(0x00);
    expect(stateBits()).toBe(state.SwitchOnDisabled);
    expect(drive().peekStatus().enabled).toBe(false);
  });

  it('shows a latched alarm as Fault, and leaves it only on a rising fault reset bit 7 once the cause is gone', async () => {
    const { server, drive, write, stateBits, commands, enableOperation } = cia402Drive();
    enableOperation();
    server.inject(1, { kind: 'alarm', code: 0x7500 });
    expect(stateBits()).toBe(state.Fault);
    expect(values(server.readHoldingRegisters(1, CIA402_PROFILE.registers.alarmCode.address, 1))).toEqual([0x7500]);
    write(0x0f);
    expect(stateBits()).toBe(state.Fault);
    write(0x80); // cause still there: refused
    expect(stateBits()).toBe(state.Fault);
    server.clear(1);
    write(0x00);
    write(0x80);
    expect(stateBits()).toBe(state.SwitchOnDisabled);
    enableOperation();
    expect(drive().peekStatus().enabled).toBe(true);
    expect(commands()).toEqual(['enable applied', 'resetAlarm refused', 'resetAlarm applied', 'enable applied']);
  });
});
