import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_CONFIG_PATH } from '../../src/cli/run-command.ts';
import { jsonEvents, runAxisguard } from '../support/spawn-run.ts';

/**
 * Issue #11: the journal rotates by size, and a restart needs only its newest file: each new file
 * starts with the line-state checkpoint. The demo line, in virtual time, with a small journal.
 */
describe('a restart from a rotated journal', () => {
  it('each new file starts with the checkpoint; a restart after a cut-short run takes over its latch and moves nothing it began', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'axisguard-rotated-'));
    const journal = join(dir, 'journal.jsonl');
    const config = join(dir, 'line.yaml');
    writeFileSync(config, `${readFileSync(DEMO_CONFIG_PATH, 'utf8')}\njournal: { path: ${journal}, maxBytes: 65536, keepFiles: 2 }\n`);
    // Whole demo runs, each a new line state on purpose, until the journal has rotated; then one cut short (work interrupted).
    for (let run = 0; run < 10 && !existsSync(`${journal}.1`); run++)
      await runAxisguard(['run', config, '--virtual', '--json', '--fresh'], {}).finished;
    expect(existsSync(`${journal}.1`)).toBe(true);
    expect(JSON.parse(readFileSync(journal, 'utf8').split('\n')[0]!)).toMatchObject({ type: 'line_state', time: expect.any(String) });
    expect((await runAxisguard(['run', config, '--virtual', '--json', '--fresh', '--duration', '3'], {}).finished).code).toBe(3);

    const last = await runAxisguard(['run', config, '--virtual', '--json', '--duration', '1'], {}).finished;
    const restored = jsonEvents(last.stdout).find((e) => e.type === 'line_restored') as unknown as {
      latched: { axis: string }[];
      jobsDone: string[];
      jobsParked: { job: string }[];
      jobsInterrupted: { job: string }[];
    };
    // The demo's jam latches pickA within its first 3 s, and its jobs are parked or done by then or interrupted.
    expect(restored.latched.map((l) => l.axis)).toEqual(['pickA']);
    expect(restored.jobsDone.length + restored.jobsParked.length + restored.jobsInterrupted.length).toBeGreaterThan(0);
    // Nothing the first runs began runs again.
    const begun = new Set([...restored.jobsDone, ...restored.jobsParked.map((j) => j.job), ...restored.jobsInterrupted.map((j) => j.job)]);
    const moved = jsonEvents(last.stdout)
      .filter((e) => e.type === 'axis_state' && e.job !== undefined)
      .map((e) => (e.job as { id: string }).id);
    expect(moved.filter((job) => begun.has(job))).toEqual([]);
  });
});
