import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { posix } from 'node:path';
import { V1_CPU_MOUNTS, V2_MOUNT, cpuQuotaCores } from './cpu-quota.ts';
import { helperThreadIds } from './helper-threads.ts';

/** The share of the process's CPU quota its helper threads may use together; the rest is the main thread's. */
const HELPER_SHARE = 0.5;
/**
 * The helpers' quota period, µs: short, so that a helper the main thread waits for (a GC worker
 * finishing its part) is never held back for long. Longer only where the kernel's smallest quota
 * (1 ms) would otherwise exceed the share.
 */
const HELPER_PERIOD_US = 8_000;
const MIN_QUOTA_US = 1_000;
/** The group made for the helpers, inside the process's own CPU cgroup. */
export const HELPER_GROUP = 'axisguard-helpers';

/** The process's own CPU cgroup: its directory and the cgroup version that runs the CPU controller there. */
export interface CpuGroup {
  readonly dir: string;
  readonly version: 1 | 2;
}

/** What capHelperThreads reads and does, injectable for tests. */
export interface HelperCapHost {
  /** The cgroup CPU quota in cores (cpu-quota.ts), undefined when there is none. */
  quotaCores(): number | undefined;
  /** The process's own CPU cgroup, undefined when there is none to be found. */
  ownCpuGroup(): CpuGroup | undefined;
  /** Every thread of the process but the main one. */
  helperThreadIds(): readonly number[];
  /** Makes a directory (no error when it is there already). */
  mkdir(path: string): void;
  /** Writes a cgroup file; throws when the kernel refuses. */
  write(path: string, text: string): void;
  /** Removes an empty group; throws when it cannot. */
  rmdir(path: string): void;
}

/** The CPU cgroup this process is in, from /proc/self/cgroup: a v1 cpu hierarchy first, else the v2 one. */
function ownCpuGroup(): CpuGroup | undefined {
  let lines: string[];
  try {
    lines = readFileSync('/proc/self/cgroup', 'utf8').split('\n');
  } catch {
    return undefined;
  }
  for (const line of lines) {
    const [, controllers, path] = line.split(':', 3);
    if (path === undefined || !controllers!.split(',').includes('cpu')) continue;
    const mount = V1_CPU_MOUNTS.find((m) => existsSync(posix.join(m, path, 'cpu.cfs_period_us')));
    if (mount) return { dir: posix.join(mount, path), version: 1 };
  }
  const unified = lines.find((line) => line.startsWith('0::'));
  if (unified && existsSync(`${V2_MOUNT}/cgroup.controllers`)) return { dir: posix.join(V2_MOUNT, unified.slice(3)), version: 2 };
  return undefined;
}

export const linuxHelperCapHost: HelperCapHost = {
  quotaCores: () => cpuQuotaCores(),
  ownCpuGroup,
  helperThreadIds,
  mkdir: (path) => mkdirSync(path, { recursive: true }),
  write: (path, text) => writeFileSync(path, text),
  rmdir: (path) => rmdirSync(path),
};

/** The helpers' quota and period, µs, for a process quota of `quotaCores`. */
export function helperQuota(quotaCores: number): { readonly quotaUs: number; readonly periodUs: number } {
  const cores = quotaCores * HELPER_SHARE;
  const periodUs = Math.max(HELPER_PERIOD_US, Math.ceil(MIN_QUOTA_US / cores));
  return { quotaUs: Math.round(cores * periodUs), periodUs };
}

/** Helper threads in a group of their own with a CPU cap (see capHelperThreads). */
export interface HelperGroup {
  readonly dir: string;
  /** The cap, in cores. */
  readonly capCores: number;
  /** Moves helper threads made since (libuv's pool starts on first use) into the group; returns how many. */
  admitNew(): number;
  /** Moves the helpers back into the process's own group and removes the group (best effort: the run is ending). */
  dispose(): void;
}

/** What capHelperThreads did. */
export type HelperCap =
  | { readonly kind: 'capped'; readonly group: HelperGroup; readonly quotaCores: number }
  | { readonly kind: 'not_needed'; readonly why: string }
  | { readonly kind: 'failed'; readonly quotaCores: number; readonly error: string };

/**
 * Under a CPU quota of at most one core, puts the process's helper threads (V8's compiler and GC
 * workers, libuv's pool) into a cgroup of their own inside the process's, capped at half of the
 * quota, so the main thread (the cycle and the bus) always has the other half. Why: the quota is
 * one share for all threads; a lower priority (helper-threads.ts) and one CPU (one-cpu.ts) decide
 * who runs first, but not who uses up the share. A TurboFan compile on a worker runs while the main
 * thread waits for an answer, and when the answer comes the period's share is gone: the cycle then
 * waits for the next period, again and again while the compile lasts. Measured at a quarter core
 * (2026-12-06, 12 runs each alternating, four drives with jobs): stalls of ours of 20 ms or more in
 * 10 of 12 runs without the cap, 3 of 12 with it. With a larger quota, or none, nothing is changed.
 */
export function capHelperThreads(host: HelperCapHost = linuxHelperCapHost): HelperCap {
  let quotaCores: number | undefined;
  let own: CpuGroup | undefined;
  try {
    quotaCores = host.quotaCores();
    if (quotaCores === undefined) return { kind: 'not_needed', why: 'no CPU quota' };
    if (quotaCores > 1) return { kind: 'not_needed', why: `a CPU quota of ${quotaCores} cores (more than one)` };
    own = host.ownCpuGroup();
  } catch (error) {
    return { kind: 'not_needed', why: `cannot read the CPU quota or cgroup (${(error as Error).message})` };
  }
  if (own === undefined) return { kind: 'failed', quotaCores, error: 'the CPU cgroup of this process was not found' };
  const dir = posix.join(own.dir, HELPER_GROUP);
  const { quotaUs, periodUs } = helperQuota(quotaCores);
  const threadsFile = own.version === 1 ? 'tasks' : 'cgroup.threads';
  try {
    host.mkdir(dir);
    if (own.version === 1) {
      host.write(`${dir}/cpu.cfs_period_us`, String(periodUs));
      host.write(`${dir}/cpu.cfs_quota_us`, String(quotaUs));
    } else {
      // A threaded child: the process's group keeps its processes, and the CPU controller splits them by thread.
      host.write(`${dir}/cgroup.type`, 'threaded');
      host.write(`${own.dir}/cgroup.subtree_control`, '+cpu');
      host.write(`${dir}/cpu.max`, `${quotaUs} ${periodUs}`);
    }
  } catch (error) {
    removeGroup(host, dir);
    return { kind: 'failed', quotaCores, error: (error as Error).message.split('\n')[0]! };
  }
  const admitted = new Set<number>();
  const move = (tid: number, to: string): boolean => {
    try {
      host.write(`${to}/${threadsFile}`, String(tid));
      return true;
    } catch {
      return false; // the thread ended meanwhile
    }
  };
  const group: HelperGroup = {
    dir,
    capCores: quotaUs / periodUs,
    admitNew() {
      let moved = 0;
      for (const tid of host.helperThreadIds())
        if (!admitted.has(tid) && move(tid, dir)) {
          admitted.add(tid);
          moved++;
        }
      return moved;
    },
    dispose() {
      for (const tid of admitted) move(tid, own.dir);
      admitted.clear();
      removeGroup(host, dir);
    },
  };
  if (group.admitNew() === 0) {
    group.dispose();
    return { kind: 'failed', quotaCores, error: `no helper thread could be moved into ${dir}` };
  }
  return { kind: 'capped', group, quotaCores };
}

/** Removes the helpers' group where it can: one that stays (a thread made meanwhile, no right to) goes with the service's cgroup. */
function removeGroup(host: HelperCapHost, dir: string): void {
  try {
    host.rmdir(dir);
  } catch {
    // Left for the service manager, or reused by the next start.
  }
}

/** One line on what capHelperThreads did, naming the fix when it failed. */
export function describeHelperCap(cap: HelperCap): string {
  switch (cap.kind) {
    case 'capped':
      return (
        `helper threads capped at ${cap.group.capCores} cores (${cap.group.dir}), half of the CPU quota of ${cap.quotaCores} cores: ` +
        'the other half is always the cycle'
      );
    case 'not_needed':
      return `helper threads not capped: ${cap.why}`;
    case 'failed':
      return (
        `could not cap the helper threads under a CPU quota of ${cap.quotaCores} cores (${cap.error}): a compile may use up the quota ` +
        "while the cycle waits; run the service with its own delegated cgroup (systemd Delegate=yes), or give it more than one core's quota"
      );
  }
}
