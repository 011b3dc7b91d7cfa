import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** What settleHeap did. */
export type HeapSettling =
  /** One full collection ran, taking `ms`. */
  | { readonly kind: 'collected'; readonly ms: number }
  /** None ran, and why (V8 refused to expose its collector, or the collection failed). */
  | { readonly kind: 'skipped'; readonly why: string };

/**
 * Runs one full garbage collection now, before the cycle starts and so before it powers (and arms)
 * any drive. Why: start-up (loading the bundle, parsing and checking the config, opening the buses)
 * leaves megabytes of young objects, partly still alive; without this the first scavenges after the
 * line starts copy and promote them, and V8 grows its young generation while the axes power up and
 * move. Measured at a quarter core (2026-12-06, GC events beside the simulator's request gaps):
 * without it, scavenges of 9-37 ms about 1 s and 3.5 s into the line, and in 3 of 10 runs the run's
 * longest gaps (54-66 ms) right after one; with it (8 runs) every scavenge in the 7 s runs took
 * 1-2 ms. The collection itself took 100-170 ms there and 20 ms at full speed (`npm start`).
 * Never throws: a collection that cannot run is `skipped`, and the line starts anyway.
 */
export function settleHeap(now: () => number = () => performance.now()): HeapSettling {
  try {
    const gc = collector();
    if (gc === undefined) return { kind: 'skipped', why: 'V8 did not expose gc' };
    const startedAt = now();
    gc();
    return { kind: 'collected', ms: now() - startedAt };
  } catch (error) {
    return { kind: 'skipped', why: (error as Error).message };
  }
}

/**
 * V8's collector: the process's own when node was started with --expose-gc (its flags then left as
 * they are), else taken from a context of its own with the flag set only meanwhile, so that the
 * process's globals and the contexts made later are unchanged.
 */
function collector(): (() => void) | undefined {
  const own = (globalThis as { gc?: unknown }).gc;
  if (typeof own === 'function') return own as () => void;
  setFlagsFromString('--expose-gc');
  try {
    return runInNewContext('typeof gc === "function" ? gc : undefined') as (() => void) | undefined;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}
