// The inputs of `npm run build`, shared by scripts/build.mjs (which records them in dist/.build-stamp)
// and bin/axisguard.js (which runs dist/ only while they are unchanged). Loaded at every start: keep it small.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Written last by the build (a failed build has none); its content is manifestsDigest() at build time. */
export const STAMP = 'dist/.build-stamp';

/** Our sources, compared by modification time with the stamp's: a checkout or an edit writes them anew. */
const SOURCE_DIRS = ['src', 'drivers', 'protocols', 'sim'];

/**
 * What pins the dependencies bundled from node_modules, compared by content: npm rewrites an unchanged
 * package-lock.json (`npm prune --omit=dev` does), which must not make the build stale. (The assets,
 * examples/ and hardware/profiles/, are not inputs: the bundle reads them where they are.)
 */
const MANIFESTS = ['package.json', 'package-lock.json'];

/** sha256 (hex) of the manifests in the package folder `root`; a missing one counts too, unlike an empty one. */
export function manifestsDigest(root) {
  const hash = createHash('sha256');
  for (const name of MANIFESTS) {
    let content;
    try {
      content = readFileSync(join(root, name));
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
    }
    hash.update(`${name} ${content === undefined ? 'missing' : content.length}\n`);
    if (content !== undefined) hash.update(content);
  }
  return hash.digest('hex');
}

/** The files of a source folder (none when it is missing, e.g. a trimmed release). */
function filesOf(path) {
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory() !== true) return [];
  return readdirSync(path, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Whether a source file in the package folder `root` was modified after `sinceMs`. Stats some 180 files: about 6 ms. */
export const sourceChangedSince = (root, sinceMs) =>
  SOURCE_DIRS.some((dir) => filesOf(join(root, dir)).some((file) => (statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0) > sinceMs));
