import { existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { posix } from 'node:path';
import { V1_CPU_MOUNTS, V2_MOUNT, cpuQuotaCores, isUnifiedLine, ownCgroupLines, readTextFile } from './cpu-quota.ts';
import { helperNice, helperThreadIds } from './helper-threads.ts';

/** The share of the process's CPU quota its helper threads may use together; the rest is the main thread's. */
const HELPER_SHARE = 0.5;
/**
 * The helpers' quota period, µs: short, so that a helper the main thread waits for (a GC worker
 * finishing its part) is never held back for long. Longer only where the kernel's smallest quota
 * (1 ms) would otherwise exceed the share.
 */
const HELPER_PERIOD_US = 8_000;
const MIN_QUOTA_US = 1_000;
/** The kernel's longest quota period, µs. */
const MAX_PERIOD_US = 1_000_000;
/** The kernel's weight for each nice value from -20 to 19 (sched_prio_to_weight): a group's cpu.shares at that nice. */
const NICE_WEIGHT = [
  88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916, 9548, 7620, 6100, 4904, 3906, 3121, 2501, 1991, 1586, 1277, 1024,
  820, 655, 526, 423, 335, 272, 215, 172, 137, 110, 87, 70, 56, 45, 36, 29, 23, 18, 15,
];
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
  /** The nice value the helper threads run at (helper-threads.ts): the group gets that weight against the main thread. */
  helperNice(): number;
  /** Makes a directory (no error when it is there already). */
  mkdir(path: string): void;
  /** Reads a cgroup file, undefined when it cannot. */
  read(path: string): string | undefined;
  /** Writes a cgroup file; throws when the kernel refuses. */
  write(path: string, text: string): void;
  /** Removes an empty group; throws when it cannot. */
  rmdir(path: string): void;
}

/** The CPU cgroup this process is in, from /proc/self/cgroup: a v1 cpu hierarchy first, else the v2 one. */
function ownCpuGroup(): CpuGroup | undefined {
  const lines = ownCgroupLines();
  for (const { controllers, path } of lines) {
    if (!controllers.includes('cpu')) continue;
    const mount = V1_CPU_MOUNTS.find((m) => existsSync(posix.join(m, path, 'cpu.cfs_period_us')));
    if (mount) return { dir: posix.join(mount, path), version: 1 };
  }
  const unified = lines.find(isUnifiedLine);
  const dir = unified && posix.join(V2_MOUNT, unified.path);
  // Only where the path names a group this mount shows (not one of another cgroup namespace).
  if (dir && existsSync(`${V2_MOUNT}/cgroup.controllers`) && existsSync(`${dir}/cgroup.procs`)) return { dir, version: 2 };
  return undefined;
}

export const linuxHelperCapHost: HelperCapHost = {
  quotaCores: () => cpuQuotaCores(),
  ownCpuGroup,
  helperThreadIds,
  helperNice,
  mkdir: (path) => {
    if (!existsSync(path)) mkdirSync(path);
  },
  read: readTextFile,
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
  /** Moves helper threads made since (libuv's pool starts on first use) into the group; returns how many. `tids`: the helper threads now, when the caller has read them already. */
  admitNew(tids?: readonly number[]): number;
  /** Moves every helper thread back into the process's own group and removes the group (best effort: the run is ending). */
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
 * waits for the next period, again and again while the compile lasts. The group also gets the
 * helpers' lower priority as its weight (inside it, nice values only rank the helpers among
 * themselves). Where the kernel's smallest quota (1 ms) is more than half of the process's period,
 * the helpers' period is longer than the process's: the half then holds over 8 ms, not in every
 * period. Measured at a quarter core (2026-12-06, four drives with jobs, alternating): with the cap
 * set from outside, stalls of ours of 20 ms or more in 5 of 24 runs against 16 of 24 without; as
 * built, every longest gap under 60 ms in 10 of 10 runs against 7 of 10 with the build before.
 * With a larger quota, or none, nothing is changed.
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
  const { quotaUs, periodUs } = helperQuota(quotaCores);
  if (periodUs > MAX_PERIOD_US)
    return { kind: 'not_needed', why: `a CPU quota of ${quotaCores} cores is too small to split (1 ms per 1 s at least)` };
  if (own === undefined) return { kind: 'failed', quotaCores, error: 'the CPU cgroup of this process was not found' };
  const dir = posix.join(own.dir, HELPER_GROUP);
  const threadsFile = own.version === 1 ? 'tasks' : 'cgroup.threads';
  const nice = Math.max(-20, Math.min(19, host.helperNice()));
  // v2: the CPU controller is enabled for the group's children only if it was not already, and disabled again at the end.
  const enablesCpu = own.version === 2 && !/(^|\s)cpu(\s|$)/.test(host.read(`${own.dir}/cgroup.subtree_control`) ?? '');
  const undo = (): void => {
    removeGroup(host, dir);
    if (enablesCpu) writeQuietly(host, `${own.dir}/cgroup.subtree_control`, '-cpu');
  };
  try {
    host.mkdir(dir);
    if (own.version === 1) {
      host.write(`${dir}/cpu.cfs_period_us`, String(periodUs));
      host.write(`${dir}/cpu.cfs_quota_us`, String(quotaUs));
      host.write(`${dir}/cpu.shares`, String(NICE_WEIGHT[nice + 20]));
    } else {
      // A threaded child: the process's group keeps its processes, and the CPU controller splits them by thread.
      host.write(`${dir}/cgroup.type`, 'threaded');
      if (enablesCpu) host.write(`${own.dir}/cgroup.subtree_control`, '+cpu');
      host.write(`${dir}/cpu.max`, `${quotaUs} ${periodUs}`);
      host.write(`${dir}/cpu.weight.nice`, String(nice));
    }
  } catch (error) {
    undo();
    return { kind: 'failed', quotaCores, error: (error as Error).message.split('\n')[0]! };
  }
  const admitted = new Set<number>();
  // False when the thread ended meanwhile.
  const move = (tid: number, to: string): boolean => writeQuietly(host, `${to}/${threadsFile}`, String(tid));
  const group: HelperGroup = {
    dir,
    capCores: quotaUs / periodUs,
    admitNew(tids = host.helperThreadIds()) {
      let moved = 0;
      for (const tid of tids)
        if (!admitted.has(tid) && move(tid, dir)) {
          admitted.add(tid);
          moved++;
        }
      return moved;
    },
    dispose() {
      // Every helper, not only those admitted: a thread made by a helper starts in the group.
      for (const tid of host.helperThreadIds()) move(tid, own.dir);
      admitted.clear();
      undo();
    },
  };
  if (group.admitNew() === 0) {
    group.dispose();
    return { kind: 'failed', quotaCores, error: `no helper thread could be moved into ${dir}` };
  }
  return { kind: 'capped', group, quotaCores };
}

/** Writes a cgroup file; false when the kernel refused. */
function writeQuietly(host: HelperCapHost, path: string, text: string): boolean {
  try {
    host.write(path, text);
    return true;
  } catch {
    return false;
  }
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
        `helper threads capped at ${Number(cap.group.capCores.toFixed(3))} cores (${cap.group.dir}), half of the CPU quota of ${cap.quotaCores} cores: ` +
        "the other half is the cycle's"
      );
    case 'not_needed':
      return `helper threads not capped: ${cap.why}`;
    case 'failed':
      return (
        `could not cap the helper threads under a CPU quota of ${cap.quotaCores} cores (${cap.error}): a compile may use up the quota ` +
        "while the cycle waits; run the service with its own delegated cgroup (systemd Delegate=yes; in a container, a writable cgroup of its own), or give it more than one core's quota"
      );
  }
}
