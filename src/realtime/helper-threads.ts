import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** How far below the main thread the helper threads run (nice steps; 19 is the lowest). */
const HELPER_NICE_OFFSET = 10;
const LOWEST_NICE = 19;

/**
 * Runs the process's helper threads (V8's compiler and GC workers, libuv's pool) at a lower
 * priority than the main thread, which runs the supervision cycle and the bus. Why: in a CPU quota
 * (a cgroup, a busy Pi core) every thread of the process draws on the same share, and a TurboFan
 * compile of 15-50 ms on a worker starved the main thread for 40-60 ms at a quarter core
 * (measured with --trace-opt, 2026-12-05: `transact` 22 ms, `listOnTimeout` 54 ms, each just
 * before a `stall` event). At a lower priority the workers get the share the main thread leaves,
 * which is most of it (the cycle uses about a tenth of a core). Raising a thread's nice value needs
 * no privilege. Threads made later (libuv's pool starts on first use) are lowered at the next call.
 * `tids`: the helper threads, when the caller has read them already (helperThreadIds). Returns the
 * thread ids lowered this time; on a system without /proc/self/task it does nothing.
 */
export function lowerHelperThreads(tids: readonly number[] = helperThreadIds()): number[] {
  const target = helperNice();
  const lowered: number[] = [];
  for (const tid of tids) {
    try {
      if (getPriority(tid) >= target) continue;
      setPriority(tid, target);
      lowered.push(tid);
    } catch {
      // The thread ended meanwhile.
    }
  }
  return lowered;
}

/** The nice value helper threads run at: HELPER_NICE_OFFSET below the main thread. */
export function helperNice(): number {
  return Math.min(LOWEST_NICE, getPriority() + HELPER_NICE_OFFSET);
}

/** Every thread of this process but the main one (none on a system without /proc/self/task). */
export function helperThreadIds(): number[] {
  try {
    return readdirSync('/proc/self/task')
      .map(Number)
      .filter((tid) => tid !== process.pid);
  } catch {
    return [];
  }
}
