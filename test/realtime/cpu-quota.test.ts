import { describe, expect, it } from 'vitest';
import { cgroupLines, cpuQuotaCores, type ReadText } from '../../src/realtime/cpu-quota.ts';

/** A file system of just these files. */
const files =
  (tree: Readonly<Record<string, string>>): ReadText =>
  (path) =>
    tree[path];

describe('cpuQuotaCores: the cgroup CPU quota this process runs under', () => {
  it('cgroup v2: the quota of its own group (cpu.max) in cores', () => {
    const read = files({ '/proc/self/cgroup': '0::/axisguard.service\n', '/sys/fs/cgroup/axisguard.service/cpu.max': '25000 100000\n' });
    expect(cpuQuotaCores(read)).toBe(0.25);
  });

  it('cgroup v2: the smallest quota on the way up to the root counts (a container inside a limited slice)', () => {
    const read = files({
      '/proc/self/cgroup': '0::/edge.slice/line.scope\n',
      '/sys/fs/cgroup/edge.slice/line.scope/cpu.max': 'max 100000\n',
      '/sys/fs/cgroup/edge.slice/cpu.max': '50000 100000\n',
    });
    expect(cpuQuotaCores(read)).toBe(0.5);
  });

  it('cgroup v1: cpu.cfs_quota_us over cpu.cfs_period_us, under either mount point', () => {
    const cgroup = '9:name=systemd:/\n3:cpuset:/\n2:cpuacct:/\n1:cpu:/axisguard-qc\n';
    expect(
      cpuQuotaCores(
        files({
          '/proc/self/cgroup': cgroup,
          '/sys/fs/cgroup/cpu/axisguard-qc/cpu.cfs_quota_us': '1000\n',
          '/sys/fs/cgroup/cpu/axisguard-qc/cpu.cfs_period_us': '4000\n',
          '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1\n',
          '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n',
        }),
      ),
    ).toBe(0.25);
    expect(
      cpuQuotaCores(
        files({
          '/proc/self/cgroup': '4:cpu,cpuacct:/docker/abc\n',
          '/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us': '150000\n',
          '/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us': '100000\n',
        }),
      ),
    ).toBe(1.5);
  });

  it('none: unlimited groups, no cgroup files, or no /proc at all', () => {
    expect(
      cpuQuotaCores(
        files({
          '/proc/self/cgroup': '1:cpu:/\n',
          '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1\n',
          '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n',
        }),
      ),
    ).toBeUndefined();
    expect(cpuQuotaCores(files({ '/proc/self/cgroup': '0::/user.slice\n' }))).toBeUndefined();
    expect(cpuQuotaCores(files({}))).toBeUndefined();
  });

  it('reads /proc/self/cgroup lines: v1 controllers, the v2 line without any, and paths that hold colons', () => {
    expect(cgroupLines('4:cpu,cpuacct:/docker/a:b\n0::/user.slice\n\n')).toEqual([
      { hierarchy: '4', controllers: ['cpu', 'cpuacct'], path: '/docker/a:b' },
      { hierarchy: '0', controllers: [], path: '/user.slice' },
    ]);
  });
});
