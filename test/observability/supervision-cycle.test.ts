import { describe, expect, it } from 'vitest';
import type { CycleReport } from '../../src/supervisor/supervisor.ts';
import { lineYaml, simAxis, startLine } from '../support/line-harness.ts';

const LIMITS = '{ minMm: 0, maxMm: 600, maxSpeedMmPerS: 400, maxAccelMmPerS2: 2000 }';

describe('Supervisor.onCycle', () => {
  it('reports each tick once its axis tasks have settled, with the time they took', async () => {
    const h = startLine(lineYaml({ axes: simAxis('a') + simAxis('b') }));
    const reports: CycleReport[] = [];
    h.line.supervisor.onCycle((r) => reports.push(r));
    await h.clock.advanceTo(200);
    // Ticks 10..190 ms; the tick at 200 ms settles at 201 ms, after this point.
    expect(reports.map((r) => r.tickAtMs)).toEqual(Array.from({ length: 19 }, (_, i) => (i + 1) * 10));
    // Once both axes are up, every tick polls both: one status read of 1 ms each, side by side.
    expect(reports.at(-1)).toEqual({ tickAtMs: 190, durationMs: 1, tasks: 2 });
    await h.stop();
  });

  it('counts only the tasks a tick started: an axis still busy from an earlier tick is skipped, and served once free', async () => {
    const slow = `  - id: slow\n    driver: { type: simulated, latencyMs: 15 }\n    limits: ${LIMITS}\n    timeoutMs: 40\n`;
    const h = startLine(lineYaml({ axes: slow }));
    const reports: CycleReport[] = [];
    h.line.supervisor.onCycle((r) => reports.push(r));
    await h.clock.advanceTo(400);
    const late = reports.filter((r) => r.tickAtMs > 200);
    expect(late.filter((r) => r.tasks === 1).every((r) => r.durationMs >= 15)).toBe(true);
    expect(late.filter((r) => r.tasks === 0).every((r) => r.durationMs === 0)).toBe(true);
    expect(late.some((r) => r.tasks === 0)).toBe(true);
    // The skipped tick's task runs as soon as the axis is free: one read every 15 ms, not every other tick.
    const reads = h.requestsOf('slow', 'readStatus').filter((r) => r.atMs > 200 && r.atMs <= 400);
    expect(reads.length).toBeGreaterThanOrEqual(Math.floor(200 / 15) - 1);
    await h.stop();
  });

  it('reports no tick after stop', async () => {
    const h = startLine(lineYaml({ axes: simAxis('a') }));
    const reports: CycleReport[] = [];
    h.line.supervisor.onCycle((r) => reports.push(r));
    await h.clock.advanceTo(100);
    expect(h.line.supervisor.isStopping()).toBe(false);
    await h.stop();
    expect(h.line.supervisor.isStopping()).toBe(true);
    const stoppedAt = h.clock.now();
    await h.clock.advanceBy(500);
    expect(reports.filter((r) => r.tickAtMs > stoppedAt)).toEqual([]);
  });
});
