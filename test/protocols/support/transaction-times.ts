import type { Clock } from '../../../src/common/clock.ts';

/**
 * Runs `read` `n` times, one after another, and logs `label: median X ms, p99 Y ms (n=N)` of their
 * durations on `clock` (a figure for the reader; the caller asserts on the master's counters).
 */
export async function logTransactionTimes(clock: Clock, label: string, read: () => Promise<unknown>, n = 300): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = clock.now();
    await read();
    times.push(clock.now() - start);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  const p99 = times[Math.floor(times.length * 0.99)]!;
  console.log(`${label}: median ${median.toFixed(3)} ms, p99 ${p99.toFixed(3)} ms (n=${times.length})`);
}
