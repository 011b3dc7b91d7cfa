import { describe, expect, it } from 'vitest';
import { processSleeps } from './realtime-line.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(process.platform === 'linux')('processSleeps', () => {
  it('counts the sleeps of every thread of a process, and each timer that wakes it adds one', async () => {
    const before = processSleeps(process.pid);
    expect(before).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) await sleep(5);
    // Five timers that each found the process idle: at least five sleeps more (other threads may add theirs).
    expect(processSleeps(process.pid)! - before!).toBeGreaterThanOrEqual(5);
  });

  it('says undefined for a process that is gone', () => {
    expect(processSleeps(2 ** 22 + 1)).toBeUndefined();
  });
});
