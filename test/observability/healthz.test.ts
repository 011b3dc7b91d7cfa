import { afterEach, describe, expect, it } from 'vitest';
import { HealthMonitor, observeLine, type HealthReport, type ObservedLine } from '../../src/observability/index.ts';
import { lineYaml, simAxis, startLine, type LineHarness } from '../support/line-harness.ts';
import { httpGet } from './support/scrape.ts';

const opened: ObservedLine[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.close()));
});

/**
 * A line on the virtual clock with /healthz on a stub real-time clock: the test moves each on its
 * own, so "virtual time stands still while real time goes on" is a stalled cycle.
 */
async function served(
  yaml: string,
): Promise<{ h: LineHarness; health: () => Promise<{ status: number; report: HealthReport }>; setRealMs: (ms: number) => void }> {
  const h = startLine(yaml);
  let realMs = 0;
  const observed = await observeLine({
    config: { host: '127.0.0.1', port: 0 },
    periodMs: 10,
    supervisor: h.line.supervisor,
    buses: [],
    journal: undefined,
    version: '0.0.0-test',
    healthClock: { now: () => realMs },
  });
  opened.push(observed);
  const health = async () => {
    const answer = await httpGet(observed.healthUrl);
    expect(answer.contentType).toBe('application/json');
    return { status: answer.status, report: JSON.parse(answer.body) as HealthReport };
  };
  return { h, health, setRealMs: (ms) => (realMs = ms) };
}

describe('/healthz', () => {
  it('is 503 before the first cycle, 200 while cycles keep coming, 503 with the reason when they stall', async () => {
    const { h, health, setRealMs } = await served(lineYaml({ axes: simAxis('a') }));
    await expect(health()).resolves.toMatchObject({
      status: 503,
      report: { status: 'unhealthy', reason: 'no supervision cycle has completed yet', lastCycleAgeMs: null },
    });
    await h.clock.advanceBy(100);
    await expect(health()).resolves.toEqual({
      status: 200,
      report: {
        status: 'ok',
        lastCycleAgeMs: 0,
        maxCycleAgeMs: 1000,
        axes: 1,
        trippedAxes: 0,
        latchedAxes: 0,
        stalls: 0,
        longestStallMs: 0,
      },
    });
    setRealMs(1000);
    await expect(health()).resolves.toMatchObject({ status: 200, report: { lastCycleAgeMs: 1000 } });
    setRealMs(1500);
    await expect(health()).resolves.toMatchObject({
      status: 503,
      report: { status: 'unhealthy', reason: 'no supervision cycle for 1500 ms (limit 1000 ms)', lastCycleAgeMs: 1500 },
    });
    await h.clock.advanceBy(20);
    await expect(health()).resolves.toMatchObject({ status: 200, report: { status: 'ok', lastCycleAgeMs: 0 } });
    await h.stop();
  });

  it('stays 200 with a tripped axis, and counts it', async () => {
    const job = '  - { id: ja, axis: a, moves: [{ positionMm: 500, speedMmPerS: 300 }] }\n';
    const { h, health } = await served(
      lineYaml({ axes: simAxis('a') + simAxis('b'), jobs: job, faults: '    - { axis: a, atMs: 300, fault: { kind: jam } }\n' }),
    );
    await h.runUntil(() => h.eventsOf('trip').length > 0);
    await expect(health()).resolves.toMatchObject({ status: 200, report: { status: 'ok', axes: 2, trippedAxes: 1, latchedAxes: 1 } });
    await h.stop();
  });

  it('is 503 once the supervisor is stopping', async () => {
    const { h, health } = await served(lineYaml({ axes: simAxis('a') }));
    await h.clock.advanceBy(100);
    const stopping = h.stop();
    await expect(health()).resolves.toMatchObject({ status: 503, report: { reason: 'the supervisor is stopping' } });
    await stopping;
  });

  it('allows five periods of lag when they are longer than a second', async () => {
    const h = startLine(lineYaml({ axes: simAxis('a') }));
    const monitors = [10, 400].map((periodMs) => new HealthMonitor(h.line.supervisor, periodMs, { now: () => 0 }));
    expect(monitors.map((m) => m.maxCycleAgeMs)).toEqual([1000, 2000]);
    for (const m of monitors) m.dispose();
    await h.stop();
  });
});
