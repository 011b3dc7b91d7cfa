import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_INCOMPLETE } from '../../src/cli/exit-codes.ts';
import { readJournal } from '../../src/journal/index.ts';
import { asPrinted } from '../support/journal-story.ts';
import { runAxisguard } from '../support/spawn-run.ts';
import { writeTempFile } from '../support/temp-dir.ts';

/** Runs the real CLI in a child process; `onStdout` may act on output as it arrives (e.g. send a signal). */
const axisguard = (args: string[], onStdout?: (soFar: string, child: ChildProcess) => void) => runAxisguard(args, {}, onStdout).finished;

const jsonLines = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { type: string; atMs: number; [k: string]: unknown });

describe('axisguard run', () => {
  it('runs the demo line in virtual time and prints the story as JSON events', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'axisguard-cli-'));
    const journalPath = join(dir, 'journal.jsonl');
    const run = await axisguard(['run', '--virtual', '--json', '--journal', journalPath]);
    expect(run.code).toBe(0);
    const events = jsonLines(run.stdout);
    const types = new Set(events.map((e) => e.type));
    for (const type of ['config_load', 'start', 'trip', 'hold', 'transfer', 'job_done', 'stop']) expect(types).toContain(type);
    expect(events.find((e) => e.type === 'trip')).toMatchObject({ axis: 'pickA', reason: 'following_error' });
    expect(events.filter((e) => e.type === 'stop').at(-1)).toMatchObject({ reason: 'every job is done or parked' });
    expect(events.at(-1)).toMatchObject({ type: 'run_end', exitCode: 0 });
    const journal = await readJournal(journalPath);
    expect(journal.invalidLines).toEqual([]);
    // The journal holds the same story, each record with its wall-clock time, plus the line-state checkpoint.
    expect(journal.events.every((e) => typeof e.time === 'string' && !Number.isNaN(Date.parse(e.time)))).toBe(true);
    expect(journal.events.filter((e) => e.type === 'line_state')).toHaveLength(1);
    expect(asPrinted(journal.events)).toEqual(events);
  });

  it('refuses a bad config with exit code 2 and every wrong path', async () => {
    const path = writeTempFile('axisguard-cli-', 'bad.yaml', [
      'axes:',
      '  - id: a',
      '    driver: { type: simulated }',
      '    limits: { minMm: 0, maxMm: 100, maxSpeedMmPerS: 50, maxAccelMmPerS2: 100 }',
      '    fallback: a',
      '    timout: 5',
      'jobs:',
      '  - { id: j, axis: a, moves: [{ positionMm: 150, speedMmPerS: 10 }] }',
    ]);
    for (const extra of [[], ['--check-config']]) {
      const run = await axisguard(['run', path, ...extra]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('axes[0].fallback');
      expect(run.stderr).toContain('axes[0].timout');
      expect(run.stderr).toContain('jobs[0].moves[0].positionMm');
    }
  });

  it('validates a good config with --check-config and exits 0', async () => {
    const run = await axisguard(['run', '--check-config']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^config OK: .*demo-line\.yaml: line 'demo-line', 5 axes, 5 jobs/);
  });

  it('exits promptly on SIGTERM even when a long --duration is still running', async () => {
    let signalled = false;
    const started = performance.now();
    const run = await axisguard(['run', '--json', '--duration', '600'], (soFar, child) => {
      if (!signalled && soFar.includes('"type":"start"')) {
        signalled = true;
        child.kill('SIGTERM');
      }
    });
    // Stopped before its jobs were done: exit 3 (README, "Outcomes and exit codes").
    expect(run.code).toBe(EXIT_INCOMPLETE);
    // Not a timing target, a bound: without the fix the process waited the whole 600 s.
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it('holds every axis on SIGTERM, with the journal intact, and exits 3: its jobs were not done', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'axisguard-cli-'));
    const journalPath = join(dir, 'journal.jsonl');
    let signalled = false;
    const run = await axisguard(['run', '--json', '--journal', journalPath], (soFar, child) => {
      // Real time: wait until every axis is powered, then ask it to stop.
      if (!signalled && (soFar.match(/"type":"resync"/g) ?? []).length >= 5) {
        signalled = true;
        child.kill('SIGTERM');
      }
    });
    expect(run.code).toBe(EXIT_INCOMPLETE);
    const events = jsonLines(run.stdout);
    const shutdownHolds = events.filter((e) => e.type === 'hold' && e.cause === 'shutdown');
    expect(shutdownHolds.map((e) => e.axis).sort()).toEqual(['infeed', 'outfeed', 'pickA', 'pickB', 'press']);
    expect(shutdownHolds.every((e) => e.acknowledged === true)).toBe(true);
    expect(events.filter((e) => e.type === 'stop').at(-1)).toMatchObject({ reason: 'SIGTERM received' });
    expect((await readJournal(journalPath)).events.at(-1)).toMatchObject({
      type: 'run_end',
      reason: 'SIGTERM received',
      exitCode: EXIT_INCOMPLETE,
    });
  });
});
