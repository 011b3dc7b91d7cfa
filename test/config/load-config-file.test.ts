import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isConfigError, loadConfigFile } from '../../src/config/index.ts';
import { tempDirEach } from '../support/temp-dir.ts';

const AXES = 'axes: [{ id: a, driver: { type: simulated }, limits: { minMm: 0, maxMm: 10, maxSpeedMmPerS: 5, maxAccelMmPerS2: 50 } }]\n';

describe('loadConfigFile', () => {
  const dir = tempDirEach('axisguard-config-');

  it("resolves a relative journal path against the config file's folder", async () => {
    const path = join(dir(), 'line.yaml');
    await writeFile(path, `journal: { path: ./logs/journal.jsonl }\n${AXES}`);
    await expect(loadConfigFile(path)).resolves.toMatchObject({ journal: { path: join(dir(), 'logs', 'journal.jsonl') } });
  });

  it('keeps an absolute journal path as written', async () => {
    const path = join(dir(), 'line.yaml');
    await writeFile(path, `journal: { path: /var/log/axisguard.jsonl }\n${AXES}`);
    await expect(loadConfigFile(path)).resolves.toMatchObject({ journal: { path: '/var/log/axisguard.jsonl' } });
  });

  it('runs without a journal when none is configured', async () => {
    const path = join(dir(), 'line.json');
    await writeFile(
      path,
      JSON.stringify({
        axes: [{ id: 'a', driver: { type: 'simulated' }, limits: { minMm: 0, maxMm: 10, maxSpeedMmPerS: 5, maxAccelMmPerS2: 50 } }],
      }),
    );
    await expect(loadConfigFile(path)).resolves.toMatchObject({ journal: undefined, axes: [{ id: 'a' }] });
  });

  it('refuses a missing file with a ConfigError naming it', async () => {
    const path = join(dir(), 'nope.yaml');
    const error: unknown = await loadConfigFile(path).catch((e: unknown) => e);
    expect(isConfigError(error)).toBe(true);
    await expect(loadConfigFile(path)).rejects.toThrow(/nope\.yaml: config refused, 1 problem:\n.*cannot read the config file: ENOENT/);
  });

  it('names the file in every issue line', async () => {
    const path = join(dir(), 'bad.yaml');
    await writeFile(path, `cycle: { periodMs: 0 }\n${AXES}`);
    await expect(loadConfigFile(path)).rejects.toThrow(`${path}:1:10: cycle.periodMs: Too small: expected number to be >=1`);
  });
});
