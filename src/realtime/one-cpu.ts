import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpuQuotaCores } from './cpu-quota.ts';

/** What keepThreadsOnOneCpu did. */
export type CpuPinning =
  | { readonly kind: 'pinned'; readonly cpu: number; readonly quotaCores: number }
  | { readonly kind: 'not_needed'; readonly why: string }
  | { readonly kind: 'failed'; readonly quotaCores: number; readonly error: string };

/** What keepThreadsOnOneCpu reads and does, injectable for tests. */
export interface PinningHost {
  /** The cgroup CPU quota in cores (cpu-quota.ts), undefined when there is none. */
  quotaCores(): number | undefined;
  /** The CPUs this process may run on. */
  allowedCpus(): readonly number[];
  /** The CPU the main thread runs on now. */
  currentCpu(): number;
  /** Puts every thread of this process on `cpu` (new threads inherit it); throws when it cannot. */
  pinAllThreads(cpu: number): void;
}

/** "0-3,6" (Cpus_allowed_list) as [0, 1, 2, 3, 6]. */
export function parseCpuList(list: string): number[] {
  return list
    .trim()
    .split(',')
    .filter((part) => part !== '')
    .flatMap((part) => {
      const [from, to = from] = part.split('-').map(Number);
      return Array.from({ length: to! - from! + 1 }, (_, i) => from! + i);
    });
}

export const linuxPinningHost: PinningHost = {
  quotaCores: () => cpuQuotaCores(),
  allowedCpus: () => parseCpuList(/^Cpus_allowed_list:\s*(.*)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? ''),
  // Field 39 of /proc/self/stat; the fields after the command name (in parentheses) start at field 3.
  currentCpu: () => Number(readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ')[36]),
  pinAllThreads: (cpu) => {
    execFileSync('taskset', ['--all-tasks', '--pid', '--cpu-list', String(cpu), String(process.pid)], { stdio: 'pipe', timeout: 5000 });
  },
};

/**
 * Under a CPU quota of at most one core, keeps every thread of the process on one CPU. Why: the
 * quota is shared by all the process's threads on all CPUs, and a helper thread (a V8 compile or GC
 * worker) on another CPU draws it down in parallel with the main thread, so that when an answer
 * wakes the main thread the quota is gone until the next period, again and again while the compile
 * runs: the helpers' lower priority (helper-threads.ts) only counts among threads that share a
 * CPU. Measured at a quarter core (1 ms per 4 ms), 30 s runs of four drives with jobs: stalls of ours
 * of 50-130 ms with no main-thread work to show for them (a CPU profile idle across the stall), one
 * run with trips; on one CPU the longest gaps were 27-41 ms in 7 of 7 runs. One core's quota cannot
 * use a second CPU anyway, so nothing is lost; with a larger quota, or none, nothing is changed.
 */
export function keepThreadsOnOneCpu(host: PinningHost = linuxPinningHost): CpuPinning {
  let quotaCores: number | undefined;
  let allowed: readonly number[];
  try {
    quotaCores = host.quotaCores();
    if (quotaCores === undefined) return { kind: 'not_needed', why: 'no CPU quota' };
    if (quotaCores > 1) return { kind: 'not_needed', why: `a CPU quota of ${quotaCores} cores (more than one)` };
    allowed = host.allowedCpus();
    if (allowed.length <= 1) return { kind: 'not_needed', why: `already on one CPU (${allowed.join('') || 'unknown'})` };
  } catch (error) {
    return { kind: 'not_needed', why: `cannot read the CPU quota or affinity (${(error as Error).message})` };
  }
  try {
    const current = host.currentCpu();
    const cpu = allowed.includes(current) ? current : allowed[0]!;
    host.pinAllThreads(cpu);
    return { kind: 'pinned', cpu, quotaCores };
  } catch (error) {
    return { kind: 'failed', quotaCores, error: (error as Error).message.split('\n')[0]! };
  }
}

/** One line on what keepThreadsOnOneCpu did, naming the fix when it failed. */
export function describeCpuPinning(pinning: CpuPinning): string {
  switch (pinning.kind) {
    case 'pinned':
      return `every thread kept on CPU ${pinning.cpu}: under a CPU quota of ${pinning.quotaCores} cores, helper threads on other CPUs would use it up while the cycle waits`;
    case 'not_needed':
      return `threads left on their CPUs: ${pinning.why}`;
    case 'failed':
      return (
        `could not keep the threads on one CPU under a CPU quota of ${pinning.quotaCores} cores (${pinning.error}): ` +
        'helper threads may use up the quota while the cycle waits; install taskset (util-linux), or pin the service to one CPU ' +
        '(systemd CPUAffinity=, docker --cpuset-cpus)'
      );
  }
}
