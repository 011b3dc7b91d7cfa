import { describe, expect, it } from 'vitest';
import { profileTimeMs } from '../../src/bench-test/bench-plan.ts';
import { writeBenchFiles } from '../../src/bench-test/bench-report.ts';
import { benchDemo, MOTION_OPS, xmlProblems } from './support/bench-harness.ts';

// pickA of the demo line: travel [0, 600] mm, 400 mm/s, 2000 mm/s², starts at 0 mm, the simulator's
// default servo lag of 15 ms, polled every 10 ms. Default profile: 3 × (0 -> 10 -> 0 mm) at 100 mm/s.
const TRACKING_LAG_S = 0.015;
const PERIOD_MS = 10;

describe('axisguard bench on a simulated axis', () => {
  it('runs the default profile on pickA and reports plausible settling, following error and timing', async () => {
    const run = await benchDemo();
    expect(run.code).toBe(0);
    const doc = run.document();
    expect(doc.outcome).toEqual({ result: 'completed' });
    expect(doc.plan).toMatchObject({ fromMm: 0, toMm: 10, speedMmPerS: 100, cycles: 3, moves: 6 });
    const { summary } = doc;
    expect(summary.moves).toHaveLength(6);
    // Settling: not before the profile ends, and within the profile plus ten servo lags and two polls.
    const profileMs = profileTimeMs(10, 100, 2000);
    for (const move of summary.moves) {
      expect(move.settlingTimeMs).toBeGreaterThanOrEqual(profileMs);
      expect(move.settlingTimeMs).toBeLessThanOrEqual(profileMs + 10 * TRACKING_LAG_S * 1000 + 2 * PERIOD_MS);
      expect(move.overshootMm).toBeLessThan(0.05);
      // A first-order lag behind a ramp at 100 mm/s: about speed × lag = 1.5 mm.
      expect(move.maxFollowingErrorMm).toBeGreaterThan(0.5 * 100 * TRACKING_LAG_S);
      expect(move.maxFollowingErrorMm).toBeLessThan(1.5 * 100 * TRACKING_LAG_S);
      expect(move.rmsFollowingErrorMm).toBeGreaterThan(0);
      expect(move.rmsFollowingErrorMm).toBeLessThan(move.maxFollowingErrorMm);
    }
    expect(summary.missedDeadlines).toBe(0);
    expect(summary.readStatusLatency).toMatchObject({ p50Ms: 1, p99Ms: 1, maxMs: 1 });
    const expectedSamples = summary.durationMs / PERIOD_MS;
    expect(Math.abs(summary.samples - expectedSamples)).toBeLessThanOrEqual(0.05 * expectedSamples + 3);
    expect(doc.samples).toHaveLength(summary.samples);
    expect(doc.samples[0]).toEqual({ tMs: expect.any(Number), commandedMm: 0, actualMm: 0, followingErrorMm: 0, targetMm: 0 });
    expect(run.out).toContain('completed: 6 of 6 moves');
    expect(run.out).toMatch(/readStatus round trip: p50 1\.00 ms, p99 1\.00 ms, max 1\.00 ms/);
    expect(run.out).toContain('missed deadlines:  0');
  });

  it('writes an SVG that is well-formed XML with two position traces, the error trace and labelled axes', async () => {
    const svg = (await benchDemo()).svg();
    expect(xmlProblems(svg)).toEqual([]);
    expect(xmlProblems(svg.replace('</text>', ''))).not.toEqual([]); // the check itself can fail
    expect(svg).toMatch(
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* width="1000" height="500"/,
    );
    const polylines = [...svg.matchAll(/<polyline [^>]*points="([^"]*)"/g)].map((m) => m[1]!.split(' ').length);
    expect(polylines.length).toBeGreaterThanOrEqual(2);
    expect(new Set(polylines).size).toBe(1);
    for (const label of ['position (mm)', 'following error (mm)', 'time (s)', 'commanded (profile setpoint)', 'actual'])
      expect(svg).toContain(`>${label}</text>`);
  });

  it('never jumps: power-up holds, enables and re-targets to where the axis stands before the first move', async () => {
    const run = await benchDemo({ request: { cycles: 1 } });
    const ops = run.requests.filter((r) => r.line === 1 && r.request.op !== 'readStatus').map((r) => r.request);
    expect(ops.slice(0, 4)).toEqual([
      { op: 'hold' },
      { op: 'enable' },
      { op: 'moveTo', targetMm: 0, speedMmPerS: 40 },
      { op: 'moveTo', targetMm: 10, speedMmPerS: 100 },
    ]);
  });

  it('builds only the tested axis: no other axis of the line is enabled or polled', async () => {
    const run = await benchDemo({ request: { cycles: 1 } });
    expect(run.lines.map((line) => [...line.simulators.keys()])).toEqual([['pickA'], ['pickA']]);
    expect(new Set(run.requests.map((r) => r.axis))).toEqual(new Set(['pickA']));
  });

  it('refuses a stroke beyond the travel, naming the limit, and sends no motion', async () => {
    const run = await benchDemo({ request: { distanceMm: 700 } });
    expect(run.code).toBe(2);
    expect(run.err).toContain("target 700 mm (0 mm + 700 mm) is above the axis's maxMm 600 mm");
    expect(run.requests.filter((r) => MOTION_OPS.has(r.request.op))).toEqual([]);
    expect(run.lines).toHaveLength(1);
  });

  it('refuses a speed above the axis maximum, naming it', async () => {
    const run = await benchDemo({ request: { speedMmPerS: 401 } });
    expect(run.code).toBe(2);
    expect(run.err).toContain("speed 401 mm/s exceeds the axis's maxSpeedMmPerS 400 mm/s");
    expect(run.requests.filter((r) => MOTION_OPS.has(r.request.op))).toEqual([]);
  });

  it('refuses without a terminal to confirm on (exit 2), and on any answer but yes', async () => {
    const piped = await benchDemo({ assumeYes: false });
    expect(piped.code).toBe(2);
    expect(piped.err).toContain('stdin is not a terminal, so nobody can confirm; pass --yes');
    const declined = await benchDemo({ assumeYes: false, answer: 'y' });
    expect(declined.code).toBe(2);
    expect(declined.err).toContain('not confirmed');
    for (const run of [piped, declined]) expect(run.requests.filter((r) => MOTION_OPS.has(r.request.op))).toEqual([]);
    expect((await benchDemo({ assumeYes: false, answer: 'yes', request: { cycles: 1 } })).code).toBe(0);
  });

  it('stops on a jam mid-test with a hold, reports "stopped: following error" and exits 1', async () => {
    let jammedAtMs = Number.NaN;
    const run = await benchDemo({
      request: { cycles: 5 },
      onLine: (line, index, clock) => {
        if (index !== 1) return;
        clock.setTimer(() => {
          jammedAtMs = clock.now();
          line.simulators.get('pickA')!.injectFault({ kind: 'jam' });
          // Mid-test: 500 ms after the line's warm-up (cycle.warmupMs, 1 s by default) powered the axis.
        }, 1500);
      },
    });
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/^stopped: following error [\d.]+ mm beyond its [\d.]+ mm window for \d+ ms$/m);
    expect(run.out).toContain('axis held (confirmed by the drive)');
    const afterJam = run.requests
      .filter((r) => r.line === 1 && r.atMs >= jammedAtMs && r.request.op !== 'readStatus')
      .map((r) => r.request.op);
    expect(afterJam[0]).toBe('hold');
    expect(afterJam).not.toContain('moveTo');
    const doc = run.document();
    expect(doc.outcome).toMatchObject({ result: 'stopped', reason: expect.stringMatching(/^following error /) });
    expect(doc.events.find((e) => e.type === 'trip')).toMatchObject({ axis: 'pickA', reason: 'following_error' });
    expect(doc.summary.moves.length).toBeLessThan(doc.summary.movesPlanned);
    expect(doc.summary.moves.at(-1)!.settlingTimeMs).toBeNull();
  });

  it('stops on missed deadlines (a drive gone silent), counts them and says the hold was not confirmed', async () => {
    const run = await benchDemo({
      request: { cycles: 5 },
      onLine: (line, index, clock) => {
        if (index === 1) clock.setTimer(() => line.simulators.get('pickA')!.injectFault({ kind: 'silent' }), 500);
      },
    });
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/^stopped: missed deadlines \/ comm errors in a row: /m);
    expect(run.out).toMatch(/^hold NOT confirmed: /m);
    const doc = run.document();
    expect(doc.summary.missedDeadlines).toBeGreaterThanOrEqual(3);
    expect(doc.events.find((e) => e.type === 'trip')).toMatchObject({ reason: 'consecutive_failures' });
  });

  it('holds the axis and ends cleanly when interrupted mid-test', async () => {
    let interruptedAtMs = Number.NaN;
    const run = await benchDemo({
      request: { cycles: 5 },
      onLine: (_line, index, clock, interrupt) => {
        if (index !== 1) return;
        clock.setTimer(() => {
          interruptedAtMs = clock.now();
          interrupt('SIGINT received');
        }, 300);
      },
    });
    expect(run.code).toBe(1);
    expect(run.out).toContain('stopped: SIGINT received');
    const afterInterrupt = run.requests
      .filter((r) => r.line === 1 && r.atMs >= interruptedAtMs && r.request.op !== 'readStatus')
      .map((r) => r.request.op);
    expect(afterInterrupt).toEqual(['hold']);
    expect(run.document().hold).toEqual({ confirmed: true });
  });

  it('numbers its files and never overwrites an earlier run', async () => {
    const first = await benchDemo({ request: { cycles: 1 } });
    const again = writeBenchFiles(first.dir, 'pickA', first.document(), first.svg());
    expect(again.json).toMatch(/bench-pickA-2\.json$/);
    expect(again.svg).toMatch(/bench-pickA-2\.svg$/);
  });
});
