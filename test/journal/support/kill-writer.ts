import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const repoRoot = join(fixtures, '..', '..', '..');

/**
 * Runs test/journal/fixtures/`fixture` on the journal `path` in a child process, checks every 5 ms
 * (at most 15 s) until `ready()`, waits `beforeKillMs` more, then kills it with SIGKILL. Resolves to
 * the signal the child exited with; rejects, with the child's stderr, when it stops or never gets ready.
 */
export async function killWriterOnce(
  fixture: string,
  path: string,
  ready: () => boolean | Promise<boolean>,
  beforeKillMs = 0,
): Promise<NodeJS.Signals | null> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(fixtures, fixture), path], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  try {
    for (let waitedMs = 0; !(await ready()); waitedMs += 5) {
      if (child.exitCode !== null || waitedMs > 15_000) throw new Error(`the writer did not get going: ${stderr}`);
      await sleep(5);
    }
    await sleep(beforeKillMs);
  } finally {
    child.kill('SIGKILL');
  }
  return exited;
}
