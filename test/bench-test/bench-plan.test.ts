import { describe, expect, it } from 'vitest';
import { isBenchRefusedError, planBench, profileTimeMs } from '../../src/bench-test/bench-plan.ts';
import { parseConfig, type AxisConfig } from '../../src/config/index.ts';

const axis = (limits = '{ minMm: 0, maxMm: 600, maxSpeedMmPerS: 400, maxAccelMmPerS2: 2000 }'): AxisConfig =>
  parseConfig(`axes:\n  - { id: x, driver: { type: simulated }, limits: ${limits} }\n`, 'test.yaml').axes[0]!;

/** The refusal message of `plan()`, or a failure when it is not refused. */
function refusal(plan: () => unknown): string {
  try {
    plan();
  } catch (error) {
    if (isBenchRefusedError(error)) return error.message;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('bench plan', () => {
  it('defaults to 3 out-and-back cycles of 10 mm toward the side with more room, at 25 % of max speed', () => {
    const plan = planBench(axis(), 500, {});
    expect(plan).toMatchObject({ fromMm: 500, toMm: 490, speedMmPerS: 100, cycles: 3 });
    expect(plan.moves.map((m) => m.positionMm)).toEqual([490, 500, 490, 500, 490, 500]);
    expect(planBench(axis(), 0, {}).toMm).toBe(10);
  });

  it('keeps the default stroke to 10 % of a short travel, so it always fits', () => {
    const plan = planBench(axis('{ minMm: 0, maxMm: 40, maxSpeedMmPerS: 100, maxAccelMmPerS2: 500 }'), 40, {});
    expect(plan.toMm).toBe(36);
  });

  it('refuses an explicit stroke beyond either end of the travel, naming the limit', () => {
    expect(refusal(() => planBench(axis(), 595, { distanceMm: 10 }))).toBe(
      "target 605 mm (595 mm + 10 mm) is above the axis's maxMm 600 mm; the travel of 'x' is [0, 600] mm",
    );
    expect(refusal(() => planBench(axis(), 5, { distanceMm: -10 }))).toBe(
      "target -5 mm (5 mm - 10 mm) is below the axis's minMm 0 mm; the travel of 'x' is [0, 600] mm",
    );
  });

  it('refuses a speed above the axis maximum and an axis standing outside its travel', () => {
    expect(refusal(() => planBench(axis(), 100, { speedMmPerS: 500 }))).toContain("exceeds the axis's maxSpeedMmPerS 400 mm/s");
    expect(refusal(() => planBench(axis(), -2, {}))).toContain("'x' is at -2 mm, below its minMm 0 mm");
    expect(refusal(() => planBench(axis(), 601, {}))).toContain("'x' is at 601 mm, above its maxMm 600 mm");
  });

  it('estimates a trapezoid, or a triangle when the stroke is too short to reach the speed', () => {
    expect(profileTimeMs(10, 100, 2000)).toBeCloseTo(150, 6); // 0.1 s cruise-equivalent + 0.05 s ramps
    expect(profileTimeMs(1, 100, 2000)).toBeCloseTo(2 * Math.sqrt(1 / 2000) * 1000, 6);
    expect(planBench(axis(), 0, {}).estimatedMs).toBe(6 * (150 + 100));
  });
});
