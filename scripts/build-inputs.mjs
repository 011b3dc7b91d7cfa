// The inputs of `npm run build`, shared by scripts/build.mjs (which records them in dist/.build-stamp)
// and bin/axisguard.js (which runs dist/ only while they are unchanged). Loaded at every start: keep it small.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Written last by the build (a failed build has none); its content is lockDigest() at build time. */
export const STAMP = 'dist/.build-stamp';

/**
 * Our sources (and tsconfig.json, which esbuild reads too), compared by modification time with the
 * stamp's: a checkout or an edit writes them anew. (The assets, examples/ and hardware/profiles/, are
 * not inputs: the bundle reads them where they are.)
 */
const SOURCES = ['src', 'drivers', 'protocols', 'sim', 'tsconfig.json'];

/**
 * The dependencies bundled from node_modules, as package-lock.json pins them, compared by content: npm
 * rewrites an unchanged lock file (`npm prune --omit=dev` does), which must not make the build stale.
 * package.json itself is not an input: its scripts and version are not in the bundle, and a dependency
 * it names reaches the bundle only through an install, which updates the lock file.
 */
const LOCK_FILE = 'package-lock.json';

/** sha256 (hex) of package-lock.json in the package folder `root`, or 'none' without one (`npm pack` leaves it out). */
export function lockDigest(root) {
  let content;
  try {
    content = readFileSync(join(root, LOCK_FILE));
  } catch (error) {
    if (error.code === 'ENOENT') return 'none';
    throw error;
  }
  return createHash('sha256').update(content).digest('hex');
}

/** The files of a source (a file or a folder; none when it is missing, e.g. a trimmed release). */
function filesOf(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined) return [];
  if (!stat.isDirectory()) return [path];
  return readdirSync(path, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Whether a source in the package folder `root` was modified after `sinceMs`. Stats some 180 files: about 6 ms. */
export const sourceChangedSince = (root, sinceMs) =>
  SOURCES.some((source) => filesOf(join(root, source)).some((file) => (statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0) > sinceMs));
