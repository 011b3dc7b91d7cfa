import { describe, expect, it } from 'vitest';
import { DriveCommError } from '../../drivers/errors.ts';
import { VirtualClock } from '../../src/common/virtual-clock.ts';
import { RoundTripProber, type RoundTripTarget } from '../../src/realtime/latency-round-trips.ts';

/** A drive that answers after `answerMs` of virtual time, or fails as `fail` says; its reads are logged. */
function target(clock: VirtualClock, log: string[], bus: string, unitId: number, answerMs: number, fail?: () => Error): RoundTripTarget {
  return {
    bus,
    axis: `${bus}${unitId}`,
    unitId,
    timeoutMs: 50,
    readStatus: async (deadlineMs) => {
      log.push(`${bus}${unitId}@${clock.now()}<${deadlineMs}`);
      await clock.sleep(answerMs);
      if (fail) throw fail();
    },
  };
}

describe('RoundTripProber', () => {
  it('reads the drives of a bus in turn and the buses side by side, one round per bus at a time', async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    const prober = new RoundTripProber(clock, [
      target(clock, log, 'a', 1, 4),
      target(clock, log, 'b', 1, 3),
      target(clock, log, 'a', 2, 4),
    ]);
    prober.poll();
    await clock.advanceBy(1);
    prober.poll(); // both rounds still under way: nothing new starts
    await clock.advanceBy(20);
    await prober.settled();
    // Each read gets the target's timeoutMs as its deadline.
    expect(log).toEqual(['a1@0<50', 'b1@0<50', 'a2@4<54']);
    const [a, b] = prober.stats();
    expect(a).toMatchObject({ bus: 'a', drives: 2, reads: 2, failed: 0, count: 2, maxMs: expect.closeTo(4, 2) });
    expect(b).toMatchObject({ bus: 'b', drives: 1, reads: 1, failed: 0, count: 1, maxMs: expect.closeTo(3, 2) });
  });

  it('counts the reads a drive did not answer, with why, and times only the answered ones', async () => {
    const clock = new VirtualClock();
    const prober = new RoundTripProber(clock, [
      target(clock, [], 'a', 1, 2),
      target(clock, [], 'a', 2, 50, () => new DriveCommError('timeout', 'a2: got no answer by its deadline')),
    ]);
    for (let i = 0; i < 3; i++) {
      prober.poll();
      await clock.advanceBy(60);
    }
    await prober.settled();
    const [a] = prober.stats();
    expect(a).toMatchObject({ reads: 6, failed: 3, count: 3, p50Ms: expect.closeTo(2, 2), maxMs: expect.closeTo(2, 2) });
    expect(a!.units).toEqual([
      { axis: 'a1', unitId: 1, reads: 3, failed: 0 },
      { axis: 'a2', unitId: 2, reads: 3, failed: 3, lastError: 'a2: got no answer by its deadline' },
    ]);
  });

  it('rethrows a programming error (anything but a comm error) instead of counting it against the drive', async () => {
    const clock = new VirtualClock();
    const prober = new RoundTripProber(clock, [target(clock, [], 'a', 1, 1, () => new TypeError('bug'))]);
    prober.poll();
    await clock.advanceBy(5);
    await expect(prober.settled()).rejects.toThrow('bug');
    expect(prober.stats()[0]).toMatchObject({ reads: 1, failed: 0 });
  });
});
