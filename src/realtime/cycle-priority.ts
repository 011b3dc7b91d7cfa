import { getPriority, setPriority } from 'node:os';

/** The main thread's nice value a real-time run asks for: the one its systemd unit sets (hardware/systemd, `Nice=-10`). */
export const CYCLE_NICE = -10;

/** What became of the main thread's priority at start. */
export type CyclePriority =
  /** Raised from the default 0 to CYCLE_NICE. */
  | { readonly kind: 'raised'; readonly from: number; readonly nice: number }
  /** Started at a nice value other than 0: someone chose it (systemd's `Nice=`, `nice -n`), so it is left as it is. */
  | { readonly kind: 'kept'; readonly nice: number }
  /** Raising it needs CAP_SYS_NICE (or a raised RLIMIT_NICE), which this process does not have; `code` as the OS said. */
  | { readonly kind: 'refused'; readonly nice: number; readonly code: string };

/** The calling thread's nice value, read and set (os.getPriority / os.setPriority without a pid: on Linux, this thread only). */
export interface ThreadPriority {
  get(): number;
  set(nice: number): void;
}

const thisThread: ThreadPriority = { get: () => getPriority(), set: (nice) => setPriority(nice) };

/**
 * Puts the main thread, which runs the supervision cycle and the bus, ahead of ordinary processes
 * when the CPU is contended, as the systemd unit does for a deployed service, so that a run started
 * by hand or by a test harness gets the same. Why: with three busy processes on two cores a run at
 * nice 0 had its cycle delayed by up to 34 ms, and runs of a pty test by 96 and 180 ms, long enough
 * for the drives' 100 ms comm-loss watchdogs to hold healthy axes; at nice -10 the same 20 s runs
 * saw no delay of 20 ms or more (measured 2026-12-06; README, "The cycle goes first"). Only the
 * main thread: the helper threads stay where they are, 10 steps below it (helper-threads.ts). A nice
 * value other than 0 at start was set on purpose and is kept; this never lowers a priority. Call it
 * on the main thread.
 */
export function claimCyclePriority(thread: ThreadPriority = thisThread): CyclePriority {
  const from = thread.get();
  if (from !== 0) return { kind: 'kept', nice: from };
  try {
    thread.set(CYCLE_NICE);
  } catch (error) {
    return { kind: 'refused', nice: from, code: systemErrorCode(error) };
  }
  return { kind: 'raised', from, nice: thread.get() };
}

/** The OS's own code (EACCES, EPERM): Node wraps it as ERR_SYSTEM_ERROR with the code in `info`. */
function systemErrorCode(error: unknown): string {
  const { code, info } = error as { code?: string; info?: { code?: string } };
  return info?.code ?? code ?? String(error);
}

/** One sentence for the log: what the main thread runs at, and for a refusal what gives it the priority. */
export function describeCyclePriority(priority: CyclePriority): string {
  switch (priority.kind) {
    case 'raised':
      return `main thread raised from nice ${priority.from} to ${priority.nice}, ahead of ordinary processes when the CPU is busy`;
    case 'kept':
      return `main thread at nice ${priority.nice}, as it was started (a chosen value is kept)`;
    case 'refused':
      return (
        `main thread at nice ${priority.nice}: raising it to ${CYCLE_NICE} was refused (${priority.code}), so on a busy machine ` +
        `other processes can delay the cycle past a drive's comm-loss watchdog; run it as the systemd unit ` +
        `(hardware/systemd/axisguard.service sets Nice=${CYCLE_NICE}) or give it CAP_SYS_NICE`
      );
  }
}
