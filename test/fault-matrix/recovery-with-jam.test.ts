import { describe, expect, it } from 'vitest';
import { lineYaml, simAxis } from '../support/line-harness.ts';
import { allViolations } from './support/invariants.ts';
import { fault, job, startMatrixLine } from './support/matrix-line.ts';

// Found by fault-schedule.property.test.ts (counterexample: dropout 0.41 on b at 1801 ms cleared at
// 2502 ms, jam on b at 1928 ms never cleared). Shrunk here to a silent drive that also jams.
describe('fault matrix: a jam that outlasts a communication fault', () => {
  // Was a bug: the re-sync after the comm trip re-targeted the jammed drive, gave up after its settle
  // time, counted one ordinary failure and tried again, forever and silently. A recovering axis is
  // now judged (alarm, following error) before it is re-synced.
  it('reports the jam after the comm recovery: a following-error trip that latches the axis, instead of waiting in ErrorStop forever', async () => {
    const h = startMatrixLine(
      lineYaml({
        axes: simAxis('a') + simAxis('b'),
        jobs: job('ja', 'a', [500, 0], 200) + job('jb', 'b', [300, 100], 200),
        faults: fault('a', 1000, '{ kind: silent }', 1600) + fault('a', 1000, '{ kind: jam }'),
      }),
    );
    await h.runUntil(() => h.clock.now() >= 6000);
    const a = h.line.supervisor.snapshot().find((s) => s.id === 'a')!;
    await h.stop();
    expect(await allViolations(h)).toEqual([]);
    expect(
      h
        .eventsOf('trip')
        .filter((t) => t.axis === 'a')
        .map((t) => t.reason),
    ).toEqual(['consecutive_failures', 'following_error']);
    expect(a).toMatchObject({ state: 'ErrorStop', latched: expect.any(String) });
  });
});
