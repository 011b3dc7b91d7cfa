#!/usr/bin/env node
// Runs the bundle dist/axisguard.mjs that `npm ci` (prepare) or `npm run build` made (scripts/build.mjs):
// about 1 s less CPU at start-up than compiling the TypeScript through tsx. Falls back to the sources
// through tsx when there is no complete build (`npm ci --omit=dev` has no esbuild, `--ignore-scripts`
// builds nothing), when a build input is newer than the build (an edited checkout must run its edits),
// or with AXISGUARD_FROM_SOURCE=1. AXISGUARD_FROM_SOURCE=0 insists on the build: without a fresh one it
// exits with 1 instead of falling back (benchmarks, and a deployment that must not pay for tsx).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);
// What the bundle is made of: our sources and the dependencies bundled from node_modules, as the lock
// file pins them. (The assets, examples/ and hardware/profiles/, are read where they are at run time.)
const BUILD_INPUTS = ['src', 'drivers', 'protocols', 'sim', 'package.json', 'package-lock.json'];

/** mtime of the build's stamp (written last, so a failed build has none), or undefined. */
const builtAtMs = () => statSync(new URL('dist/.build-stamp', root), { throwIfNoEntry: false })?.mtimeMs;

/** The files of a build input (a file or a folder; none when it is missing). */
function filesOf(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined) return [];
  if (!stat.isDirectory()) return [path];
  return readdirSync(path, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Whether a build input was modified after `sinceMs`. Stats some 180 files: about 6 ms. */
const changedSince = (sinceMs) =>
  BUILD_INPUTS.some((input) =>
    filesOf(fileURLToPath(new URL(input, root))).some((file) => (statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0) > sinceMs),
  );

const fromSource = process.env.AXISGUARD_FROM_SOURCE;
const built = fromSource === '1' ? undefined : builtAtMs();
if (built !== undefined && !changedSince(built)) {
  await import('../dist/axisguard.mjs');
} else if (fromSource === '0') {
  process.stderr.write(`axisguard: AXISGUARD_FROM_SOURCE=0 but dist/ ${built === undefined ? 'has no complete build' : 'is older than one of its inputs'}: npm run build\n`);
  process.exitCode = 1;
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
