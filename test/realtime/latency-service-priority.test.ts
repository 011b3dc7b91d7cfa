import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const HARDWARE = join(import.meta.dirname, '../../hardware');
const unitText = readFileSync(join(HARDWARE, 'systemd/axisguard.service'), 'utf8');
const deployText = readFileSync(join(HARDWARE, 'DEPLOY.md'), 'utf8');

/** The last value of `key` in the unit (comments skipped), or undefined. */
const one = (key: string): string | undefined =>
  unitText
    .split('\n')
    .map((line) => new RegExp(`^${key}=(.*)$`).exec(line.trim())?.[1])
    .filter((value) => value !== undefined)
    .at(-1);

const PRIORITY_KEYS = [
  'Nice',
  'CPUWeight',
  'IOSchedulingClass',
  'IOSchedulingPriority',
  'CPUSchedulingPolicy',
  'CPUSchedulingPriority',
  'RestrictRealtime',
];

describe('hardware/systemd/axisguard.service: priority on the controller', () => {
  it('runs axisguard ahead of ordinary processes: a negative nice value and more CPU weight than a default service (100)', () => {
    expect(Number(one('Nice'))).toBeLessThan(0);
    expect(Number(one('Nice'))).toBeGreaterThanOrEqual(-20);
    expect(Number(one('CPUWeight'))).toBeGreaterThan(100);
    expect(Number(one('CPUWeight'))).toBeLessThanOrEqual(10_000);
  });

  it('lets the process use a real-time CPU policy exactly when the unit gives it one', () => {
    const realtime = ['fifo', 'rr'].includes(one('CPUSchedulingPolicy') ?? 'other');
    expect(one('RestrictRealtime')).toBe(realtime ? 'no' : 'yes');
  });

  it('is explained in DEPLOY.md, "Priority and latency", with the values the unit sets', () => {
    expect(deployText).toMatch(/^## .*Priority and latency$/m);
    for (const key of PRIORITY_KEYS) {
      const value = one(key);
      if (value !== undefined) expect(deployText, `${key}=${value}`).toContain(`${key}=${value}`);
    }
    expect(deployText).toContain('axisguard latency-test');
  });
});
