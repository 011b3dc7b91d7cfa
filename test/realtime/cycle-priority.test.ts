import { execFileSync, spawnSync } from 'node:child_process';
import { getPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CYCLE_NICE, claimCyclePriority, describeCyclePriority, type ThreadPriority } from '../../src/realtime/cycle-priority.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A thread whose nice value starts at `nice`; `refuse`: setting it fails as without CAP_SYS_NICE. */
function fakeThread(nice: number, refuse = false): ThreadPriority & { sets: number[] } {
  const sets: number[] = [];
  return {
    sets,
    get: () => nice,
    set: (value) => {
      // As Node's os.setPriority throws it without CAP_SYS_NICE.
      if (refuse)
        throw Object.assign(new Error('uv_os_setpriority returned EACCES'), { code: 'ERR_SYSTEM_ERROR', info: { code: 'EACCES' } });
      sets.push(value);
      nice = value;
    },
  };
}

/** Whether this machine lets a process raise its priority: asked of `nice(1)`, which warns and runs the command anyway when not. */
function mayRaisePriority(): boolean {
  const probe = spawnSync('nice', ['-n', String(CYCLE_NICE), 'true'], { encoding: 'utf8' });
  return probe.status === 0 && probe.stderr === '';
}

/** Runs what a real-time run does at start in a fresh Node process: every thread's nice value after it, and the outcome. */
function claimInChild(): { main: number; after: Record<string, number>; priority: { kind: string; nice: number } } {
  const script = `
    import { readdirSync } from 'node:fs';
    import { getPriority } from 'node:os';
    import { claimCyclePriority } from './src/realtime/cycle-priority.ts';
    import { lowerHelperThreads } from './src/realtime/helper-threads.ts';
    const priority = claimCyclePriority();
    lowerHelperThreads();
    const after = Object.fromEntries(readdirSync('/proc/self/task').map((t) => [t, getPriority(Number(t))]));
    console.log(JSON.stringify({ main: process.pid, after, priority }));
  `;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

describe('claimCyclePriority', () => {
  it("raises a main thread at the default nice 0 to the unit's nice -10", () => {
    const thread = fakeThread(0);
    expect(claimCyclePriority(thread)).toEqual({ kind: 'raised', from: 0, nice: CYCLE_NICE });
    expect(thread.sets).toEqual([CYCLE_NICE]);
  });

  it('keeps a nice value someone chose, higher or lower, and never lowers a priority', () => {
    for (const chosen of [-15, -10, 5]) {
      const thread = fakeThread(chosen);
      expect(claimCyclePriority(thread)).toEqual({ kind: 'kept', nice: chosen });
      expect(thread.sets).toEqual([]);
    }
  });

  it('says so when the OS refuses, and how to get the priority', () => {
    const priority = claimCyclePriority(fakeThread(0, true));
    expect(priority).toEqual({ kind: 'refused', nice: 0, code: 'EACCES' });
    const text = describeCyclePriority(priority);
    expect(text).toContain('EACCES');
    expect(text).toContain('hardware/systemd/axisguard.service');
    expect(text).toContain('CAP_SYS_NICE');
  });
});

describe.skipIf(process.platform !== 'linux')('claimCyclePriority in a real process', () => {
  it('puts the main thread at -10 and its helper threads 10 below it where allowed, and leaves all at 0 where not', () => {
    const { main, after, priority } = claimInChild();
    const helpers = Object.keys(after).filter((tid) => Number(tid) !== main);
    expect(helpers.length).toBeGreaterThan(0);
    // A child starts at this thread's nice value; one chosen by whoever started the tests is kept.
    if (getPriority() !== 0) {
      expect(priority).toEqual({ kind: 'kept', nice: getPriority() });
    } else if (mayRaisePriority()) {
      expect(priority).toMatchObject({ kind: 'raised', nice: CYCLE_NICE });
      expect(after[String(main)]).toBe(CYCLE_NICE);
      for (const tid of helpers) expect(after[tid], `thread ${tid}`).toBe(CYCLE_NICE + 10);
    } else {
      expect(priority).toMatchObject({ kind: 'refused', nice: 0 });
      expect(after[String(main)]).toBe(0);
    }
  });
});
