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
