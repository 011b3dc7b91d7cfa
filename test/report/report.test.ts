import { spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readReport } from '../../src/report/read-report.ts';
import type { IncidentReport } from '../../src/report/incident-report.ts';
import { fault, job, startMatrixLine } from '../fault-matrix/support/matrix-line.ts';
import { lineYaml, simAxis } from '../support/line-harness.ts';
import { BIN, runSupervisor } from '../support/supervisor-process.ts';
import { tempDirEach } from '../support/temp-dir.ts';

const DEMO = fileURLToPath(new URL('../../examples/demo-line.yaml', import.meta.url));
const report = (...args: string[]) => spawnSync(process.execPath, [BIN, 'report', ...args], { encoding: 'utf8' });

/**
 * Issue #14: `axisguard report` on a real journal: the demo line's run (a jam that latches, a drive
 * deaf for 0.8 s) and a second run killed with SIGKILL, with a corrupt line between them.
 */
describe('axisguard report', { timeout: 60_000 }, () => {
  const dir = tempDirEach('axisguard-report-');

  it('names every trip with its times, where its jobs went, when the axis was back, and what is still open', async () => {
    const journal = join(dir(), 'journal.jsonl');
    const first = runSupervisor(DEMO, ['--virtual', '--journal', journal]);
    expect(await first.exit).toBe(0);
    appendFileSync(journal, '{"type":"trip","atMs":12,"axis":"pickA","rea\n');
    const second = runSupervisor(DEMO, ['--virtual', '--journal', journal, '--fresh', '--until', 'never'], (event, run) => {
      if (event.type === 'trip') run.child.kill('SIGKILL');
    });
    expect(await second.exit).toBe('SIGKILL');

    const md = report(journal);
    expect(md.status, md.stderr).toBe(0);
    const text = md.stdout;
    expect(text).toMatch(/^# axisguard incident report\n\n2 runs\./);
    // Run 1: both trips, each with its wall time, time to hold, jobs and recovery.
    expect(text).toMatch(
      /\| \d{4}-\d\d-\d\dT[\d:.]+Z \| pickA \| following_error \(latched\) \| \d+ ms, confirmed \| pick-a -> pickB from move \d \| \*\*not yet: latched\*\* \|/,
    );
    expect(text).toMatch(
      /\| \d{4}-\d\d-\d\dT[\d:.]+Z \| outfeed \| consecutive_failures \| \d+ ms, confirmed [\d.]+ (ms|s) after the trip \| out-1 -> infeed from move \d \| [\d.]+ (ms|s) \(/,
    );
    expect(text).toContain('- Ended: every job is done or parked, exit code 0.');
    expect(text).toMatch(
      /- pickA latched in ErrorStop after following_error \(.*\)\. Next: inspect the mechanics of pickA .*then `reset pickA` on the console\./,
    );
    expect(text).toMatch(/Mean time from trip to back, per axis: outfeed [\d.]+ (ms|s)\./);
    // Run 2, killed: never mistaken for a run that ended.
    expect(text).toContain('- Ended: no closing record: the process was killed, crashed or lost power.');
    expect(text).toContain('- the run ended without its closing record (killed, crashed or power lost). Next: the next start restores');
    // The corrupt line: skipped and named.
    expect(text).toMatch(/## Journal lines skipped\n\n- .*journal\.jsonl:\d+: /);

    const json = JSON.parse(report(journal, '--format', 'json').stdout) as { runs: { incidents: { axis: string; reason: string }[] }[] };
    expect(json.runs[0]!.incidents.map((i) => `${i.axis} ${i.reason}`)).toEqual(['pickA following_error', 'outfeed consecutive_failures']);
    const html = report(journal, '--format', 'html').stdout;
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).toContain('trip following_error');
    expect(report(journal, '--since', '2999-01-01T00:00:00Z').stdout).toContain('No runs in this journal (for this period).');
  });

  it("on the fault matrix's journals, names every trip of every single fault with its times, and the latched ones as open", async () => {
    const faults = [
      '{ kind: silent }',
      '{ kind: slow, latencyMs: 50 }',
      '{ kind: dropout, probability: 0.5 }',
      '{ kind: jam }',
      '{ kind: alarm, code: 7 }',
    ];
    for (const spec of faults) {
      const h = startMatrixLine(
        lineYaml({
          axes: simAxis('a') + simAxis('b'),
          jobs: job('ja', 'a', [500, 0, 500], 150) + job('jb', 'b', [300, 100, 400], 150),
          faults: fault('a', 1500, spec, 4000),
        }),
      );
      await h.runToEnd();
      const trips = h.eventsOf('trip');
      expect(trips.length, spec).toBeGreaterThan(0);
      const report = JSON.parse(await readReport(h.journalPath, 'json')) as { runs: IncidentReport['runs'] };
      const incidents = report.runs.flatMap((r) => r.incidents);
      expect(
        incidents.map((i) => `${i.axis} ${i.reason} ${i.atMs}`),
        spec,
      ).toEqual(trips.map((t) => `${t.axis} ${t.reason} ${t.atMs}`));
      for (const incident of incidents) expect(incident.toHoldMs, spec).toBeGreaterThanOrEqual(0);
      const open = report.runs.flatMap((r) => r.open.map((o) => o.what));
      for (const t of trips.filter((t) => t.latched))
        expect(
          open.some((w) => w.startsWith(`${t.axis} latched in ErrorStop after ${t.reason}`)),
          spec,
        ).toBe(true);
    }
  });

  it('refuses a --since that is not a time, and a journal that is not there, naming each', () => {
    const bad = report(join(dir(), 'journal.jsonl'), '--since', 'yesterday');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--since 'yesterday' is not a time; give ISO 8601/);
    const missing = report(join(dir(), 'nope.jsonl'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/no journal at .*nope\.jsonl/);
  });
});
