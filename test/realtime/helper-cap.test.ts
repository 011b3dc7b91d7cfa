import { describe, expect, it } from 'vitest';
import {
  HELPER_GROUP,
  capHelperThreads,
  describeHelperCap,
  helperQuota,
  type CpuGroup,
  type HelperCapHost,
} from '../../src/realtime/helper-cap.ts';

/**
 * A host with a quota of `quotaCores`, its own group `own`, these helper threads; records every
 * cgroup write and the groups made and removed. `refuse` names a file whose writes fail.
 */
function host(quotaCores: number | undefined, own: CpuGroup | undefined, threads: number[], refuse?: string, subtreeControl = '') {
  const writes: [string, string][] = [];
  const made: string[] = [];
  const removed: string[] = [];
  const h: HelperCapHost = {
    quotaCores: () => quotaCores,
    ownCpuGroup: () => own,
    helperThreadIds: () => threads,
    helperNice: () => 10,
    mkdir: (path) => void made.push(path),
    read: (path) => (path.endsWith('cgroup.subtree_control') ? subtreeControl : undefined),
    write: (path, text) => {
      if (refuse && path.endsWith(refuse)) throw new Error(`EACCES: permission denied, open '${path}'`);
      writes.push([path, text]);
    },
    rmdir: (path) => void removed.push(path),
  };
  return { h, writes, made, removed, threads };
}

const V1: CpuGroup = { dir: '/sys/fs/cgroup/cpu/line', version: 1 };
const V2: CpuGroup = { dir: '/sys/fs/cgroup/system.slice/axisguard.service', version: 2 };

describe('capHelperThreads: under a CPU quota of at most one core, the helper threads get at most half of it', () => {
  it('cgroup v1 at a quarter core: a group of their own at 1 ms per 8 ms, every helper thread moved in', () => {
    const { h, writes, made } = host(0.25, V1, [11, 12, 13]);
    const cap = capHelperThreads(h);
    expect(cap).toMatchObject({ kind: 'capped', quotaCores: 0.25 });
    const dir = `${V1.dir}/${HELPER_GROUP}`;
    expect(made).toEqual([dir]);
    expect(writes).toEqual([
      [`${dir}/cpu.cfs_period_us`, '8000'],
      [`${dir}/cpu.cfs_quota_us`, '1000'],
      // The helpers' nice 10 as the group's weight against the main thread.
      [`${dir}/cpu.shares`, '110'],
      [`${dir}/tasks`, '11'],
      [`${dir}/tasks`, '12'],
      [`${dir}/tasks`, '13'],
    ]);
    expect(cap.kind === 'capped' && cap.group.capCores).toBe(0.125);
    expect(describeHelperCap(cap)).toMatch(/capped at 0\.125 cores .*half of the CPU quota of 0\.25 cores/);
  });

  it('cgroup v2: a threaded group with the CPU controller, its cap in cpu.max, threads by cgroup.threads; the controller off again at the end', () => {
    const { h, writes } = host(1, V2, [21]);
    const cap = capHelperThreads(h);
    if (cap.kind !== 'capped') throw new Error(`not capped: ${describeHelperCap(cap)}`);
    const dir = `${V2.dir}/${HELPER_GROUP}`;
    expect(writes).toEqual([
      [`${dir}/cgroup.type`, 'threaded'],
      [`${V2.dir}/cgroup.subtree_control`, '+cpu'],
      [`${dir}/cpu.max`, '4000 8000'],
      [`${dir}/cpu.weight.nice`, '10'],
      [`${dir}/cgroup.threads`, '21'],
    ]);
    writes.length = 0;
    cap.group.dispose();
    expect(writes).toEqual([
      [`${V2.dir}/cgroup.threads`, '21'],
      [`${V2.dir}/cgroup.subtree_control`, '-cpu'],
    ]);
  });

  it('cgroup v2 with the CPU controller already on for its children: left as it was', () => {
    const { h, writes } = host(0.5, V2, [21], undefined, 'cpu memory\n');
    const cap = capHelperThreads(h);
    if (cap.kind !== 'capped') throw new Error(`not capped: ${describeHelperCap(cap)}`);
    cap.group.dispose();
    expect(writes.filter(([path]) => path.endsWith('subtree_control'))).toEqual([]);
  });

  it('threads made later are moved in by admitNew; dispose moves every helper back (one made by a helper too) and removes the group', () => {
    const { h, writes, removed, threads } = host(0.5, V1, [11]);
    const cap = capHelperThreads(h);
    if (cap.kind !== 'capped') throw new Error(`not capped: ${describeHelperCap(cap)}`);
    threads.push(14);
    expect(cap.group.admitNew()).toBe(1);
    expect(cap.group.admitNew()).toBe(0);
    threads.push(15);
    writes.length = 0;
    cap.group.dispose();
    expect(writes).toEqual([
      [`${V1.dir}/tasks`, '11'],
      [`${V1.dir}/tasks`, '14'],
      [`${V1.dir}/tasks`, '15'],
    ]);
    expect(removed).toEqual([cap.group.dir]);
  });

  it('keeps the kernel limits: no quota under 1 ms, the period grows instead', () => {
    expect(helperQuota(0.25)).toEqual({ quotaUs: 1000, periodUs: 8000 });
    expect(helperQuota(0.1)).toEqual({ quotaUs: 1000, periodUs: 20000 });
    expect(helperQuota(1)).toEqual({ quotaUs: 4000, periodUs: 8000 });
  });

  it('changes nothing without a quota, with a quota above one core, or one too small to split', () => {
    for (const [quota, why] of [
      [undefined, 'no CPU quota'],
      [1.5, 'a CPU quota of 1.5 cores (more than one)'],
      [0.001, 'a CPU quota of 0.001 cores is too small to split (1 ms per 1 s at least)'],
    ] as const) {
      const { h, made, writes } = host(quota, V1, [11]);
      expect(capHelperThreads(h)).toEqual({ kind: 'not_needed', why });
      expect([made, writes]).toEqual([[], []]);
    }
  });

  it('a group it may not set up is a failure that names the fix (a delegated cgroup), leaves the threads alone and is removed again', () => {
    const { h, writes, removed } = host(0.25, V1, [11], 'cpu.cfs_quota_us');
    const cap = capHelperThreads(h);
    expect(cap).toEqual({ kind: 'failed', quotaCores: 0.25, error: expect.stringMatching(/EACCES/) });
    expect(describeHelperCap(cap)).toMatch(/could not cap .*quota of 0\.25 cores.*Delegate=yes/);
    expect(writes.some(([path]) => path.endsWith('tasks'))).toBe(false);
    expect(removed).toEqual([`${V1.dir}/${HELPER_GROUP}`]);
  });

  it('no thread it may move: a failure, and the empty group is removed again', () => {
    const { h, removed } = host(0.25, V1, [11], 'tasks');
    expect(capHelperThreads(h)).toMatchObject({ kind: 'failed', error: expect.stringMatching(/no helper thread could be moved/) });
    expect(removed).toEqual([`${V1.dir}/${HELPER_GROUP}`]);
  });

  it('no CPU cgroup to be found under a quota: a failure', () => {
    const { h } = host(0.25, undefined, [11]);
    expect(capHelperThreads(h)).toMatchObject({ kind: 'failed', error: 'the CPU cgroup of this process was not found' });
  });
});
