import { describe, expect, it } from 'vitest';
import { lineYaml, simAxis } from '../support/line-harness.ts';
import { allViolations } from './support/invariants.ts';
import { fault, job, startMatrixLine, type MatrixLine } from './support/matrix-line.ts';

/** a carries a long job and takes the fault; b and c carry jobs that must finish regardless. */
function faultyLine(spec: string, atMs: number, clearAtMs: number): MatrixLine {
  return startMatrixLine(
    lineYaml({
      axes: simAxis('a') + simAxis('b') + simAxis('c'),
      jobs: job('ja', 'a', [500, 0, 500], 150) + job('jb', 'b', [300, 100, 400], 150) + job('jc', 'c', [200, 500, 0], 150),
      faults: fault('a', atMs, spec, clearAtMs),
    }),
  );
}

const snapshotOf = (h: MatrixLine, axis: string) => h.line.supervisor.snapshot().find((s) => s.id === axis)!;

async function neighboursFinish(h: MatrixLine): Promise<void> {
  await h.runUntil(() => ['jb', 'jc'].every((id) => h.line.supervisor.jobs().find((j) => j.id === id)?.status === 'done'), 30_000);
  expect(h.eventsOf('job_done').map((e) => e.job)).toEqual(expect.arrayContaining(['jb', 'jc']));
  expect(h.eventsOf('trip').filter((t) => t.axis !== 'a')).toEqual([]);
}

describe('fault matrix, one fault on one axis, in virtual time', () => {
  const commFaults = [
    { name: 'silent drive', spec: '{ kind: silent }', reasons: ['consecutive_failures'] },
    { name: 'slow drive (answers after the 20 ms deadline)', spec: '{ kind: slow, latencyMs: 50 }', reasons: ['consecutive_failures'] },
    { name: 'intermittent dropout', spec: '{ kind: dropout, probability: 0.5 }', reasons: ['consecutive_failures', 'failure_ratio'] },
  ];
  for (const { name, spec, reasons } of commFaults) {
    it(`${name}: trips and holds a, the neighbours finish, and the breaker recovers by itself once the fault clears`, async () => {
      const h = faultyLine(spec, 1000, 2500);
      await neighboursFinish(h);
      const trip = h.eventsOf('trip').find((t) => t.axis === 'a');
      expect(trip).toBeDefined();
      expect(reasons).toContain(trip!.reason);
      await h.runUntil(
        () => h.clock.now() > 2500 && snapshotOf(h, 'a').state === 'Standstill' && snapshotOf(h, 'a').breaker === 'closed',
        30_000,
      );
      expect(snapshotOf(h, 'a')).toMatchObject({ state: 'Standstill', breaker: 'closed', latched: undefined });
      expect(h.eventsOf('resync').filter((e) => e.axis === 'a' && e.atMs > 2500).length).toBeGreaterThan(0);
      await h.stop();
      expect(await allViolations(h)).toEqual([]);
    });
  }

  const latchedFaults = [
    { name: 'drive alarm', spec: '{ kind: alarm, code: 9 }', reason: 'alarm' },
    { name: 'jammed axis', spec: '{ kind: jam }', reason: 'following_error' },
  ];
  for (const { name, spec, reason } of latchedFaults) {
    it(`${name}: trips and holds a, the neighbours finish, and a stays latched after the fault clears until a technician resets it`, async () => {
      const h = faultyLine(spec, 1000, 2000);
      await neighboursFinish(h);
      expect(
        h
          .eventsOf('trip')
          .filter((t) => t.axis === 'a')
          .map((t) => t.reason),
      ).toEqual([reason]);
      await h.runUntil(() => h.clock.now() >= 4000);
      expect(snapshotOf(h, 'a')).toMatchObject({ state: 'ErrorStop', latched: expect.any(String) });
      const reset = h.line.supervisor.operator.reset('a', 'technician');
      let settled = false;
      void reset.finally(() => (settled = true));
      await h.runUntil(() => settled);
      await reset;
      expect(snapshotOf(h, 'a')).toMatchObject({ state: 'Standstill', breaker: 'closed', latched: undefined });
      await h.stop();
      expect(await allViolations(h)).toEqual([]);
    });
  }

  it('several faults at once on different axes: each faulty axis trips, the healthy one finishes, every invariant holds', async () => {
    const h = startMatrixLine(
      lineYaml({
        axes: simAxis('a') + simAxis('b') + simAxis('c') + simAxis('d'),
        jobs:
          job('ja', 'a', [500, 0], 150) +
          job('jb', 'b', [500, 0], 150) +
          job('jc', 'c', [500, 0], 150) +
          job('jd', 'd', [300, 100, 400], 150),
        faults: fault('a', 800, '{ kind: silent }', 2000) + fault('b', 850, '{ kind: jam }') + fault('c', 900, '{ kind: alarm, code: 3 }'),
      }),
    );
    await h.runToEnd(30_000);
    expect(h.eventsOf('job_done').map((e) => e.job)).toContain('jd');
    expect(new Map(h.eventsOf('trip').map((t) => [t.axis, t.reason]))).toEqual(
      new Map([
        ['a', 'consecutive_failures'],
        ['b', 'following_error'],
        ['c', 'alarm'],
      ]),
    );
    expect(await allViolations(h)).toEqual([]);
  });
});
