import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** What settleHeap did: how long the collection took, or why it could not run. */
export type HeapSettling = { readonly kind: 'collected'; readonly ms: number } | { readonly kind: 'skipped'; readonly why: string };

/**
 * Runs one full garbage collection now, before the cycle starts and any drive is armed. Why: start-up
 * (loading the bundle, parsing and checking the config, opening the buses) leaves megabytes of young
 * objects, partly still alive; without this the first scavenges after the line starts copy and
 * promote them, and V8 grows its young generation page by page while the axes power up and move.
 * Measured at a quarter core (2026-12-06, GC events beside the simulator's request gaps): without it,
 * scavenges of 9-37 ms about 1 s and 3.5 s into the line, and in 3 of 10 runs the run's longest gaps
 * (54-66 ms) right after one; with it (8 runs) every scavenge in the 7 s runs took 1-2 ms. The
 * collection itself took 100-170 ms there (a tenth of that at full speed), while no drive is armed.
 * `gc` is reached in a context of its own and the flag is cleared again, so the process's globals
 * and later contexts are unchanged.
 */
export function settleHeap(now: () => number = () => performance.now()): HeapSettling {
  let gc: unknown;
  try {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc');
    setFlagsFromString('--no-expose-gc');
  } catch (error) {
    return { kind: 'skipped', why: (error as Error).message };
  }
  if (typeof gc !== 'function') return { kind: 'skipped', why: 'V8 did not expose gc' };
  const startedAt = now();
  gc();
  return { kind: 'collected', ms: now() - startedAt };
}
