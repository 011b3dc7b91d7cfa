import type { Counter } from 'prom-client';

/**
 * Sets a counter to values counted elsewhere (a breaker's, a transport's, a scheduler's own
 * counters), at scrape time: those counters only grow, so the counter stays monotonic.
 */
export function mirrorCounter<L extends string>(
  counter: Counter<L>,
  rows: ReadonlyArray<readonly [Partial<Record<L, string>>, number]>,
): void {
  counter.reset();
  for (const [labels, value] of rows) counter.inc(labels, value);
}
