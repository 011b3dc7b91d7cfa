import { describe, expect, it } from 'vitest';
import type { DriveOperation } from '../../../sim/simulated-drive.ts';
import { BITS_PROFILE, wordsOf } from './support/profiles.ts';
import { simOnVirtualClock, values } from './support/sim-harness.ts';

const ENABLE = 0b0001;
const START = 0b0010;
const HOLD = 0b0100;
const RESET = 0b1000_0000;
const status = { ready: 1, enabled: 2, moving: 4, targetReached: 8, holding: 16, alarm: 128 } as const;

/** The bits-style test map's unit 1 with target 50 mm (50000 counts) at 100 mm/s (100000 counts/s) latched. */
function bitsDrive() {
  const sim = simOnVirtualClock(BITS_PROFILE);
  const write = (word: number) => sim.server.writeRegisters(1, 0, [word]);
  const statusWord = () => values(sim.server.readHoldingRegisters(1, 1, 1))[0]!;
  const commands = () => sim.events.flatMap((e) => (e.type === 'command' ? [`${e.request.op} ${e.outcome}`] : []));
  expect(sim.server.writeRegisters(1, 2, [...wordsOf(50_000, 'high_first'), ...wordsOf(100_000, 'high_first')])).toBeUndefined();
  return { ...sim, write, statusWord, commands };
}

const ops = (...list: DriveOperation[]) => list.map((op) => `${op} applied`);

describe('bits-style control word', () => {
  it('enables on the enable level and moves to the latched target on a rising start edge', async () => {
    const { clock, drive, write, statusWord, commands } = bitsDrive();
    write(ENABLE);
    expect(statusWord()).toBe(status.ready | status.enabled | status.targetReached);
    write(ENABLE | START);
    expect(drive().peekStatus()).toMatchObject({ moving: true, targetMm: 50 });
    expect(statusWord() & status.moving).toBe(status.moving);
    await clock.advanceBy(2000);
    expect(drive().peekStatus().positionMm).toBeCloseTo(50, 6);
    expect(statusWord()).toBe(status.ready | status.enabled | status.targetReached);
    expect(commands()).toEqual(ops('enable', 'moveTo'));
  });

  it('starts only on a rising edge: rewriting the start bit does nothing, a new edge starts again', async () => {
    const { write, commands } = bitsDrive();
    write(ENABLE | START);
    write(ENABLE | START);
    expect(commands()).toEqual(ops('enable', 'moveTo'));
    write(ENABLE);
    write(ENABLE | START);
    expect(commands()).toEqual(ops('enable', 'moveTo', 'moveTo'));
  });

  it('holds a moving axis while the hold bit is set and ignores start meanwhile', async () => {
    const { clock, drive, write, statusWord, commands } = bitsDrive();
    write(ENABLE | START);
    await clock.advanceBy(100);
    write(ENABLE | HOLD);
    write(ENABLE | HOLD | START);
    await clock.advanceBy(1000);
    expect(drive().peekStatus()).toMatchObject({ holding: true, moving: false });
    expect(drive().peekStatus().positionMm).toBeLessThan(50);
    expect(statusWord() & status.holding).toBe(status.holding);
    expect(commands()).toEqual(ops('enable', 'moveTo', 'hold'));
  });

  it('disables the stage when the enable bit is cleared', async () => {
    const { drive, write, commands } = bitsDrive();
    write(ENABLE);
    write(0);
    expect(drive().peekStatus().enabled).toBe(false);
    expect(commands()).toEqual(ops('enable', 'disable'));
  });

  it('resets an alarm on a rising reset edge once its cause is cleared, then re-enables on the enable level', async () => {
    const { server, write, statusWord, commands } = bitsDrive();
    write(ENABLE);
    server.inject(1, { kind: 'alarm', code: 42 });
    expect(statusWord()).toBe(status.alarm | status.targetReached);
    expect(values(server.readHoldingRegisters(1, 12, 1))).toEqual([42]);
    write(ENABLE | RESET); // the cause is still there: refused
    expect(values(server.readHoldingRegisters(1, 12, 1))).toEqual([42]);
    server.clear(1, 'alarm');
    write(ENABLE | RESET); // no edge: still latched
    expect(values(server.readHoldingRegisters(1, 12, 1))).toEqual([42]);
    write(0);
    write(ENABLE | RESET);
    expect(values(server.readHoldingRegisters(1, 12, 1))).toEqual([0]);
    expect(statusWord()).toBe(status.ready | status.enabled | status.targetReached);
    expect(commands()).toEqual([
      'enable applied',
      'resetAlarm refused',
      'enable refused',
      'enable refused', // the enable level is retried on every write while the alarm is latched
      'resetAlarm applied',
      'enable applied',
    ]);
  });
});
