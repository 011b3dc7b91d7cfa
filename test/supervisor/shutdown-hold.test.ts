import { describe, expect, it } from 'vitest';
import { lineYaml, simAxis, startLine } from '../support/line-harness.ts';

/** Drive `a` silent from 1000 ms for `silentMs`; the supervisor is stopped at 1005 ms, while it is. */
async function stopWhileSilent(silentMs: number) {
  const h = startLine(
    lineYaml({
      axes: simAxis('a') + simAxis('b'),
      faults: `    - { axis: a, atMs: 1000, clearAtMs: ${1000 + silentMs}, fault: { kind: silent } }\n`,
    }),
  );
  await h.runUntil(() => h.clock.now() >= 1005);
  await h.stop();
  return {
    holds: h.eventsOf('hold').filter((e) => e.cause === 'shutdown'),
    holdRequests: h.requestsOf('a', 'hold').filter((r) => r.atMs >= 1005),
  };
}

describe('the shutdown hold', () => {
  it('is sent again after a missed answer, until the drive confirms it', async () => {
    // Two holds go unanswered (20 ms deadline each); the third, at 1045 ms, finds the drive answering.
    const { holds, holdRequests } = await stopWhileSilent(44);
    expect(holds).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ axis: 'a', acknowledged: true }),
        expect.objectContaining({ axis: 'b', acknowledged: true }),
      ]),
    );
    expect(holdRequests.map((r) => r.outcome)).toEqual(['lost', 'lost', 'applied']);
  });

  it('gives up after as many tries as the breaker gives a drive, and says so', async () => {
    const { holds, holdRequests } = await stopWhileSilent(500);
    expect(holds.find((e) => e.axis === 'a')).toMatchObject({
      acknowledged: false,
      detail: expect.stringMatching(/attempt 3 of 3/),
    });
    expect(holdRequests).toHaveLength(3);
  });
});
