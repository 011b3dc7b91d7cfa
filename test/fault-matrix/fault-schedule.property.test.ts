import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineYaml, simAxis } from '../support/line-harness.ts';
import { allViolations } from './support/invariants.ts';
import { fault, job, startMatrixLine } from './support/matrix-line.ts';

const AXES = ['a', 'b', 'c', 'd'] as const;

interface ScheduledFault {
  readonly axis: (typeof AXES)[number];
  readonly spec: string;
  readonly atMs: number;
  readonly clearAfterMs: number | undefined;
}

const specArb = fc.oneof(
  fc.constant('{ kind: silent }'),
  fc.integer({ min: 25, max: 200 }).map((ms) => `{ kind: slow, latencyMs: ${ms} }`),
  fc.double({ min: 0.1, max: 0.9, noNaN: true }).map((p) => `{ kind: dropout, probability: ${p.toFixed(2)} }`),
  fc.integer({ min: 1, max: 65535 }).map((code) => `{ kind: alarm, code: ${code} }`),
  fc.constant('{ kind: jam }'),
);

const faultArb: fc.Arbitrary<ScheduledFault> = fc.record({
  axis: fc.constantFrom(...AXES),
  spec: specArb,
  atMs: fc.integer({ min: 0, max: 3000 }),
  clearAfterMs: fc.option(fc.integer({ min: 10, max: 2000 }), { nil: undefined }),
});

describe('fault matrix property: random fault schedules on a 4-axis line', () => {
  it('never moves an axis whose breaker is not closed, holds every trip within one period, loses no journal line, and finishes the jobs of unfaulted axes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(faultArb, { minLength: 1, maxLength: 5 }), async (faults) => {
        const h = startMatrixLine(
          lineYaml({
            axes: AXES.map((id) => simAxis(id)).join(''),
            jobs: AXES.map((id, i) => job(`j${id}`, id, [400 - 50 * i, 50, 300], 200)).join(''),
            faults: faults
              .map((f) => fault(f.axis, f.atMs, f.spec, f.clearAfterMs === undefined ? undefined : f.atMs + f.clearAfterMs))
              .join(''),
          }),
        );
        await h.runToEnd(15_000);
        expect(await allViolations(h)).toEqual([]);
        const faulted = new Set(faults.map((f) => f.axis));
        const unfaultedJobs = h.line.supervisor.jobs().filter((j) => !faulted.has(j.axis as ScheduledFault['axis']));
        expect(unfaultedJobs.map((j) => [j.id, j.status])).toEqual(unfaultedJobs.map((j) => [j.id, 'done']));
      }),
      { numRuns: 80 },
    );
  }, 30_000);
});
