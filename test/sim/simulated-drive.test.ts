import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/common/virtual-clock.ts';
import { SimulatedDrive, type RequestRecord, type SimulatedDriveOptions } from '../../sim/simulated-drive.ts';

function makeDrive(extra: Partial<SimulatedDriveOptions> = {}) {
  const clock = new VirtualClock();
  const drive = new SimulatedDrive({
    clock,
    name: 'X',
    model: { maxSpeedMmPerS: 200, maxAccelMmPerS2: 1000, trackingTimeConstantMs: 5 },
    ...extra,
  });
  return { clock, drive };
}

/** Resolves with the answer and the time it came, or 'pending' if none came by `untilMs`. */
async function answerBy<T>(clock: VirtualClock, request: Promise<T>, untilMs: number) {
  let answer: { value: T; atMs: number } | 'pending' = 'pending';
  void request.then((value) => (answer = { value, atMs: clock.now() }));
  await clock.advanceTo(untilMs);
  return answer;
}

/** Runs the clock until `request` is answered, and returns the answer. */
async function reply<T>(clock: VirtualClock, request: Promise<T>): Promise<T> {
  let answer: { value: T } | undefined;
  void request.then((value) => (answer = { value }));
  await clock.runUntil(() => answer !== undefined);
  if (!answer) throw new Error('no answer');
  return answer.value;
}

describe('SimulatedDrive requests', () => {
  it('applies a command on arrival and answers after the base latency', async () => {
    const { clock, drive } = makeDrive({ baseLatencyMs: 3 });
    const enabling = drive.enable();
    expect(drive.peekStatus().enabled).toBe(true);
    expect(await answerBy(clock, enabling, 10)).toEqual({ value: { ok: true }, atMs: 3 });
    expect(drive.stats()).toMatchObject({ received: 1, lost: 0, answered: 1, applied: { enable: 1 } });
  });

  it('samples the status when the request arrives', async () => {
    const { clock, drive } = makeDrive({ baseLatencyMs: 50 });
    await reply(clock, drive.enable());
    await clock.advanceTo(100);
    void drive.moveTo(100, 100);
    const answer = await answerBy(clock, drive.readStatus(), 200);
    expect(answer).toMatchObject({ atMs: 150, value: { moving: true, positionMm: 0, targetMm: 100 } });
  });

  it('adds seeded jitter to the answer delay', async () => {
    const { clock, drive } = makeDrive({ baseLatencyMs: 2, jitterMs: 5 });
    const times: number[] = [];
    for (let i = 0; i < 20; i++) void drive.readStatus().then(() => times.push(clock.now()));
    await clock.advanceTo(1);
    // All sent at 0; answers spread over [2, 7).
    expect(times).toEqual([]);
    await clock.advanceTo(10);
    expect(times).toHaveLength(20);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...times)).toBeLessThan(7);
    expect(new Set(times).size).toBeGreaterThan(1);
  });

  it('records every request with its arrival time and outcome', async () => {
    const { clock, drive } = makeDrive();
    const log: RequestRecord[] = [];
    drive.onRequest((r) => log.push(r));
    await clock.advanceTo(40);
    void drive.hold();
    void drive.moveTo(5, 10);
    expect(log).toEqual([
      { atMs: 40, request: { op: 'hold' }, outcome: 'applied' },
      { atMs: 40, request: { op: 'moveTo', targetMm: 5, speedMmPerS: 10 }, outcome: 'refused' },
    ]);
    expect(drive.stats().applied.hold).toBe(1);
  });

  it('refuses moveTo while the power stage is off', async () => {
    const { clock, drive } = makeDrive();
    expect(await reply(clock, drive.moveTo(10, 10))).toEqual({ ok: false, reason: 'not_enabled' });
    expect(drive.peekStatus().targetMm).toBe(0);
  });
});

describe('SimulatedDrive faults', () => {
  it('loses every request while silent, with no effect, and recovers when cleared', async () => {
    const { clock, drive } = makeDrive();
    const silent = drive.injectFault({ kind: 'silent' });
    expect(await answerBy(clock, drive.enable(), 1000)).toBe('pending');
    expect(drive.peekStatus().enabled).toBe(false);
    expect(drive.stats()).toMatchObject({ received: 1, lost: 1, answered: 0 });
    silent.dispose();
    expect(drive.activeFaults()).toEqual([]);
    expect(await answerBy(clock, drive.enable(), 2000)).toMatchObject({ value: { ok: true } });
  });

  it('answers late but applies at once while slow', async () => {
    const { clock, drive } = makeDrive();
    await reply(clock, drive.enable());
    drive.injectFault({ kind: 'slow', latencyMs: 30 });
    drive.injectFault({ kind: 'slow', latencyMs: 80 });
    const moved = drive.moveTo(10, 100);
    expect(drive.peekStatus().targetMm).toBe(10);
    expect(await answerBy(clock, moved, 500)).toMatchObject({ atMs: 1 + 80 }); // sent at 1, after enable's answer
  });

  it('loses the same requests for the same seed, and others for another seed', async () => {
    const lostPattern = async (seed: number) => {
      const { clock, drive } = makeDrive({ seed });
      drive.injectFault({ kind: 'dropout', probability: 0.3 });
      const lost: number[] = [];
      drive.onRequest((r) => r.outcome === 'lost' && lost.push(clock.now()));
      for (let i = 0; i < 60; i++) {
        void drive.readStatus();
        await clock.advanceBy(10);
      }
      return lost;
    };
    const first = await lostPattern(7);
    expect(first.length).toBeGreaterThan(5);
    expect(first.length).toBeLessThan(40);
    expect(await lostPattern(7)).toEqual(first);
    expect(await lostPattern(8)).not.toEqual(first);
  });

  it('latches an alarm that powers off, refuses commands and resets only once the fault is gone', async () => {
    const { clock, drive } = makeDrive();
    await reply(clock, drive.enable());
    const alarm = drive.injectFault({ kind: 'alarm', code: 0x7310 });
    expect(drive.peekStatus()).toMatchObject({ alarmCode: 0x7310, enabled: false, ready: false });
    const refused = { ok: false, reason: 'alarm', alarmCode: 0x7310 };
    expect(await reply(clock, drive.enable())).toEqual(refused);
    expect(await reply(clock, drive.hold())).toEqual(refused);
    expect(await reply(clock, drive.resetAlarm())).toEqual(refused);
    expect(await reply(clock, drive.readStatus())).toMatchObject({ alarmCode: 0x7310 });
    expect(drive.clearFault(alarm.id)).toBe(true);
    expect(drive.peekStatus().alarmCode).toBe(0x7310);
    expect(await reply(clock, drive.resetAlarm())).toEqual({ ok: true });
    expect(drive.peekStatus()).toMatchObject({ alarmCode: 0, ready: true, enabled: false });
    expect(await reply(clock, drive.enable())).toEqual({ ok: true });
  });

  it('freezes the axis while jammed and lets it catch up once cleared', async () => {
    const { clock, drive } = makeDrive();
    await reply(clock, drive.enable());
    drive.injectFault({ kind: 'jam' });
    await reply(clock, drive.moveTo(20, 100));
    await clock.advanceTo(1000);
    expect(drive.peekStatus()).toMatchObject({ positionMm: 0, followingErrorMm: 20 });
    drive.clearAllFaults();
    await clock.advanceTo(2000);
    expect(drive.peekStatus()).toMatchObject({ positionMm: 20, followingErrorMm: 0 });
  });

  it('lists active faults with their injection time', async () => {
    const { clock, drive } = makeDrive();
    await clock.advanceTo(5);
    const jam = drive.injectFault({ kind: 'jam' });
    drive.injectFault({ kind: 'dropout', probability: 0.5 });
    expect(drive.activeFaults()).toEqual([
      { id: jam.id, spec: { kind: 'jam' }, sinceMs: 5 },
      { id: jam.id + 1, spec: { kind: 'dropout', probability: 0.5 }, sinceMs: 5 },
    ]);
    expect(drive.clearFault(jam.id)).toBe(true);
    expect(drive.clearFault(jam.id)).toBe(false);
    expect(drive.activeFaults()).toHaveLength(1);
  });

  it('rejects fault specs no drive could act on', () => {
    const { drive } = makeDrive();
    expect(() => drive.injectFault({ kind: 'dropout', probability: 1.5 })).toThrow(RangeError);
    expect(() => drive.injectFault({ kind: 'slow', latencyMs: -1 })).toThrow(RangeError);
    expect(() => drive.injectFault({ kind: 'alarm', code: 0 })).toThrow(RangeError);
    expect(drive.activeFaults()).toEqual([]);
  });
});
