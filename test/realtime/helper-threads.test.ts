import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runs lowerHelperThreads in a fresh Node process (not this test worker) and reports every thread's nice value before and after. */
function lowerInChild(): { main: number; before: Record<string, number>; after: Record<string, number>; lowered: number[] } {
  const script = `
    import { readdirSync } from 'node:fs';
    import { getPriority } from 'node:os';
    import { lowerHelperThreads } from './src/realtime/helper-threads.ts';
    const nice = () => Object.fromEntries(readdirSync('/proc/self/task').map((t) => [t, getPriority(Number(t))]));
    const before = nice();
    const lowered = lowerHelperThreads();
    console.log(JSON.stringify({ main: process.pid, before, after: nice(), lowered }));
  `;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

describe.skipIf(process.platform !== 'linux')('lowerHelperThreads', () => {
  it("runs every thread but the main one 10 nice steps below it (V8's compiler and GC workers), leaving the main thread as it was", () => {
    const { main, before, after, lowered } = lowerInChild();
    const helpers = Object.keys(after).filter((tid) => Number(tid) !== main);
    expect(helpers.length).toBeGreaterThan(0);
    expect(after[String(main)]).toBe(before[String(main)]);
    const target = Math.min(19, before[String(main)]! + 10);
    for (const tid of helpers) expect(after[tid], `thread ${tid}`).toBe(target);
    expect(lowered.sort()).toEqual(
      helpers
        .map(Number)
        .filter((tid) => before[String(tid)]! < target)
        .sort(),
    );
  });
});
