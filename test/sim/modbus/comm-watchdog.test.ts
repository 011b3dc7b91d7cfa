import { describe, expect, it } from 'vitest';
import { BITS_PROFILE, wordsOf } from './support/profiles.ts';
import { simOnVirtualClock } from './support/sim-harness.ts';

const ENABLE = 0b001;
const START = 0b010;
const TIMEOUT = BITS_PROFILE.registers.commLossTimeout.address;

/** Unit 1 moving towards 100 mm at 50 mm/s, with the comm-loss timeout register set to `timeoutMs`. */
function movingDrive(timeoutMs: number) {
  const sim = simOnVirtualClock(BITS_PROFILE);
  const { server } = sim;
  expect(server.writeRegisters(1, TIMEOUT, [timeoutMs])).toBeUndefined();
  expect(server.writeRegisters(1, 2, [...wordsOf(100_000, 'high_first'), ...wordsOf(50_000, 'high_first')])).toBeUndefined();
  expect(server.writeRegisters(1, 0, [ENABLE])).toBeUndefined();
  expect(server.writeRegisters(1, 0, [ENABLE | START])).toBeUndefined();
  return sim;
}

/** Reads the status word every `periodMs` until `untilMs`. */
async function poll(sim: ReturnType<typeof movingDrive>, periodMs: number, untilMs: number): Promise<void> {
  while (sim.clock.now() + periodMs <= untilMs) {
    await sim.clock.advanceBy(periodMs);
    sim.server.readHoldingRegisters(1, 1, 1);
  }
}

describe('comm-loss watchdog', () => {
  it('holds a moving drive once no request has come for the timeout, and records it', async () => {
    const sim = movingDrive(100);
    await poll(sim, 20, 400); // fed every 20 ms: no hold
    expect(sim.server.stats(1).watchdogHolds).toBe(0);
    const lastRequestMs = sim.clock.now();
    await sim.clock.advanceTo(lastRequestMs + 99);
    expect(sim.drive().peekStatus().moving).toBe(true);
    await sim.clock.advanceTo(lastRequestMs + 100);
    expect(sim.drive().peekStatus().holding).toBe(true);
    const tail = sim.events.slice(-2);
    expect(tail).toEqual([
      { type: 'watchdog_hold', atMs: lastRequestMs + 100, unitId: 1, silentForMs: 100, timeoutMs: 100 },
      { type: 'command', unitId: 1, atMs: lastRequestMs + 100, request: { op: 'hold' }, outcome: 'applied' },
    ]);
    expect(sim.server.stats(1)).toMatchObject({ watchdogHolds: 1, applied: { hold: 1 } });
    await sim.clock.advanceBy(1000); // once per silence
    expect(sim.server.stats(1).watchdogHolds).toBe(1);
  });

  it('takes a shorter timeout written later at once', async () => {
    const sim = movingDrive(5000);
    expect(sim.server.writeRegisters(1, TIMEOUT, [50])).toBeUndefined();
    const writtenMs = sim.clock.now();
    await sim.clock.advanceTo(writtenMs + 60);
    expect(sim.events.filter((e) => e.type === 'watchdog_hold')).toEqual([expect.objectContaining({ atMs: writtenMs + 50 })]);
  });

  it('watches again after the next request', async () => {
    const sim = movingDrive(100);
    await sim.clock.advanceBy(150);
    expect(sim.server.writeRegisters(1, 0, [ENABLE])).toBeUndefined();
    expect(sim.server.writeRegisters(1, 0, [ENABLE | START])).toBeUndefined();
    await sim.clock.advanceBy(150);
    expect(sim.server.stats(1).watchdogHolds).toBe(2);
  });

  it('stays off while the timeout register is 0', async () => {
    const sim = movingDrive(0);
    await sim.clock.advanceBy(5000);
    expect(sim.server.stats(1).watchdogHolds).toBe(0);
    expect(sim.drive().peekStatus().holding).toBe(false);
  });

  it('leaves a disabled drive alone', async () => {
    const sim = movingDrive(100);
    expect(sim.server.writeRegisters(1, 0, [0])).toBeUndefined();
    await sim.clock.advanceBy(1000);
    expect(sim.server.stats(1).watchdogHolds).toBe(0);
  });
});
