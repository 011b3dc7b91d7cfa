import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { readJournal } from '../../src/journal/index.ts';
import { lineFiles } from '../support/line-files.ts';
import { BIN } from '../support/supervisor-process.ts';

/** The process's exit code, or 'still running' after `boundMs` (then it is killed). */
function exitWithin(child: ReturnType<typeof spawn>, boundMs: number): Promise<number | null | 'still running'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve('still running');
    }, boundMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe('axisguard run whose output nobody reads any more (`| head`, a logger that died)', () => {
  it('supervises to its end and exits with its outcome; the broken pipe is no crash and never spins', async () => {
    const { config, journalPath } = lineFiles('axisguard-closed-output-', [
      'axes:',
      '  - id: a',
      '    driver: { type: simulated }',
      '    limits: { minMm: 0, maxMm: 100, maxSpeedMmPerS: 50, maxAccelMmPerS2: 500 }',
      'jobs:',
      '  - { id: j, axis: a, moves: [{ positionMm: 20, speedMmPerS: 40 }] }',
    ]);
    const child = spawn(process.execPath, [BIN, 'run', config, '--json', '--journal', journalPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Both readers go away before the run has written anything: every write of the run meets EPIPE.
    child.stdout.destroy();
    child.stderr.destroy();

    const code = await exitWithin(child, 30_000);

    const journal = (await readJournal(journalPath)).events;
    expect(journal.filter((e) => e.type === 'fatal')).toEqual([]);
    expect(journal.find((e) => e.type === 'job_done')).toMatchObject({ job: 'j' });
    expect(journal.at(-1)).toMatchObject({ type: 'run_end', exitCode: 0 });
    expect(code).toBe(0);
  }, 60_000);
});
