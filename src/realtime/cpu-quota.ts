import { readFileSync } from 'node:fs';
import { posix } from 'node:path';

/** Reads a text file, or undefined when it is not there (or not readable). */
export type ReadText = (path: string) => string | undefined;

export const readTextFile: ReadText = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/** Where cgroup v1 mounts the CPU controller, by distribution (the combined mount first). */
export const V1_CPU_MOUNTS = ['/sys/fs/cgroup/cpu,cpuacct', '/sys/fs/cgroup/cpu'];
export const V2_MOUNT = '/sys/fs/cgroup';

/** One line of /proc/self/cgroup: a hierarchy, its controllers (none for cgroup v2) and this process's group in it. */
export interface CgroupLine {
  readonly hierarchy: string;
  readonly controllers: readonly string[];
  readonly path: string;
}

/** The lines of /proc/self/cgroup (`hierarchy:controllers:path`, the path may hold colons itself). */
export function cgroupLines(text: string): CgroupLine[] {
  const lines: CgroupLine[] = [];
  for (const line of text.split('\n')) {
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first < 0 || second < 0) continue;
    const controllers = line.slice(first + 1, second);
    lines.push({
      hierarchy: line.slice(0, first),
      controllers: controllers === '' ? [] : controllers.split(','),
      path: line.slice(second + 1),
    });
  }
  return lines;
}

/** This process's lines of /proc/self/cgroup (none when it cannot be read). */
export function ownCgroupLines(readText: ReadText = readTextFile): CgroupLine[] {
  return cgroupLines(readText('/proc/self/cgroup') ?? '');
}

/** Whether a /proc/self/cgroup line is the cgroup v2 (unified) one: hierarchy 0, no controllers named. */
export const isUnifiedLine = (line: CgroupLine): boolean => line.hierarchy === '0' && line.controllers.length === 0;

/** `path` and each of its ancestors up to the root, nearest first. */
function selfAndAncestors(path: string): string[] {
  const chain: string[] = [];
  for (let p = posix.normalize(path); ; p = posix.dirname(p)) {
    chain.push(p);
    if (p === '/' || p === '.') return chain;
  }
}

/** A quota over its period, in cores; undefined when unlimited ("max" in v2, -1 in v1) or unreadable. */
function coresOf(quota: string | undefined, period: string | undefined): number | undefined {
  const q = Number(quota?.trim());
  const p = Number(period?.trim());
  return q > 0 && p > 0 ? q / p : undefined;
}

/** One v2 group's quota in cores (`cpu.max`: "max 100000" or "25000 100000"). */
function v2Quota(text: string | undefined): number | undefined {
  const [quota, period] = (text ?? '').trim().split(/\s+/);
  return coresOf(quota, period);
}

/**
 * The CPU this process may use at most under a cgroup CPU quota (a container's `--cpus`, systemd's
 * `CPUQuota=`, the hold-time suite's quarter core), in cores: the smallest quota on its cgroup and
 * the cgroups above it. Undefined when there is none, or the cgroup files cannot be read.
 */
export function cpuQuotaCores(readText: ReadText = readTextFile): number | undefined {
  const quotas: number[] = [];
  for (const line of ownCgroupLines(readText)) {
    const { controllers, path } = line;
    const chain = selfAndAncestors(path);
    if (isUnifiedLine(line)) {
      for (const group of chain) quotas.push(v2Quota(readText(posix.join(V2_MOUNT, group, 'cpu.max'))) ?? Number.POSITIVE_INFINITY);
    } else if (controllers.includes('cpu')) {
      for (const mount of V1_CPU_MOUNTS)
        for (const group of chain) {
          const dir = posix.join(mount, group);
          quotas.push(coresOf(readText(`${dir}/cpu.cfs_quota_us`), readText(`${dir}/cpu.cfs_period_us`)) ?? Number.POSITIVE_INFINITY);
        }
    }
  }
  const smallest = Math.min(...quotas);
  return Number.isFinite(smallest) ? smallest : undefined;
}
