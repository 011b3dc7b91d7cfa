import { mkdtempSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';

/**
 * A fresh empty folder under the OS's temp dir (named `<prefix>XXXXXX`) for each test of the
 * describe block that calls this, removed with all it holds after the test. The returned function
 * gives the folder's path; call it inside a test or a hook registered after this call (an afterEach
 * registered later runs before the folder is removed).
 */
export function tempDirEach(prefix: string): () => string {
  let dir: string | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });
  return () => {
    if (dir === undefined) throw new Error('tempDirEach: the folder exists only while a test runs');
    return dir;
  };
}

/**
 * Writes `lines`, joined by newlines, to `name` in a fresh folder under the OS's temp dir (named
 * `<prefix>XXXXXX`, left for the OS to clear, as these tests' other one-off files are); returns the
 * file's path.
 */
export function writeTempFile(prefix: string, name: string, lines: readonly string[]): string {
  const path = join(mkdtempSync(join(tmpdir(), prefix)), name);
  writeFileSync(path, lines.join('\n'));
  return path;
}
