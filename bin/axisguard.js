#!/usr/bin/env node
// Runs the bundle dist/axisguard.mjs that `npm ci` (prepare) or `npm run build` made (scripts/build.mjs):
// about 1 s less CPU at start-up than compiling the TypeScript through tsx. Falls back to the sources
// through tsx when there is no complete build (`--ignore-scripts` builds nothing), when the build is
// stale (a source newer than it, or another package-lock.json: an edited checkout must run its edits,
// updated dependencies are not in the bundle), or with AXISGUARD_FROM_SOURCE=1.
// AXISGUARD_FROM_SOURCE=0 insists on the build: without a fresh one it exits with 1 instead of falling
// back (benchmarks, and a deployment that must not pay for tsx).
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { STAMP, lockDigest, sourceChangedSince } from '../scripts/build-inputs.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));

/** Why dist/ cannot run, or undefined when it is complete and fresh. */
function staleBuild() {
  const stampPath = `${root}${STAMP}`;
  const builtAtMs = statSync(stampPath, { throwIfNoEntry: false })?.mtimeMs;
  if (builtAtMs === undefined) return 'has no complete build';
  if (sourceChangedSince(root, builtAtMs)) return 'is older than a source';
  if (readFileSync(stampPath, 'utf8') !== lockDigest(root)) return 'was built with another package-lock.json';
  return undefined;
}

// Where real time matters (a line driven in real time, latency-test), V8 runs the code on its
// interpreter and baseline compiler only, without its optimizing JIT (TurboFan), unless
// AXISGUARD_OPTIMIZING_JIT=1. TurboFan's compiles run on helper threads that compete for the CPU in
// bursts, just when the line starts moving: with the machine's cores busy (two busy loops beside
// the pty integration test, 2026-12-05) healthy drives' watchdogs fired in 2 of 4 runs with it and
// in 0 of 4 without; at a quarter of one core, with the line's warm-up and the bus keep-alive, both
// held (0 trips in 4 runs each, longest gaps 22-48 ms without it). It costs CPU in the steady state
// (about 1.7x per Modbus transaction): BENCHMARKS.md, cpu_ms_per_transaction, has both. With
// AXISGUARD_OPTIMIZING_JIT=1 it compiles each function alone (--no-turbo-inlining): at a quarter core
// the default's large inlined compiles stalled the loop for 50-100 ms (trips in most runs), 100-byte
// inlining still tripped 2 of 5 runs, no inlining 0 of 5, at no more CPU than the default.
const [command, ...flags] = process.argv.slice(2);
const realTime = (command === 'run' && !flags.includes('--virtual') && !flags.includes('--check-config')) || command === 'latency-test';
if (realTime) {
  setFlagsFromString(process.env.AXISGUARD_OPTIMIZING_JIT === '1' ? '--no-turbo-inlining' : '--no-opt');
  // Every function is compiled when its module loads (--no-lazy), before any drive is armed, not
  // at its first call: at a quarter core the lazy compiles of the first move completions stalled
  // the loop for 20-50 ms while every axis was mid-move (trips in 3 of 8 runs; with it 0 of 8).
  setFlagsFromString('--no-lazy');
}
const fromSource = process.env.AXISGUARD_FROM_SOURCE;
const stale = fromSource === '1' ? 'is not wanted' : staleBuild();
if (stale === undefined) {
  await import('../dist/axisguard.mjs');
} else if (fromSource === '0') {
  process.stderr.write(`axisguard: AXISGUARD_FROM_SOURCE=0 but dist/ ${stale}: npm run build\n`);
  process.exitCode = 1;
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
