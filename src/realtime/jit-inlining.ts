import { setFlagsFromString } from 'node:v8';
import { linuxPinningHost, type PinningHost } from './one-cpu.ts';

/** Whether V8's optimizing JIT inlines in this process, and why. */
export interface JitInlining {
  readonly inlining: boolean;
  readonly why: string;
}

/** What decideJitInlining reads: the CPU quota and the CPUs this process may run on (one-cpu.ts). */
export type CpuBudgetHost = Pick<PinningHost, 'quotaCores' | 'allowedCpus'>;

/**
 * Whether V8's optimizing JIT (TurboFan) may inline here. Inlined compiles are larger. With more
 * than one CPU to use, they run on a helper thread on another CPU beside the main thread: measured
 * 2026-12-06 with no quota on 2 CPUs, 8 runs each alternating, 60 ms stalls every 500 ms: longest
 * request gaps 78-89 ms with inlining, 77-81 ms without, no trip either way; beside a busy loop
 * 27-31 against 26-39 ms; and about 20 % less CPU per Modbus transaction (0.71-0.81x side by
 * side, 0.78x in the bench of 2026-12-06 15:00). With one CPU at most (a CPU quota of one core or
 * less, or a single CPU allowed) the compiles take the main thread's own share: at a quarter core
 * the longest gaps grew from 28-57 to 35-89 ms, with a trip in 1 of 7 runs (bin/axisguard.js has
 * the history). `setting` is AXISGUARD_OPTIMIZING_JIT, which keeps inlining off ('no-inlining') or
 * the optimizing JIT off altogether ('0'). When the budget cannot be read, no inlining: what was
 * measured safe everywhere.
 */
export function decideJitInlining(setting: string | undefined, host: CpuBudgetHost = linuxPinningHost): JitInlining {
  if (setting === '0' || setting === 'no-inlining') return { inlining: false, why: `AXISGUARD_OPTIMIZING_JIT=${setting}` };
  let quotaCores: number | undefined;
  let cpus: number;
  try {
    quotaCores = host.quotaCores();
    cpus = host.allowedCpus().length;
  } catch (error) {
    return { inlining: false, why: `cannot read the CPU quota or affinity (${(error as Error).message})` };
  }
  if (quotaCores !== undefined && quotaCores <= 1)
    return { inlining: false, why: `a CPU quota of ${quotaCores} cores: its compiles would take the cycle's share` };
  if (cpus === 0) return { inlining: false, why: 'cannot tell which CPUs this process may use' };
  if (cpus === 1) return { inlining: false, why: "one CPU: its compiles would take the cycle's time" };
  const quota = quotaCores === undefined ? '' : ` within a quota of ${quotaCores} cores`;
  return { inlining: true, why: `${cpus} CPUs${quota}: it compiles beside the cycle` };
}

/**
 * bin/axisguard.js starts a real-time command without inlining; this turns it on where
 * decideJitInlining allows. Call it before anything runs hot (the cycle, the bus), so the hot path
 * is compiled as decided, and before threads are pinned to one CPU (which would make every budget
 * look like one CPU).
 */
export function inlineWhereCpuAllows(host?: CpuBudgetHost): JitInlining {
  const choice = decideJitInlining(process.env.AXISGUARD_OPTIMIZING_JIT, host);
  // Both ways, so that what the log says is what V8 does whatever the process started with.
  setFlagsFromString(choice.inlining ? '--turbo-inlining' : '--no-turbo-inlining');
  return choice;
}
