import { describe, expect, it } from 'vitest';
import { describeCpuPinning, keepThreadsOnOneCpu, parseCpuList, type PinningHost } from '../../src/realtime/one-cpu.ts';

/** A host with a quota of `quotaCores`, these CPUs allowed, the main thread on `current`; records what it pinned. */
function host(quotaCores: number | undefined, allowed: number[], current: number, pinError?: string) {
  const pinnedTo: number[] = [];
  const h: PinningHost = {
    quotaCores: () => quotaCores,
    allowedCpus: () => allowed,
    currentCpu: () => current,
    pinAllThreads: (cpu) => {
      if (pinError) throw new Error(pinError);
      pinnedTo.push(cpu);
    },
  };
  return { h, pinnedTo };
}

describe('keepThreadsOnOneCpu: under a CPU quota of at most one core, every thread on one CPU', () => {
  it('a quarter-core quota on a 4-CPU machine: all threads go to the CPU the main thread is on', () => {
    const { h, pinnedTo } = host(0.25, [0, 1, 2, 3], 2);
    expect(keepThreadsOnOneCpu(h)).toEqual({ kind: 'pinned', cpu: 2, quotaCores: 0.25 });
    expect(pinnedTo).toEqual([2]);
  });

  it('the main thread on a CPU outside the allowed set (it moved meanwhile): the first allowed one', () => {
    const { h, pinnedTo } = host(1, [4, 5], 0);
    expect(keepThreadsOnOneCpu(h)).toMatchObject({ kind: 'pinned', cpu: 4 });
    expect(pinnedTo).toEqual([4]);
  });

  it('changes nothing without a quota, with a quota above one core, or already on one CPU', () => {
    for (const [quota, allowed, why] of [
      [undefined, [0, 1], 'no CPU quota'],
      [1.5, [0, 1], 'a CPU quota of 1.5 cores (more than one)'],
      [0.25, [3], 'already on one CPU (3)'],
    ] as const) {
      const { h, pinnedTo } = host(quota, [...allowed], allowed[0]);
      expect(keepThreadsOnOneCpu(h)).toEqual({ kind: 'not_needed', why });
      expect(pinnedTo).toEqual([]);
    }
  });

  it('a pin that fails is reported with the fix: taskset, or the service pinned by systemd or docker', () => {
    const { h } = host(0.5, [0, 1], 1, 'spawnSync taskset ENOENT');
    const pinning = keepThreadsOnOneCpu(h);
    expect(pinning).toEqual({ kind: 'failed', quotaCores: 0.5, error: 'spawnSync taskset ENOENT' });
    expect(describeCpuPinning(pinning)).toMatch(/quota of 0\.5 cores.*install taskset \(util-linux\).*CPUAffinity=.*--cpuset-cpus/);
  });

  it('parses the kernel CPU lists', () => {
    expect(parseCpuList('0-3,6\n')).toEqual([0, 1, 2, 3, 6]);
    expect(parseCpuList('1')).toEqual([1]);
    expect(parseCpuList('')).toEqual([]);
  });
});
