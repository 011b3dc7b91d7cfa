import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_LISTED_ISSUES } from '../../src/config/config-error.ts';
import { ConfigError, loadConfigFile, parseConfig } from '../../src/config/index.ts';
import { MAX_CONFIG_BYTES } from '../../src/config/parse.ts';

/** `n` axes, each with an inverted travel: one problem per axis. */
const badAxes = (n: number): string =>
  [
    'axes:',
    ...Array.from(
      { length: n },
      (_, i) =>
        `  - { id: a${i}, driver: { type: simulated }, limits: { minMm: 10, maxMm: 0, maxSpeedMmPerS: 100, maxAccelMmPerS2: 100 } }`,
    ),
  ].join('\n');

const refusal = (run: () => unknown): ConfigError => {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('not refused');
};

describe('a refused config', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(`lists the first ${MAX_LISTED_ISSUES} problems and counts the rest, while keeping all of them`, () => {
    const error = refusal(() => parseConfig(badAxes(MAX_LISTED_ISSUES + 10), 'big.yaml'));
    const lines = error.format().split('\n');
    expect(error.issues.length).toBeGreaterThan(MAX_LISTED_ISSUES);
    expect(lines).toHaveLength(MAX_LISTED_ISSUES + 1);
    expect(lines.at(-1)).toBe(
      `big.yaml: ... and ${error.issues.length - MAX_LISTED_ISSUES} more problems (fix the ones above first; they often repeat)`,
    );
    expect(error.message.split('\n')[0]).toBe(`big.yaml: config refused, ${error.issues.length} problems:`);
  });

  it('lists every problem when there are no more than the limit', () => {
    const error = refusal(() => parseConfig(badAxes(3), 'small.yaml'));
    expect(error.format().split('\n')).toHaveLength(error.issues.length);
    expect(error.format()).not.toContain('more problem');
  });

  it('refuses a file over the size limit before reading it, naming the limit and the fix', async () => {
    dir = await mkdtemp(join(tmpdir(), 'axisguard-config-'));
    const path = join(dir, 'huge.yaml');
    await writeFile(path, `# ${'x'.repeat(MAX_CONFIG_BYTES)}\nline: huge\n`);
    await expect(loadConfigFile(path)).rejects.toMatchObject({
      issues: [
        { path: '', message: expect.stringMatching(/^the config is \d+ bytes, over the 1048576-byte limit \(1 MiB\); split the line/) },
      ],
    });
  });
});
