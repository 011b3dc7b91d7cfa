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

// Where real time matters (a line driven in real time, latency-test), V8's optimizing JIT
// (TurboFan) starts without inlining (--no-turbo-inlining), and the line turns it on before it
// starts only where its compiles run on a CPU of their own, with more than one CPU to use
// (src/realtime/jit-inlining.ts has the rule and its measurements); AXISGUARD_OPTIMIZING_JIT=no-inlining
// keeps it off, AXISGUARD_OPTIMIZING_JIT=0 runs without the optimizing JIT at all.
// The history: at a quarter core V8's default large inlined compiles stalled the loop for
// 50-100 ms (trips in most runs), 100-byte inlining still tripped 2 of 5 runs, no inlining 0 of 5.
// Inlining does save CPU: measured later with the masters side by side (2026-12-05, bench
// cpu_ms_per_transaction's method), about 20 % less per transaction with V8's default inlining
// (0.49-0.56x modbus-serial against 0.63-0.67x without),
// about 7 % with inlining capped at 100 bytes; an earlier one-after-another comparison had hidden
// it in this VM's run-to-run noise. Again on 2026-12-06 (side by side, 3 rounds): inlining capped at
// 100 bytes 0.87x the CPU of none, V8's default the same, 32 bytes no saving (a later 4 rounds:
// V8's default 0.77-0.85x, a cumulative cap of 120 bytes 0.86-0.93x); at a quarter core,
// 10 runs each alternating, the 100-byte cap's longest request gaps were 33-76 ms (median 64, 7 runs
// over 60) against 28-73 ms without (median 42, 3 over 60), 0 trips either way: the margin to the
// drives' watchdog matters more than the CPU. With every thread on one CPU under the quota
// (src/realtime/one-cpu.ts) V8's default inlining still lost at a quarter core (2026-12-06, 7 runs
// each alternating: longest gaps 35-89 ms and one run with a trip, against 28-57 ms and none). A lower
// interrupt budget (--interrupt-budget=4096: optimize sooner) cut the CPU of the 10-20 s window to
// 0.8x, but at a quarter core a run took 40 % more CPU (more functions compiled, while the axes move)
// and its longest gaps grew from 28-34 to 43-58 ms: left at V8's default. Without the JIT
// at all (AXISGUARD_OPTIMIZING_JIT=0: interpreter and baseline compiler only) a Modbus transaction
// costs about 1.2-1.4x the CPU (BENCHMARKS.md, cpu_ms_per_transaction, has both), less room for bursts
// at a quarter core. Measured 2026-12-05 at a quarter core with the own-delay rule in place: with
// the machine quiet or lightly loaded, 9 runs with the JIT had no trip (longest gaps 25-52 ms), 3 without it
// none either (gaps 33-79 ms); with other test suites running beside, both tripped in some runs (JIT
// 3 of 6, without it 2 of 6). An earlier comparison beside two busy loops (2 of 4 runs tripped with
// the JIT, 0 of 4 without) did not repeat: this machine then throttled every process for ~100 ms at
// a time, with the JIT or without. Later on 2026-12-06, with no quota on 2 CPUs, inlining cost
// nothing in request gaps (stalled or beside a busy loop), hence the rule by CPU budget.
const [command, ...flags] = process.argv.slice(2);
const realTime = (command === 'run' && !flags.includes('--virtual') && !flags.includes('--check-config')) || command === 'latency-test';
if (realTime) {
  const jit = process.env.AXISGUARD_OPTIMIZING_JIT;
  setFlagsFromString(jit === '0' ? '--no-opt' : '--no-turbo-inlining');
  if (jit !== undefined && jit !== '' && jit !== '0' && jit !== 'no-inlining')
    process.stderr.write(
      `axisguard: AXISGUARD_OPTIMIZING_JIT=${jit} ignored: use 0 (no optimizing JIT) or no-inlining, or leave it unset\n`,
    );
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
