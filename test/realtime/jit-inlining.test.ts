import { describe, expect, it } from 'vitest';
import { decideJitInlining, type CpuBudgetHost } from '../../src/realtime/jit-inlining.ts';

const host = (quotaCores: number | undefined, cpus: number[]): CpuBudgetHost => ({
  quotaCores: () => quotaCores,
  allowedCpus: () => cpus,
});

describe('decideJitInlining: V8 inlines only where its compiles run beside the cycle', () => {
  it('inlines with more than one CPU and no quota, or a quota above one core', () => {
    expect(decideJitInlining(undefined, host(undefined, [0, 1, 2, 3]))).toEqual({
      inlining: true,
      why: '4 CPUs: it compiles beside the cycle',
    });
    expect(decideJitInlining(undefined, host(1.5, [0, 1]))).toMatchObject({
      inlining: true,
      why: '2 CPUs within a quota of 1.5 cores: it compiles beside the cycle',
    });
  });

  it('does not inline under a quota of one core or less, or on one CPU', () => {
    expect(decideJitInlining(undefined, host(0.25, [0, 1]))).toMatchObject({
      inlining: false,
      why: expect.stringContaining('a CPU quota of 0.25 cores'),
    });
    expect(decideJitInlining(undefined, host(1, [0, 1, 2, 3]))).toMatchObject({ inlining: false });
    expect(decideJitInlining(undefined, host(undefined, [2]))).toMatchObject({ inlining: false, why: expect.stringContaining('one CPU') });
    expect(decideJitInlining(undefined, host(undefined, []))).toMatchObject({
      inlining: false,
      why: 'cannot tell which CPUs this process may use',
    });
  });

  it('does not inline when AXISGUARD_OPTIMIZING_JIT says no inlining or no optimizing JIT, whatever the CPUs', () => {
    for (const setting of ['no-inlining', '0'])
      expect(decideJitInlining(setting, host(undefined, [0, 1, 2, 3]))).toEqual({
        inlining: false,
        why: `AXISGUARD_OPTIMIZING_JIT=${setting}`,
      });
  });

  it('does not inline when the budget cannot be read, and says why', () => {
    const unreadable: CpuBudgetHost = {
      quotaCores: () => {
        throw new Error('EACCES /proc/self/cgroup');
      },
      allowedCpus: () => [0, 1],
    };
    expect(decideJitInlining(undefined, unreadable)).toEqual({
      inlining: false,
      why: 'cannot read the CPU quota or affinity (EACCES /proc/self/cgroup)',
    });
  });
});
